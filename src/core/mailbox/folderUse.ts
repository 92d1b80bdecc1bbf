import type { KeyValueStore } from '../pop3/downloadLedger';

/** How many folders per account the record keeps (the rest are asked in tree order anyway). */
export const FOLDER_USE_LIMIT = 50;

const KEY = 'mailInspector.folderUse';

/** The record as it is stored: per account id, folder paths, most recently used first. */
interface Stored {
  readonly version: 1;
  readonly accounts: Readonly<Record<string, readonly string[]>>;
}

/**
 * Which folders of each account were opened last, kept across restarts (VS Code's globalState): a server that
 * gives counts one folder at a time (STATUS, no LIST-STATUS) is asked for these first. Holds folder paths
 * only, no counts or mail. A record that is not this shape (an older or damaged one) counts as empty.
 */
export class FolderUse {
  private readonly used = new Map<string, string[]>();

  constructor(private readonly storage: KeyValueStore) {
    const stored = storage.get(KEY);
    if (!isStored(stored)) return;
    for (const [id, paths] of Object.entries(stored.accounts)) this.used.set(id, [...paths].slice(0, FOLDER_USE_LIMIT));
  }

  /** The account's folders, most recently used first. */
  order(accountId: string): readonly string[] {
    return this.used.get(accountId) ?? [];
  }

  /** The folder was opened now: it moves to the front. */
  touch(accountId: string, path: string): PromiseLike<void> {
    const before = this.used.get(accountId) ?? [];
    if (before[0] === path) return Promise.resolve();
    this.used.set(accountId, [path, ...before.filter((p) => p !== path)].slice(0, FOLDER_USE_LIMIT));
    return this.save();
  }

  /** A folder was renamed (it keeps its place, and so do the folders below it) or deleted (it goes, and they do). */
  moved(accountId: string, from: string, to: string | undefined, delimiter: string | undefined): PromiseLike<void> {
    const before = this.used.get(accountId);
    if (!before) return Promise.resolve();
    const below = (p: string): boolean => p === from || (delimiter !== undefined && p.startsWith(`${from}${delimiter}`));
    const after = before.flatMap((p) => (!below(p) ? [p] : to === undefined ? [] : [to + p.slice(from.length)]));
    if (after.length === before.length && after.every((p, i) => p === before[i])) return Promise.resolve();
    this.used.set(accountId, after);
    return this.save();
  }

  private save(): PromiseLike<void> {
    const record: Stored = { version: 1, accounts: Object.fromEntries(this.used) };
    return this.storage.update(KEY, record);
  }
}

function isStored(value: unknown): value is Stored {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<Stored>;
  if (record.version !== 1 || typeof record.accounts !== 'object' || record.accounts === null) return false;
  return Object.values(record.accounts).every((paths) => Array.isArray(paths) && paths.every((p) => typeof p === 'string'));
}
