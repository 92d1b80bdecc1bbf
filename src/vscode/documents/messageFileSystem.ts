import * as vscode from 'vscode';
import { ByteCache } from '../../core/byteCache';
import { MailError } from '../../core/errors';
import { AccountService } from '../accountService';
import { fromMessageUri, MessageAddress } from './uris';

/**
 * Read-only file system for `mail-inspector:` URIs: a message's raw bytes, exactly as the server
 * holds them. It shows no UI; failures become FileSystemErrors. Fetches go through `fetch`, which the
 * open command also uses (with progress and cancellation) so the tab opens from the cache.
 */
export class MessageFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  private readonly cache = new ByteCache(64 * 1024 * 1024);
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(private readonly accounts: AccountService) {}

  /** The message bytes: from the cache, or fetched once however many callers ask at the same time. */
  fetch(address: MessageAddress, signal?: AbortSignal): Promise<Buffer> {
    const key = cacheKey(address);
    const cached = this.cache.get(key);
    if (cached) return Promise.resolve(cached);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(address, signal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  isCached(address: MessageAddress): boolean {
    return this.cache.get(cacheKey(address)) !== undefined;
  }

  forgetAccount(accountId: string): void {
    this.cache.deletePrefix(`${accountId}\0`);
  }

  private async load(address: MessageAddress, signal?: AbortSignal): Promise<Buffer> {
    const account = this.accounts.get(address.accountId);
    if (!account) throw new MailError('notFound', `There is no account "${address.accountId}".`);
    const store = await this.accounts.store(account);
    if (!store) throw new MailError('cancelled', 'No password was given.');
    const bytes = await store.fetchRaw(address.folderPath, address.messageId, signal);
    this.cache.set(cacheKey(address), bytes);
    return bytes;
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const address = fromMessageUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    try {
      return await this.fetch(address);
    } catch (error) {
      if (MailError.is(error, 'notFound')) throw vscode.FileSystemError.FileNotFound(uri);
      if (MailError.is(error, 'cancelled')) throw vscode.FileSystemError.Unavailable(uri);
      throw vscode.FileSystemError.Unavailable(MailError.is(error) ? `${error.explanation} ${error.serverText ?? ''}`.trim() : String(error));
    }
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const address = fromMessageUri(uri);
    if (!address) throw vscode.FileSystemError.FileNotFound(uri);
    const cached = this.cache.get(cacheKey(address));
    return { type: vscode.FileType.File, ctime: 0, mtime: 0, size: cached?.length ?? 0, permissions: vscode.FilePermission.Readonly };
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  writeFile(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

function cacheKey(a: MessageAddress): string {
  return `${a.accountId}\0${a.folderPath}\0${a.messageId}`;
}
