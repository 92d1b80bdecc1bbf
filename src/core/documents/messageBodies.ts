import { AccountDefinition } from '../accounts/account';
import { MailError } from '../errors';
import { AccountCaches } from '../mailbox/folderCache';
import { Cancel, MailStore, MessageRef } from '../mailStore';
import { SessionEvent, Subscription } from '../session/sessionEvents';
import { fetchRawOf, staleGenerationError, staleGenerationOf } from './generationFetch';

/** Where accounts and their stores come from (the extension's AccountService). */
export interface StoreSource {
  get(accountId: string): AccountDefinition | undefined;
  store(account: AccountDefinition): Promise<MailStore | undefined>;
}

/** A server message by its full identity: `uidValidity` is the folder's generation its id belongs to (IMAP). */
export interface BodyAddress {
  readonly accountId: string;
  readonly folderPath: string;
  readonly messageId: string;
  readonly uidValidity?: number;
}

/** A folder generation that was replaced: documents on it must say so. */
export interface DroppedGeneration {
  readonly accountId: string;
  readonly folder: string;
  readonly uidValidity: number;
  readonly current: number | undefined;
}

export interface MessageBodiesOptions {
  /** Bytes of raw bodies held per account (default 64 MiB). */
  maxRawBytes?: number;
}

/**
 * Raw messages of the accounts, fetched once however many callers ask at the same time and kept in one
 * cache per (account, folder, UIDVALIDITY) (AccountCaches), so reopening a message, its parts (POP3) or its
 * headers costs no traffic. A message is asked for by its full identity: the bytes of one generation are
 * never served for the same UID of another. Once a folder's UIDVALIDITY is known to have changed (a
 * listing, a session event, the server's refusal), its earlier generation is dropped whole, listeners hear
 * of it (open documents say so) and every later request for it is refused locally with a typed MailError
 * (detail `staleGeneration`), without asking the server.
 */
export class MessageBodies {
  private readonly caches = new Map<string, AccountCaches>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  /** `account\0folder\0uidValidity` of generations known to be gone → the generation that replaced them. */
  private readonly gone = new Map<string, number | undefined>();
  private readonly droppedListeners = new Set<(dropped: DroppedGeneration) => void>();
  private readonly offlineKeys = new Set<string>();

  constructor(
    private readonly source: StoreSource,
    private readonly options: MessageBodiesOptions = {},
  ) {}

  /** The account's folder caches (created on first use). */
  account(accountId: string): AccountCaches {
    let caches = this.caches.get(accountId);
    if (!caches) {
      caches = new AccountCaches(accountId, { ...(this.options.maxRawBytes !== undefined ? { maxRawBytes: this.options.maxRawBytes } : {}) });
      caches.onGenerationDropped((dropped, current) => {
        if (dropped.uidValidity !== undefined) this.markGone(accountId, dropped.folder, dropped.uidValidity, current);
      });
      this.caches.set(accountId, caches);
    }
    return caches;
  }

  onGenerationDropped(listener: (dropped: DroppedGeneration) => void): Subscription {
    this.droppedListeners.add(listener);
    return { dispose: () => this.droppedListeners.delete(listener) };
  }

  /** The generation that replaced the address's one, when it is known to be gone; undefined while it is current (or unknown). */
  staleness(address: BodyAddress): { current: number | undefined } | undefined {
    if (address.uidValidity === undefined) return undefined;
    const key = goneKey(address.accountId, address.folderPath, address.uidValidity);
    if (!this.gone.has(key)) return undefined;
    const current = this.gone.get(key);
    // Resolved to the newest generation known (123 → 456 → 789 says "now 789").
    let latest = current;
    for (let hops = 0; latest !== undefined && hops < 16; hops++) {
      const next = goneKey(address.accountId, address.folderPath, latest);
      if (!this.gone.has(next)) break;
      latest = this.gone.get(next);
    }
    return { current: latest };
  }

  /** Throws the typed refusal when the address's generation is known to be gone. */
  checkCurrent(address: BodyAddress): void {
    const stale = this.staleness(address);
    if (stale && address.uidValidity !== undefined) throw staleGenerationError(address.folderPath, address.uidValidity, stale.current ?? 0, address.messageId);
  }

  /**
   * The folder's generation now is `uidValidity` (a page listed it, the server said so): an earlier one
   * held is dropped and its documents are told.
   */
  noteGeneration(accountId: string, folder: string, uidValidity: number | undefined): void {
    if (uidValidity === undefined) return;
    this.gone.delete(goneKey(accountId, folder, uidValidity));
    this.account(accountId).folder(folder, uidValidity);
  }

  /** Applies one session event of the account (UIDVALIDITY changed, expunges, flags) to its caches. */
  apply(accountId: string, event: SessionEvent): void {
    if (event.type === 'uidValidity') {
      // Known even when nothing of the folder is held: a document of the old generation may be open.
      this.markGone(accountId, event.folder, event.previous, event.current);
      this.noteGeneration(accountId, event.folder, event.current);
      return;
    }
    this.caches.get(accountId)?.apply(event);
  }

  fetch(address: BodyAddress, signal?: Cancel): Promise<Buffer> {
    try {
      this.checkCurrent(address);
    } catch (error) {
      return Promise.reject(error);
    }
    const held = this.held(address);
    if (held) return Promise.resolve(held);
    const key = bodyKey(address);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(address, signal).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** The message's bytes if they are held (no fetch); never for a generation known to be gone. */
  cached(address: BodyAddress): Buffer | undefined {
    if (this.staleness(address)) return undefined;
    return this.held(address);
  }

  /** True when the message's bytes last came from the offline cache (the server could not be reached). */
  cameFromOfflineCache(address: BodyAddress): boolean {
    return this.offlineKeys.has(bodyKey(address));
  }

  forgetAccount(accountId: string): void {
    this.caches.get(accountId)?.clear();
    for (const key of [...this.offlineKeys]) if (key.startsWith(`${accountId}\0`)) this.offlineKeys.delete(key);
  }

  forgetFolder(accountId: string, folder: string): void {
    this.caches.get(accountId)?.forgetFolder(folder);
  }

  /** Records that a generation is gone (once) and tells the listeners. */
  private markGone(accountId: string, folder: string, uidValidity: number, current: number | undefined): void {
    if (uidValidity === current) return;
    const key = goneKey(accountId, folder, uidValidity);
    if (this.gone.has(key) && this.gone.get(key) === current) return;
    this.gone.set(key, current);
    const event: DroppedGeneration = { accountId, folder, uidValidity, current };
    for (const listener of [...this.droppedListeners]) listener(event);
  }

  /** Only the exact generation: a body filed under another (or an unknown) UIDVALIDITY is not this message's. */
  private held(address: BodyAddress): Buffer | undefined {
    const folder = this.caches.get(address.accountId)?.current(address.folderPath);
    if (!folder || folder.uidValidity !== address.uidValidity) return undefined;
    return folder.raw(address.messageId);
  }

  private async load(address: BodyAddress, signal?: Cancel): Promise<Buffer> {
    const account = this.source.get(address.accountId);
    if (!account) throw new MailError('notFound', `There is no account "${address.accountId}".`);
    const store = await this.source.store(account);
    if (!store) throw new MailError('cancelled', 'No password was given.');
    const ref: MessageRef = { folder: address.folderPath, uidValidity: address.uidValidity, id: address.messageId };
    let result: { bytes: Buffer; offline: boolean; checked: boolean };
    try {
      result = await fetchRawOf(store, ref, signal);
    } catch (error) {
      const stale = staleGenerationOf(error);
      if (stale) {
        // The server says the folder has another generation now: drop the old one, documents on it say so.
        this.markGone(address.accountId, stale.folder, stale.uidValidity, stale.current);
        this.noteGeneration(address.accountId, stale.folder, stale.current);
        throw staleGenerationError(stale.folder, stale.uidValidity, stale.current, address.messageId);
      }
      throw error;
    }
    // The generation may have been replaced while the bytes were on their way.
    this.checkCurrent(address);
    const key = bodyKey(address);
    if (result.offline) this.offlineKeys.add(key);
    else this.offlineKeys.delete(key);
    const caches = this.account(address.accountId);
    if (result.checked) this.noteGeneration(address.accountId, address.folderPath, address.uidValidity);
    const folder = caches.current(address.folderPath) ?? (address.uidValidity === undefined ? caches.folder(address.folderPath, undefined) : undefined);
    if (folder && folder.uidValidity === address.uidValidity) folder.setRaw(address.messageId, result.bytes);
    return result.bytes;
  }
}

function goneKey(accountId: string, folder: string, uidValidity: number): string {
  return `${accountId}\0${folder}\0${uidValidity}`;
}

function bodyKey(a: BodyAddress): string {
  return `${a.accountId}\0${a.folderPath}\0${a.uidValidity ?? ''}\0${a.messageId}`;
}
