import * as vscode from 'vscode';
import { Features } from '../../core/session/features';
import { fetchPartOf, fetchStructureOf } from '../../core/documents/generationFetch';
import { DroppedGeneration } from '../../core/documents/messageBodies';
import { MailError } from '../../core/errors';
import { MessageInspector, MessageSource } from '../../core/inspect/messageInspector';
import { canFetchParts, MessageRef as StoreRef } from '../../core/mailStore';
import { Subscription } from '../../core/session/sessionEvents';
import { AccountService } from '../accountService';
import { RawMessages } from '../documents/rawMessages';
import { folderKeyPrefix, messageKey, MessageRef } from '../documents/uris';

const MAX_INSPECTORS = 200;

/**
 * One MessageInspector per message (server or file), kept for the most recently used messages so the
 * part tree, part tabs, preview and headers share one BODYSTRUCTURE / one download. Server messages are
 * keyed by full identity (the folder's UIDVALIDITY included): an inspector of an earlier generation is
 * dropped when that generation is, and its structure and parts are fetched only for its own generation.
 */
export class MessageInspectors implements vscode.Disposable {
  private readonly inspectors = new Map<string, MessageInspector>();
  private readonly dropped: Subscription;

  constructor(private readonly accounts: AccountService, private readonly messages: RawMessages) {
    this.dropped = messages.onGenerationDropped((d) => this.forgetGeneration(d));
  }

  /** `expectedSize` is the size the listing announced (a raw message of another size is reported). */
  get(ref: MessageRef, expectedSize?: number): MessageInspector {
    const key = messageKey(ref);
    let inspector = this.inspectors.get(key);
    if (inspector) {
      this.inspectors.delete(key);
    } else {
      inspector = new MessageInspector({ ...this.source(ref), ...(expectedSize !== undefined ? { expectedSize } : {}) });
    }
    this.inspectors.set(key, inspector);
    for (const k of this.inspectors.keys()) {
      if (this.inspectors.size <= MAX_INSPECTORS) break;
      this.inspectors.delete(k);
    }
    return inspector;
  }

  /** Forget cached structure (after Refresh) for everything below a prefix of the key (see messageKey). */
  forget(prefix: string): void {
    for (const k of [...this.inspectors.keys()]) if (k.startsWith(prefix)) this.inspectors.delete(k);
  }

  /** Forgets the inspectors of one folder (every generation), or of the whole account. */
  forgetFolder(accountId: string, folderPath?: string): void {
    this.forget(folderPath === undefined ? `server\0${accountId}\0` : folderKeyPrefix(accountId, folderPath));
  }

  private forgetGeneration(d: DroppedGeneration): void {
    this.forget(`${folderKeyPrefix(d.accountId, d.folder)}${d.uidValidity}\0`);
  }

  private source(ref: MessageRef): MessageSource {
    if (ref.kind === 'file') {
      return {
        raw: async () => {
          try {
            return Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.parse(ref.file)));
          } catch (error) {
            throw new MailError('notFound', `The file ${vscode.Uri.parse(ref.file).fsPath} could not be read: ${String(error)}`);
          }
        },
      };
    }
    const address = { accountId: ref.accountId, folderPath: ref.folderPath, messageId: ref.messageId, ...(ref.uidValidity !== undefined ? { uidValidity: ref.uidValidity } : {}) };
    const storeRef: StoreRef = { folder: ref.folderPath, uidValidity: ref.uidValidity, id: ref.messageId };
    const raw = (signal?: AbortSignal): Promise<Buffer> => this.messages.fetch(address, signal);
    const cachedRaw = (): Buffer | undefined => this.messages.cached(address);
    const account = this.accounts.get(ref.accountId);
    const session = account ? this.accounts.peek(account.id) : undefined;
    // Whether the account can describe a message and fetch one part is asked of its store, never of its protocol.
    const partial = session ? canFetchParts(session.store) : account !== undefined && Features.inherent(account.protocol).supports('partialFetch');
    if (!account || !partial) return { raw, cachedRaw };
    const store = async () => {
      // Refused before any traffic when the generation is known to be gone.
      this.messages.checkCurrent(address);
      const s = await this.accounts.store(account);
      if (!s) throw new MailError('cancelled', 'No password was given.');
      return s;
    };
    return {
      raw,
      cachedRaw,
      structure: async (signal) => fetchStructureOf(await store(), storeRef, signal),
      part: async (section, signal) => fetchPartOf(await store(), storeRef, section, signal),
    };
  }

  dispose(): void {
    this.dropped.dispose();
    this.inspectors.clear();
  }
}
