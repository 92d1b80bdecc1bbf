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
