import { Cancel } from '../../mailStore';
import { Features } from '../../session/features';
import { SessionEvents } from '../../session/sessionEvents';
import { AppendResult, DeleteResult, FlagChange, FlagResult, FolderDeletion, LoadedFlags, MailWriter, MessageSet, NewFolder, TransferPlan, TransferResult, UndoPlan } from '../../write/mailWriter';
import { ImapStore } from '../imapStore';
import { ImapWriteDeps } from './writeContext';

type Operations = typeof import('./writeOperations');

/** The write operations, loaded on the first write (their own chunk of the bundle), then kept. */
let loading: Promise<Operations> | undefined;
function operations(): Promise<Operations> {
  loading ??= import(/* webpackChunkName: "imapWrites" */ './writeOperations');
  return loading;
}

/**
 * IMAP's writes, on the account's command connection (ImapStore.write): flags, folders, copy, move, delete, expunge,
 * append and undo. Unguarded: the AccountSession wraps it in guardedWriter, which refuses everything on a read-only
 * account. Each write reports what it changed as SessionEvents. The operations themselves load on the first write.
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

  async storeFlags(loaded: { readonly folder: string; readonly uidValidity: number | undefined; readonly messages: readonly LoadedFlags[] }, change: FlagChange, signal?: Cancel): Promise<FlagResult> {
    return (await operations()).storeFlags(this.deps, loaded, change, signal);
  }

  async createFolder(folder: NewFolder, signal?: Cancel): Promise<{ readonly path: string }> {
    return (await operations()).createFolder(this.deps, folder, signal);
  }

  async renameFolder(path: string, to: { readonly parent: string | undefined; readonly name: string }, signal?: Cancel): Promise<{ readonly path: string }> {
    return (await operations()).renameFolder(this.deps, path, to, signal);
  }

  async deleteFolder(path: string, confirmed: FolderDeletion, signal?: Cancel): Promise<void> {
    return (await operations()).deleteFolder(this.deps, path, confirmed, signal);
  }

  async setSubscribed(path: string, subscribed: boolean, signal?: Cancel): Promise<void> {
    return (await operations()).setSubscribed(this.deps, path, subscribed, signal);
  }

  async copyMessages(set: MessageSet, target: string, signal?: Cancel): Promise<TransferResult> {
    return (await operations()).copyMessages(this.deps, set, target, signal);
  }

  async planMove(set: MessageSet, target: string, signal?: Cancel): Promise<TransferPlan> {
    return (await operations()).planMove(this.deps, set, target, signal);
  }

  async moveMessages(set: MessageSet, target: string, options?: { readonly expungeOthers?: boolean }, signal?: Cancel): Promise<TransferResult> {
    return (await operations()).moveMessages(this.deps, set, target, options, signal);
  }

  async removeMessages(set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }> {
    return (await operations()).removeMessages(this.deps, set, signal);
  }

  async deleteMessages(set: MessageSet, signal?: Cancel): Promise<DeleteResult> {
    return (await operations()).deleteMessages(this.deps, set, signal);
  }

  async expungeFolder(folder: string, confirmedDeleted: number, signal?: Cancel): Promise<{ readonly expunged: number }> {
    return (await operations()).expungeFolder(this.deps, folder, confirmedDeleted, signal);
  }

  async appendMessage(folder: string, bytes: Buffer, options: { readonly flags?: readonly string[]; readonly internalDate?: Date }, signal?: Cancel): Promise<AppendResult> {
    return (await operations()).appendMessage(this.deps, folder, bytes, options, signal);
  }

  async undo(plan: UndoPlan, signal?: Cancel): Promise<void> {
    const { storeFlags, undoMessages } = await operations();
    if (plan.kind === 'flags') {
      return storeFlags(this.deps, { folder: plan.folder, uidValidity: plan.uidValidity, messages: plan.ids.map((id) => ({ id, flags: [] })) }, { add: plan.change.remove ?? [], remove: plan.change.add ?? [] }, signal).then(() => undefined);
    }
    return undoMessages(this.deps, plan, signal);
  }
}
