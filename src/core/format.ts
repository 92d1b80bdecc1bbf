/** Numbers for people, the same everywhere (tree, tooltips, status bar, notices). */

/** "1,234". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "312 bytes", "1.2 KiB", "25.0 MiB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** "902 bytes" when that is exact, otherwise "1.2 KiB (1,234 bytes)": the exact count is said once, never twice. */
export function formatBytesExact(n: number): string {
  return n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${formatCount(n)} bytes)`;
}

/** "1 message", "220 messages". */
export function formatMessages(n: number): string {
  return `${formatCount(n)} message${n === 1 ? '' : 's'}`;
}

/** What a folder row knows about its content; any of it may be unknown. */
export interface FolderCounts {
  readonly total?: number;
  readonly unseen?: number;
  readonly size?: number;
}

/**
 * A folder's counts in one order everywhere: "220 messages · 30 unseen · 1.2 MiB". No unseen part when
 * nothing is unseen (or the protocol has no flags); '' when nothing is known.
 */
export function formatFolderCounts(counts: FolderCounts): string {
  const parts: string[] = [];
  if (counts.total !== undefined) parts.push(formatMessages(counts.total));
  if (counts.unseen) parts.push(`${formatCount(counts.unseen)} unseen`);
  if (counts.size !== undefined) parts.push(formatBytes(counts.size));
  return parts.join(' · ');
}
