import { FolderCounts, formatCount, formatFolderCounts } from './format';
import { FolderInfo } from './mailStore';

// Text shown for a folder in the tree and for the view's badge: pure functions (no vscode), so they are tested
// directly and read the same everywhere.

/** The summed counts of the folders below `folder` (all levels), or undefined when none of them has counts. */
export function subfolderCounts(folder: FolderInfo, all: readonly FolderInfo[]): FolderCounts | undefined {
  const below: FolderInfo[] = [];
  const parents = [folder.path];
  const seen = new Set(parents);
  while (parents.length > 0) {
    const parent = parents.pop() as string;
    for (const f of all) {
      if (f.parentPath !== parent || seen.has(f.path)) continue;
      seen.add(f.path);
      below.push(f);
      parents.push(f.path);
    }
  }
  const counted = below.filter((f) => f.selectable && f.total !== undefined);
  if (counted.length === 0) return undefined;
  const sum = (pick: (f: FolderInfo) => number | undefined): number => counted.reduce((n, f) => n + (pick(f) ?? 0), 0);
  return { total: sum((f) => f.total), unseen: sum((f) => f.unseen) };
}

/**
 * A folder row's description: "220 messages · 30 unseen" (POP3: "40 messages · 1.2 MiB"). A \Noselect folder
 * holds no messages of its own: it shows what its subfolders hold, labelled so ("in subfolders: 57 messages"),
 * or "folders only" when their counts are unknown.
 */
export function folderDescription(folder: FolderInfo, all: readonly FolderInfo[]): string {
  if (folder.selectable) return formatFolderCounts(folder);
  const below = subfolderCounts(folder, all);
  return below ? `in subfolders: ${formatFolderCounts(below)}` : 'folders only';
}

/** The counts lines of a folder's tooltip: its own, then its subfolders' (plain text, none when nothing is known). */
export function folderTooltipCounts(folder: FolderInfo, all: readonly FolderInfo[]): string[] {
  const lines: string[] = [];
  const own = folder.selectable ? formatFolderCounts(folder) : '';
  if (own) lines.push(own);
  const below = subfolderCounts(folder, all);
  if (below) lines.push(`Subfolders: ${formatFolderCounts(below)}`);
  return lines;
}

/** The badge of the Accounts view: unseen messages over the folders listed so far, or undefined for none. */
export function unseenBadge(folderLists: Iterable<readonly FolderInfo[]>): { value: number; tooltip: string } | undefined {
  let unseen = 0;
  for (const folders of folderLists) for (const f of folders) if (f.selectable && f.unseen) unseen += f.unseen;
  return unseen > 0 ? { value: unseen, tooltip: `${formatCount(unseen)} unseen` } : undefined;
}
