/**
 * Newest-first paging over a folder numbered 1..total (IMAP sequence numbers, POP3 message numbers).
 * Returns the inclusive range for the page `offset` messages from the newest, or undefined when empty.
 */
export interface PageRange {
  readonly from: number;
  readonly to: number;
  /** Offset of the page after this one, or undefined when this page reaches message 1. */
  readonly nextOffset: number | undefined;
}

export function pageRange(total: number, offset: number, pageSize: number): PageRange | undefined {
  if (!Number.isInteger(total) || !Number.isInteger(offset) || !Number.isInteger(pageSize)) throw new RangeError('paging needs whole numbers');
  if (pageSize < 1) throw new RangeError('page size must be at least 1');
  if (offset < 0) throw new RangeError('offset must not be negative');
  const to = total - offset;
  if (to < 1) return undefined;
  const from = Math.max(1, to - pageSize + 1);
  return { from, to, nextOffset: from > 1 ? offset + (to - from + 1) : undefined };
}
