// UID sets as IMAP writes them ("1:5,7,10:12", RFC 9051 sequence-set) and the one question paging asks of them:
// which are the `count` highest UIDs below a cursor. Kept as ranges, so a 100,000-message folder whose UIDs are
// contiguous costs one range, not 100,000 numbers.

/** Inclusive, ascending, non-overlapping. */
export type UidRange = readonly [number, number];

/** Parses a sequence-set of UIDs (no `*`: a search result never holds one). Throws on anything else. */
export function parseUidSet(text: string): UidRange[] {
  const ranges: [number, number][] = [];
  if (text.trim() === '') return ranges;
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)(?::(\d+))?\s*$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a UID or UID range`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    ranges.push([Math.min(a, b), Math.max(a, b)]);
  }
  return normalize(ranges);
}

/** Ranges from a list of UIDs in any order (plain SEARCH answers with numbers). */
export function rangesOf(uids: Iterable<number>): UidRange[] {
  return normalize([...uids].map((uid): [number, number] => [uid, uid]));
}

function normalize(ranges: [number, number][]): UidRange[] {
  ranges.sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** How many UIDs the ranges hold. */
export function countUids(ranges: readonly UidRange[]): number {
  return ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
}

export interface UidSlice {
  /** Newest (highest) first. */
  readonly uids: number[];
  /** True when UIDs below the lowest of `uids` remain. */
  readonly more: boolean;
}

/** The `count` highest UIDs strictly below `before` (all when `before` is undefined), highest first. */
export function highestBelow(ranges: readonly UidRange[], before: number | undefined, count: number): UidSlice {
  const uids: number[] = [];
  const limit = before === undefined ? Infinity : before - 1;
  for (let i = ranges.length - 1; i >= 0; i--) {
    const [a, b] = ranges[i]!;
    if (a > limit) continue;
    for (let uid = Math.min(b, limit); uid >= a; uid--) {
      if (uids.length === count) return { uids, more: true };
      uids.push(uid);
    }
  }
  return { uids, more: false };
}

/** A compact sequence-set for a list of UIDs ("3:5,9"). */
export function formatUidSet(uids: Iterable<number>): string {
  return rangesOf(uids)
    .map(([a, b]) => (a === b ? String(a) : `${a}:${b}`))
    .join(',');
}
