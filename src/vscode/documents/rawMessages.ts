import { ByteCache } from '../../core/byteCache';
import { MailError } from '../../core/errors';
import { AccountService } from '../accountService';
import { MessageAddress } from './uris';

/**
 * Raw messages from the servers, fetched once however many callers ask at the same time, and kept in a
 * bounded cache so reopening a message, its parts (POP3) or its headers costs no traffic.
 */
export class RawMessages {
  private readonly cache = new ByteCache(64 * 1024 * 1024);
  private readonly inFlight = new Map<string, Promise<Buffer>>();

  constructor(private readonly accounts: AccountService) {}

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

  /** The message's bytes if they are in the cache (no fetch). */
  cached(address: MessageAddress): Buffer | undefined {
    return this.cache.get(cacheKey(address));
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
}

function cacheKey(a: MessageAddress): string {
  return `${a.accountId}\0${a.folderPath}\0${a.messageId}`;
}
