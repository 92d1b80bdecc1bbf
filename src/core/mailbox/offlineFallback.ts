import { MailError, MailErrorReason } from '../errors';
import { FolderInfo, MessagePage, MessageStructure } from '../mailStore';
import { Generation, OfflineCache } from './offlineCache';

/** Failures that mean "the server cannot be reached now", as opposed to "the server said no". */
const UNREACHABLE: ReadonlySet<MailErrorReason> = new Set<MailErrorReason>(['network', 'refused', 'timeout', 'dns']);

export function isUnreachable(error: unknown): error is MailError {
  return error instanceof MailError && UNREACHABLE.has(error.reason);
}

/** Where a message is, as far as the caller knows: `uidValidity` present means "this generation only". */
export interface CachedMessageRef {
  readonly folder: string;
  readonly id: string;
  /** The generation the caller's address belongs to; absent: the generation this session last listed. */
  readonly uidValidity?: Generation;
}

export interface OfflineFallbackOptions {
  /** Told when answers start coming from the cache (with the failure that caused it) and when the server answers again. */
  onOfflineChange?: (offline: boolean, cause: MailError | undefined) => void;
}

/**
 * The offline policy of one account, for any call that loads folders, a page, a structure or a raw
 * message: what the server returns is written to the offline cache; when the call fails because the
 * server cannot be reached, the cached answer is returned marked offline; any other failure, or a cache
 * miss, is rethrown as it came. CachingStore applies it to a MailStore; a session can apply it to its own
 * calls (pages by UID cursor, fetches by `{folder, uidValidity, uid}`) with the same cache.
 */
export class OfflineFallback {
  /** The generation (UIDVALIDITY) each folder's pages reported in this session: bodies are filed under it. */
  private readonly generations = new Map<string, Generation>();
  private offlineNow = false;

  constructor(
    readonly accountId: string,
    private readonly cache: OfflineCache,
    private readonly options: OfflineFallbackOptions = {},
  ) {}

  /** True while the last answer came from the cache because the server could not be reached. */
  get offline(): boolean {
    return this.offlineNow;
  }

  async folders(load: () => Promise<FolderInfo[]>): Promise<FolderInfo[]> {
    let folders: FolderInfo[];
    try {
      folders = await load();
    } catch (error) {
      const cached = isUnreachable(error) ? await this.cache.folders(this.accountId) : undefined;
      if (!cached) throw error;
      this.setOffline(true, error);
      return cached.map((folder) => ({ ...folder, offline: true }));
    }
    this.setOffline(false, undefined);
    await this.cache.saveFolders(this.accountId, folders);
    return folders;
  }

  /**
   * A page, saved under `pageKey` (how the caller pages: offset and size, or a UID cursor). Fields of the
   * page type the cache does not know (a cursor) are kept; `uidValidity` files it under its generation.
   */
  async page<P extends MessagePage>(folder: string, pageKey: string, load: () => Promise<P>): Promise<P> {
    let page: P;
    try {
      page = await load();
    } catch (error) {
      const cached = isUnreachable(error) ? await this.cache.page(this.accountId, folder, pageKey) : undefined;
      if (!cached) throw error;
      this.setOffline(true, error);
      this.generations.set(folder, cached.uidValidity);
      // What the cache returns is a page this same call stored, so it has the caller's page type.
      return { ...(cached.page as P), offline: true };
    }
    this.setOffline(false, undefined);
    this.generations.set(folder, page.uidValidity);
    await this.cache.savePage(this.accountId, folder, page.uidValidity, pageKey, page);
    return page;
  }

  async raw(ref: CachedMessageRef, load: () => Promise<Buffer>): Promise<{ bytes: Buffer; offline: boolean }> {
    let bytes: Buffer;
    try {
      bytes = await load();
    } catch (error) {
      const cached = isUnreachable(error) ? await this.cache.raw(this.accountId, ref.folder, ref.id, this.generationOf(ref)) : undefined;
      if (!cached) throw error;
      this.setOffline(true, error);
      return { bytes: cached, offline: true };
    }
    this.setOffline(false, undefined);
    const generation = this.generationOf(ref);
    // Filed only under a generation known for it: bytes under a UID of another UIDVALIDITY would be another message's.
    if (generation) await this.cache.saveRaw(this.accountId, ref.folder, generation.uidValidity, ref.id, bytes);
    return { bytes, offline: false };
  }

  /** A structure; one whose result tells its own `uidValidity` (ImapStore's does) is filed under that. */
  async structure<S extends MessageStructure>(ref: CachedMessageRef, load: () => Promise<S>): Promise<S> {
    let result: S;
    try {
      result = await load();
    } catch (error) {
      const cached = isUnreachable(error) ? await this.cache.structure(this.accountId, ref.folder, ref.id, this.generationOf(ref)) : undefined;
      if (!cached) throw error;
      this.setOffline(true, error);
      return { ...(cached as S), offline: true };
    }
    this.setOffline(false, undefined);
    const told = (result as { uidValidity?: unknown }).uidValidity;
    const generation = typeof told === 'number' ? { uidValidity: told } : this.generationOf(ref);
    // imapStore leaves `structure` undefined for a BODYSTRUCTURE it cannot parse: nothing worth keeping.
    if (generation && result.structure !== undefined) await this.cache.saveStructure(this.accountId, ref.folder, generation.uidValidity, ref.id, result);
    return result;
  }

  /** Any other call that reached the server: the account is online again. */
  reached(): void {
    this.setOffline(false, undefined);
  }

  private generationOf(ref: CachedMessageRef): { uidValidity: Generation } | undefined {
    if ('uidValidity' in ref) return { uidValidity: ref.uidValidity };
    return this.generations.has(ref.folder) ? { uidValidity: this.generations.get(ref.folder) } : undefined;
  }

  private setOffline(offline: boolean, cause: unknown): void {
    if (offline === this.offlineNow) return;
    this.offlineNow = offline;
    this.options.onOfflineChange?.(offline, cause instanceof MailError ? cause : undefined);
  }
}
