import { Cancel, MailStore } from '../mailStore';
import { FolderWatch, LiveBackend, PageCursor, SessionPage } from '../session/accountSession';
import { Features } from '../session/features';
import { SessionEvents } from '../session/sessionEvents';
import { CachingStore, CachingStoreOptions, withOfflineCache } from './cachingStore';
import { OfflineCache } from './offlineCache';

/**
 * Methods of a protocol's store beyond MailStore that callers find by duck typing (deleting on a POP3 server,
 * "Check for New Mail", the folder state, generation-checked fetches). The offline wrapper forwards them to
 * the store inside, so wrapping changes what is cached, never what an account can do.
 */
const FORWARDED = [
  'deleteMessage',
  'checkForNewMail',
  'startPolling',
  'stopPolling',
  'features',
  'capabilities',
  'capabilityLists',
  'folderState',
  'fetchStructureAt',
  'fetchPartAt',
  'listMessagesByUid',
  'openWatchConnection',
  // Search (src/core/search): read-only work on an EXAMINEd folder, pages by UID, POP3's short sessions.
  'readOnly',
  'listMessagesByUids',
  'maildropSession',
] as const;

/** A caching store that names the store it wraps (`origin`) and forwards that store's extra methods. */
export type OfflineStore = CachingStore & { readonly origin: MailStore };

export function offlineStore(inner: MailStore, cache: OfflineCache, options?: CachingStoreOptions): OfflineStore {
  const store = withOfflineCache(inner, cache, options) as CachingStore;
  const target = store as unknown as Record<string, unknown>;
  const source = inner as unknown as Record<string, unknown>;
  for (const name of FORWARDED) {
    const method = source[name];
    if (typeof method === 'function' && target[name] === undefined) Object.defineProperty(store, name, { value: method.bind(inner), enumerable: false });
  }
  Object.defineProperty(store, 'origin', { value: inner, enumerable: false });
  return store as OfflineStore;
}

/**
 * A session backend whose answers go through the offline cache: folder lists, pages (by the session's own
 * cursor), structures and raw bodies are kept on disk as they are fetched; when the server cannot be reached,
 * they are answered from there, marked `offline`. Watching and connecting are the inner backend's.
 */
export class OfflineBackend implements LiveBackend {
  readonly store: OfflineStore;
  /** Writes go to the server only: the cache never takes one (offline, they fail with the network's reason). */
  readonly writer: LiveBackend['writer'];

  constructor(
    private readonly inner: LiveBackend,
    cache: OfflineCache,
    options?: CachingStoreOptions,
  ) {
    this.store = offlineStore(inner.store, cache, options);
    this.writer = inner.writer;
  }

  connect(signal?: Cancel): Promise<Features> {
    return this.inner.connect(signal);
  }

  knownFeatures(): Features | undefined {
    return this.inner.knownFeatures();
  }

  watch(folder: string, events: SessionEvents, signal?: Cancel): Promise<FolderWatch> {
    return this.inner.watch(folder, events, signal);
  }

  listPage(folder: string, cursor: PageCursor | undefined, pageSize: number, signal?: Cancel): Promise<SessionPage> {
    return this.store.fallback.page(folder, pageKey(cursor, pageSize), () => this.inner.listPage(folder, cursor, pageSize, signal));
  }
}

/** How a page is filed: by its cursor (and generation) and size, so an offline "Load more" finds the same page. */
function pageKey(cursor: PageCursor | undefined, pageSize: number): string {
  if (!cursor) return `first;size=${pageSize}`;
  if (cursor.kind === 'uid') return `uid<${cursor.beforeUid}@${cursor.uidValidity};size=${pageSize}`;
  return `offset=${cursor.offset};size=${pageSize}`;
}
