import { Cancel } from '../../mailStore';
import { Features } from '../../session/features';
import { SessionEvents } from '../../session/sessionEvents';
import { AppendResult, DeleteResult, FlagChange, FlagResult, FolderDeletion, LoadedFlags, MailWriter, MessageSet, NewFolder, TransferPlan, TransferResult, UndoPlan } from '../../write/mailWriter';
import { ImapStore } from '../imapStore';
import { createFolder, deleteFolder, renameFolder, setSubscribed } from './folderWrites';
import { storeFlags } from './flagWrites';
import { appendMessage, copyMessages, deleteMessages, expungeFolder, moveMessages, planMove, removeMessages, undoMessages } from './messageWrites';
import { ImapWriteDeps } from './writeContext';

/**
 * IMAP's writes, on the account's command connection (ImapStore.write): flags, folders, copy, move, delete, expunge,
 * append and undo. Unguarded: the AccountSession wraps it in guardedWriter, which refuses everything on a read-only
 * account. Each write reports what it changed as SessionEvents.
 */
export class ImapWriter implements MailWriter {
  private readonly deps: ImapWriteDeps;

  constructor(store: ImapStore, events: SessionEvents) {
    this.deps = {
      store,
      events,
      features: async (): Promise<Features> => {
        const capabilities = store.knownCapabilities ?? (await store.capabilities());
        return Features.imapSession(capabilities.beforeLogin, capabilities.afterLogin);
      },
    };
  }

  storeFlags(loaded: { readonly folder: string; readonly uidValidity: number | undefined; readonly messages: readonly LoadedFlags[] }, change: FlagChange, signal?: Cancel): Promise<FlagResult> {
    return storeFlags(this.deps, loaded, change, signal);
  }

  createFolder(folder: NewFolder, signal?: Cancel): Promise<{ readonly path: string }> {
    return createFolder(this.deps, folder, signal);
  }

  renameFolder(path: string, to: { readonly parent: string | undefined; readonly name: string }, signal?: Cancel): Promise<{ readonly path: string }> {
    return renameFolder(this.deps, path, to, signal);
  }

  deleteFolder(path: string, confirmed: FolderDeletion, signal?: Cancel): Promise<void> {
    return deleteFolder(this.deps, path, confirmed, signal);
  }

  setSubscribed(path: string, subscribed: boolean, signal?: Cancel): Promise<void> {
    return setSubscribed(this.deps, path, subscribed, signal);
  }

  copyMessages(set: MessageSet, target: string, signal?: Cancel): Promise<TransferResult> {
    return copyMessages(this.deps, set, target, signal);
  }

  planMove(set: MessageSet, target: string, signal?: Cancel): Promise<TransferPlan> {
    return planMove(this.deps, set, target, signal);
  }

  moveMessages(set: MessageSet, target: string, options?: { readonly expungeOthers?: boolean }, signal?: Cancel): Promise<TransferResult> {
    return moveMessages(this.deps, set, target, options, signal);
  }

  removeMessages(set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }> {
    return removeMessages(this.deps, set, signal);
  }

  deleteMessages(set: MessageSet, signal?: Cancel): Promise<DeleteResult> {
    return deleteMessages(this.deps, set, signal);
  }

  expungeFolder(folder: string, confirmedDeleted: number, signal?: Cancel): Promise<{ readonly expunged: number }> {
    return expungeFolder(this.deps, folder, confirmedDeleted, signal);
  }

  appendMessage(folder: string, bytes: Buffer, options: { readonly flags?: readonly string[]; readonly internalDate?: Date }, signal?: Cancel): Promise<AppendResult> {
    return appendMessage(this.deps, folder, bytes, options, signal);
  }

  undo(plan: UndoPlan, signal?: Cancel): Promise<void> {
    if (plan.kind === 'flags') {
      return storeFlags(this.deps, { folder: plan.folder, uidValidity: plan.uidValidity, messages: plan.ids.map((id) => ({ id, flags: [] })) }, { add: plan.change.remove ?? [], remove: plan.change.add ?? [] }, signal).then(() => undefined);
    }
    return undoMessages(this.deps, plan, signal);
  }
}
