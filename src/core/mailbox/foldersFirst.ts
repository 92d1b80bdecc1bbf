import { FolderInfo, MailStore } from '../mailStore';
import { FolderNameLister } from './cachingStore';

/** How long the first answer waits for the counts before it shows the folders without them. */
export const COUNTS_GRACE_MS = 50;

export interface FoldersFirstOptions {
  /** Folder paths, most recently used first: where counts come one folder at a time, these are asked first. */
  readonly usedFirst?: readonly string[];
  readonly graceMs?: number;
  /** A folder's counts that came after the first answer (the folders are shown by then). */
  onLateCounts(folder: FolderInfo): void;
}

export interface FoldersFirstResult {
  /** What to show now: every folder, with the counts that came within the grace (all of them when `counts` is undefined). */
  readonly folders: FolderInfo[];
  /** Every folder with its counts, once they are all in; undefined when `folders` has them already. */
  readonly counts: Promise<FolderInfo[]> | undefined;
}

/**
 * The cold path of a folder list: LIST alone answers first (well under a millisecond), the counts are asked right
 * after (LIST-STATUS, or STATUS per folder with the folders used last first). Counts that come within the grace
 * are in the first answer (one render, no blank counts); the ones after it go to `onLateCounts` as each folder's
 * arrive, so a tree never waits on them. A store that lists counts one way only (POP3) answers with them at once.
 */
export async function foldersFirst(store: MailStore & FolderNameLister, options: FoldersFirstOptions): Promise<FoldersFirstResult> {
  const names = await store.listFolderNames();
  const arrived = new Map<string, FolderInfo>();
  let answered = false;
  const onCounts = (folder: FolderInfo): void => {
    if (answered) options.onLateCounts(folder);
    else arrived.set(folder.path, folder);
  };
  const counted = store.listFolders(undefined, { usedFirst: options.usedFirst ?? [], onCounts });
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), options.graceMs ?? COUNTS_GRACE_MS)));
  // A failure of the counts shows the folders without them; it reaches the caller through `counts`.
  const early = await Promise.race([counted, grace]).catch(() => undefined);
  clearTimeout(timer);
  answered = true;
  if (early) return { folders: early, counts: undefined };
  return { folders: names.map((f) => arrived.get(f.path) ?? f), counts: counted };
}
