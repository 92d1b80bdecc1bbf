import { randomUUID } from 'node:crypto';
import type { SearchQuery } from './searchCriteria';
import { SAVED_SEARCHES_KEY } from './savedSearchKey';

// Saved searches: what each account's result nodes were made from, kept in VS Code's global state (a Memento),
// so they come back after a reload or a restart and are run again when shown. Only the query and where it
// searches are kept (plain JSON), never results or message data. Unit-tested as it is.


export interface SavedSearch {
  /** Stable: the result node's id is made from it (its expansion survives a reload). */
  readonly id: string;
  readonly accountId: string;
  /** The folder searched; undefined searches every selectable folder of the account. */
  readonly folder: string | undefined;
  readonly query: SearchQuery;
}

/** The part of vscode.Memento this store uses. */
export interface SearchMemento {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

interface Stored {
  readonly version: 1;
  readonly searches: readonly SavedSearch[];
}

export class SavedSearches {
  private readonly listeners = new Set<() => void>();

  constructor(private readonly memento: SearchMemento) {}

  /** The account's saved searches, in the order they were made. */
  list(accountId: string): SavedSearch[] {
    return readAll(this.memento).filter((s) => s.accountId === accountId);
  }

  get(id: string): SavedSearch | undefined {
    return readAll(this.memento).find((s) => s.id === id);
  }

  /** Saves a search; the same query on the same folder (or account) is kept once, and that one is answered. */
  async add(accountId: string, folder: string | undefined, query: SearchQuery): Promise<SavedSearch> {
    const all = readAll(this.memento);
    const same = all.find((s) => s.accountId === accountId && s.folder === folder && sameQuery(s.query, query));
    if (same) return same;
    const saved: SavedSearch = { id: randomUUID(), accountId, folder, query };
    await this.write([...all, saved]);
    return saved;
  }

  /** Forgets a search; true when it was saved. */
  async remove(id: string): Promise<boolean> {
    const all = readAll(this.memento);
    const rest = all.filter((s) => s.id !== id);
    if (rest.length === all.length) return false;
    await this.write(rest);
    return true;
  }

  /** Forgets every search of accounts that are gone. */
  async keepAccounts(ids: ReadonlySet<string>): Promise<void> {
    const all = readAll(this.memento);
    const rest = all.filter((s) => ids.has(s.accountId));
    if (rest.length !== all.length) await this.write(rest);
  }

  /** Called after every change. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private async write(searches: readonly SavedSearch[]): Promise<void> {
    const stored: Stored = { version: 1, searches: searches.map((s) => ({ id: s.id, accountId: s.accountId, folder: s.folder, query: s.query })) };
    await this.memento.update(SAVED_SEARCHES_KEY, stored);
    for (const listener of [...this.listeners]) listener();
  }
}

/** What the global state holds, keeping only records of the right shape (an older or damaged record is skipped). */
function readAll(memento: SearchMemento): SavedSearch[] {
  const stored = memento.get<unknown>(SAVED_SEARCHES_KEY);
  if (typeof stored !== 'object' || stored === null || (stored as { version?: unknown }).version !== 1) return [];
  const searches = (stored as { searches?: unknown }).searches;
  if (!Array.isArray(searches)) return [];
  return searches.filter(isSavedSearch).map((s) => ({ id: s.id, accountId: s.accountId, folder: s.folder ?? undefined, query: s.query }));
}

function isSavedSearch(value: unknown): value is SavedSearch {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const query = s['query'] as Record<string, unknown> | undefined;
  const queryOk =
    typeof query === 'object' &&
    query !== null &&
    ((query['kind'] === 'raw' && typeof query['text'] === 'string') || (query['kind'] === 'criteria' && typeof query['criteria'] === 'object' && query['criteria'] !== null));
  return typeof s['id'] === 'string' && typeof s['accountId'] === 'string' && (s['folder'] === undefined || s['folder'] === null || typeof s['folder'] === 'string') && queryOk;
}

/** Two queries ask the same (compared as the JSON they are stored as). */
function sameQuery(a: SearchQuery, b: SearchQuery): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
