/** Parts shown at a time under one tree node; a "More parts…" node holds the next page. */
export const PART_PAGE_SIZE = 500;

/** One page of a node's parts. */
export interface PartPage<T> {
  readonly items: readonly T[];
  /** Index of the first item of the page. */
  readonly from: number;
  /** Index where the next page starts, or undefined when this is the last page. */
  readonly next: number | undefined;
  readonly total: number;
}

/** The page of `items` that starts at `from` (a message of thousands of parts is shown 500 at a time). */
export function pageOfParts<T>(items: readonly T[], from: number, pageSize: number = PART_PAGE_SIZE): PartPage<T> {
  const start = Math.max(0, Math.min(from, items.length));
  const end = Math.min(items.length, start + pageSize);
  return { items: items.slice(start, end), from: start, next: end < items.length ? end : undefined, total: items.length };
}
