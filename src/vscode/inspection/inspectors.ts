import * as vscode from 'vscode';
import { MailError } from '../../core/errors';
import { MessageInspector, MessageSource } from '../../core/inspect/messageInspector';
import { canFetchParts } from '../../core/mailStore';
import { AccountService } from '../accountService';
import { RawMessages } from '../documents/rawMessages';
import { messageKey, MessageRef } from '../documents/uris';

const MAX_INSPECTORS = 200;

/**
 * One MessageInspector per message (server or file), kept for the most recently used messages so the
 * part tree, part tabs, preview and headers share one BODYSTRUCTURE / one download.
 */
export class MessageInspectors {
  private readonly inspectors = new Map<string, MessageInspector>();

  constructor(private readonly accounts: AccountService, private readonly messages: RawMessages) {}

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

  /** Forget cached structure (after Refresh) for everything below a prefix of the key. */
  forget(prefix: string): void {
    for (const k of [...this.inspectors.keys()]) if (k.startsWith(prefix)) this.inspectors.delete(k);
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
    const address = { accountId: ref.accountId, folderPath: ref.folderPath, messageId: ref.messageId };
    const raw = (signal?: AbortSignal): Promise<Buffer> => this.messages.fetch(address, signal);
    const cachedRaw = (): Buffer | undefined => this.messages.cached(address);
    const account = this.accounts.get(ref.accountId);
    if (!account || account.protocol !== 'imap') return { raw, cachedRaw };
    const store = async () => {
      const s = await this.accounts.store(account);
      if (!s) throw new MailError('cancelled', 'No password was given.');
      if (!canFetchParts(s)) throw new MailError('protocol', 'This account cannot fetch single parts.');
      return s;
    };
    return {
      raw,
      cachedRaw,
      structure: async (signal) => (await store()).fetchStructure(ref.folderPath, ref.messageId, signal),
      part: async (section, signal) => (await store()).fetchPart(ref.folderPath, ref.messageId, section, signal),
    };
  }
}
