import type { ListResponse } from 'imapflow';
import { FolderInfo, SpecialUse } from '../mailStore';

const SPECIAL_USE: Record<string, SpecialUse> = {
  '\\Inbox': 'inbox',
  '\\Sent': 'sent',
  '\\Drafts': 'drafts',
  '\\Trash': 'trash',
  '\\Junk': 'junk',
  '\\Archive': 'archive',
  '\\All': 'all',
  '\\Flagged': 'flagged',
};

/** Maps imapflow's LIST (+STATUS) entry to the protocol-neutral folder model. */
export function toFolderInfo(entry: ListResponse): FolderInfo {
  const selectable = !entry.flags.has('\\Noselect') && !entry.flags.has('\\NonExistent');
  const isInbox = entry.path.toUpperCase() === 'INBOX';
  return {
    path: entry.path,
    name: entry.name,
    delimiter: entry.delimiter || undefined,
    parentPath: entry.parentPath || undefined,
    specialUse: isInbox ? 'inbox' : entry.specialUse ? SPECIAL_USE[entry.specialUse] : undefined,
    selectable,
    total: entry.status?.messages,
    unseen: entry.status?.unseen,
    size: undefined,
    // imapflow 2.10 sets `subscribed` only to true (LSUB or LIST RETURN (SUBSCRIBED)) and, where the server reports no
    // subscription state at all, marks every folder subscribed: a folder without it is therefore unsubscribed.
    subscribed: entry.subscribed === true,
  };
}

/**
 * Orders folders as a person expects: INBOX first, then special-use folders, then the rest
 * alphabetically, keeping each folder after its parent.
 */
export function sortFolders(folders: FolderInfo[]): FolderInfo[] {
  const rank = (f: FolderInfo): number => (f.specialUse === 'inbox' ? 0 : f.specialUse ? 1 : 2);
  return [...folders].sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/**
 * The order in which folders are asked for their counts one by one (STATUS): the selectable folders in `usedFirst`
 * (most recently used first), then the other selectable ones in the order given (the tree's). Paths that are no
 * longer listed are left out; \Noselect folders have no counts to ask.
 */
export function countOrder(folders: readonly FolderInfo[], usedFirst: readonly string[] = []): FolderInfo[] {
  const byPath = new Map(folders.filter((f) => f.selectable).map((f) => [f.path, f]));
  const first: FolderInfo[] = [];
  for (const path of usedFirst) {
    const folder = byPath.get(path);
    if (!folder) continue;
    first.push(folder);
    byPath.delete(path);
  }
  return [...first, ...byPath.values()];
}
