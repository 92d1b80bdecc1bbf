import * as vscode from 'vscode';
import { join } from 'node:path';
import { OfflineCache } from '../../core/mailbox/offlineCache';

/**
 * The offline cache on disk, in the extension's global storage (`<globalStorage>/offline`), one directory per
 * account inside it. Sized by `mailInspector.cache.maxMegabytes` (0 turns it off): a change of the setting
 * builds a new cache over the same directory (the sessions are rebuilt with it). It only ever holds what the
 * stores return (folder lists, summaries, structures, bodies), never an account definition or a password.
 */
export class OfflineStorage {
  private cache: OfflineCache | undefined;
  private megabytes: number | undefined;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly maxMegabytes: () => number,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  get directory(): string {
    return join(this.storage.fsPath, 'offline');
  }

  /** The cache for the current setting, or undefined when it is off. */
  current(): OfflineCache | undefined {
    const megabytes = this.maxMegabytes();
    if (megabytes <= 0) return undefined;
    if (!this.cache || this.megabytes !== megabytes) {
      this.megabytes = megabytes;
      this.cache = new OfflineCache({ directory: this.directory, maxMegabytes: megabytes, onError: (error) => this.log.warn(`Offline cache: ${String(error)}`) });
    }
    return this.cache;
  }

  /** Removes everything kept for the account (its files; any cache over the same directory). */
  async clear(accountId: string): Promise<void> {
    const cache = this.cache ?? new OfflineCache({ directory: this.directory, maxMegabytes: 1 });
    await cache.clear(accountId);
  }

  /** Bytes on disk now, as far as the cache knows. */
  async bytes(): Promise<number> {
    return this.cache ? this.cache.bytes() : 0;
  }
}
