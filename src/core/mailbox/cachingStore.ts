import { AccountDefinition } from '../accounts/account';
import { Cancel, canFetchParts, CountsProgress, FolderInfo, MailStore, MessagePage, MessageRef, MessageStructure, PartFetch, PartialFetcher } from '../mailStore';
import { OfflineCache } from './offlineCache';
import { OfflineFallback, OfflineFallbackOptions } from './offlineFallback';

export { isUnreachable } from './offlineFallback';

/** A raw message and where it came from. */
export interface RawResult {
  readonly bytes: Buffer;
  /** True when the server could not be reached and the bytes come from the offline cache. */
  readonly offline: boolean;
}

export type CachingStoreOptions = OfflineFallbackOptions;

/** Fetches by full identity, as ImapStore offers them (refused with 'staleGeneration' when the folder moved on). */
interface RefFetcher {
  fetchRawAt(ref: MessageRef, signal?: Cancel): Promise<Buffer>;
}

/** A store that can list its folders before their counts (ImapStore, and a CachingStore around one). */
export interface FolderNameLister {
  listFolderNames(signal?: Cancel): Promise<FolderInfo[]>;
  /** False for a wrapper whose store inside cannot (CachingStore around a Pop3Store). */
  readonly namesFirst?: boolean;
}

export function listsFolderNames(store: MailStore): store is MailStore & FolderNameLister {
  const lister = store as Partial<FolderNameLister>;
  return typeof lister.listFolderNames === 'function' && lister.namesFirst !== false;
}

function fetchesByRef(store: MailStore): store is MailStore & RefFetcher {
  return typeof (store as Partial<RefFetcher>).fetchRawAt === 'function';
}

/**
 * A MailStore that keeps what its store returns in the offline cache (folder lists, pages, structures,
 * raw bodies) and, when the store fails because the server cannot be reached ('network', 'refused',
 * 'timeout', 'dns'), answers from that cache instead, marked `offline` (folders, pages and structures
 * carry `offline: true`; raw bytes say it through `fetchRawResult` and the `offline` getter). Any other
 * failure (a NO, a message that is gone, a cancellation, bad credentials), or a cache miss, is thrown as
 * it came. The next answer from the server clears the offline state.
 */
export class CachingStore implements MailStore {
  /** The policy, for calls beyond MailStore's (pages by UID cursor, a session's own calls) on the same cache. */
  readonly fallback: OfflineFallback;

  constructor(
    protected readonly inner: MailStore,
    cache: OfflineCache,
    options: CachingStoreOptions = {},
  ) {
    this.fallback = new OfflineFallback(inner.account.id, cache, options);
  }

  get account(): AccountDefinition {
    return this.inner.account;
  }

  /** True while the last answer came from the cache because the server could not be reached. */
  get offline(): boolean {
    return this.fallback.offline;
  }

  /** Whether the store inside lists folders before their counts (see listsFolderNames). */
  get namesFirst(): boolean {
    return listsFolderNames(this.inner);
  }

  listFolders(signal?: Cancel, counts?: CountsProgress): Promise<FolderInfo[]> {
    return this.fallback.folders(() => this.inner.listFolders(signal, counts));
  }

  /**
   * The folders without counts where the store can list them so (ImapStore.listFolderNames), else with them; the
   * offline fallback as for listFolders (counts follow from listFolders, whose answer replaces this one in the cache).
   */
  listFolderNames(signal?: Cancel): Promise<FolderInfo[]> {
    const inner = this.inner;
    // (Callers ask listsFolderNames() first: false here for a store without it, e.g. POP3, whose one folder comes with its count.)
    return this.fallback.folders(() => (listsFolderNames(inner) ? inner.listFolderNames(signal) : inner.listFolders(signal)));
  }

  listMessages(folderPath: string, offset: number, pageSize: number, signal?: Cancel): Promise<MessagePage> {
    return this.fallback.page(folderPath, `offset=${offset};size=${pageSize}`, () => this.inner.listMessages(folderPath, offset, pageSize, signal));
  }

  async fetchRaw(folderPath: string, messageId: string, signal?: Cancel): Promise<Buffer> {
    return (await this.fetchRawResult(folderPath, messageId, signal)).bytes;
  }

  /** Like `fetchRaw`, saying whether the bytes come from the offline cache. */
  fetchRawResult(folderPath: string, messageId: string, signal?: Cancel): Promise<RawResult> {
    return this.fallback.raw({ folder: folderPath, id: messageId }, () => this.inner.fetchRaw(folderPath, messageId, signal));
  }

  /**
   * The raw bytes of `{folder, uidValidity, id}`: online through the store's own generation check where it
   * has one (ImapStore's `fetchRawAt`), offline only from that generation's cache, never another's.
   */
  fetchRawAt(ref: MessageRef, signal?: Cancel): Promise<RawResult> {
    const inner = this.inner;
    const load = fetchesByRef(inner) ? () => inner.fetchRawAt(ref, signal) : () => inner.fetchRaw(ref.folder, ref.id, signal);
    return this.fallback.raw({ folder: ref.folder, id: ref.id, uidValidity: ref.uidValidity }, load);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The caching store of a store that can fetch structures and single parts (IMAP). */
export class CachingPartialStore extends CachingStore implements PartialFetcher {
  constructor(
    private readonly fetcher: MailStore & PartialFetcher,
    cache: OfflineCache,
    options?: CachingStoreOptions,
  ) {
    super(fetcher, cache, options);
  }

  fetchStructure(folderPath: string, messageId: string, signal?: Cancel): Promise<MessageStructure> {
    return this.fallback.structure({ folder: folderPath, id: messageId }, () => this.fetcher.fetchStructure(folderPath, messageId, signal));
  }

  /** Parts are not kept on disk: offline, a message opens from its cached raw bytes or structure. */
  async fetchPart(folderPath: string, messageId: string, section: string, signal?: Cancel): Promise<PartFetch> {
    const part = await this.fetcher.fetchPart(folderPath, messageId, section, signal);
    this.fallback.reached();
    return part;
  }
}

/** Wraps a store in the offline cache; the result fetches parts exactly when the store does. */
export function withOfflineCache<S extends MailStore>(store: S, cache: OfflineCache, options?: CachingStoreOptions): S extends PartialFetcher ? CachingPartialStore : CachingStore;
export function withOfflineCache(store: MailStore, cache: OfflineCache, options?: CachingStoreOptions): CachingStore {
  // One generic signature, not overloads: overload resolution tries the subtype relation first, under which
  // ImapStore (whose results lack the optional `offline`) would pick the plain MailStore overload.
  return canFetchParts(store) ? new CachingPartialStore(store, cache, options) : new CachingStore(store, cache, options);
}
