import { ParsedAttribute, ParsedResponse } from './imapCommand';

// Reading the untagged replies runCommand collected: SEARCH (UID SEARCH DELETED), FETCH (the FLAGS a STORE or a
// FETCH returns) and EXPUNGE (what a plain EXPUNGE removed). imapflow's parser puts a numbered reply's keyword in
// its first attribute (`* 3 FETCH (…)` → command '3', attributes [FETCH, (…)]).

/** The numbers of `* SEARCH 3 5 9` replies (UIDs for UID SEARCH), in order. */
export function searchNumbers(untagged: readonly ParsedResponse[]): number[] {
  const out: number[] = [];
  for (const response of untagged) {
    if (response.command.toUpperCase() !== 'SEARCH') continue;
    // imapflow's parser reads a line of plain numbers into `numbers` (a fast path), anything else into attributes.
    const numbers = (response as { numbers?: unknown }).numbers;
    if (Array.isArray(numbers)) {
      for (const n of numbers) if (typeof n === 'number' && Number.isInteger(n) && n > 0) out.push(n);
      continue;
    }
    for (const a of response.attributes ?? []) {
      const n = Number(a.value);
      if (typeof a.value === 'string' && Number.isInteger(n) && n > 0) out.push(n);
    }
  }
  return out;
}

/** The sequence numbers of `* 4 EXPUNGE` replies, in the order they came. */
export function expungedSeqs(untagged: readonly ParsedResponse[]): number[] {
  return untagged.filter((r) => /^\d+$/.test(r.command) && String(r.attributes?.[0]?.value ?? '').toUpperCase() === 'EXPUNGE').map((r) => Number(r.command));
}

export interface FetchedFlags {
  readonly seq: number;
  readonly uid: number | undefined;
  readonly flags: readonly string[];
  readonly modseq: string | undefined;
}

/** UID, FLAGS and MODSEQ of each `* n FETCH (…)` reply. */
export function fetchedFlags(untagged: readonly ParsedResponse[]): FetchedFlags[] {
  const out: FetchedFlags[] = [];
  for (const response of untagged) {
    if (!/^\d+$/.test(response.command) || String(response.attributes?.[0]?.value ?? '').toUpperCase() !== 'FETCH') continue;
    const items = response.attributes?.[1];
    if (!Array.isArray(items)) continue;
    const list = items as readonly ParsedAttribute[];
    let uid: number | undefined;
    let flags: string[] = [];
    let modseq: string | undefined;
    for (let i = 0; i + 1 < list.length; i += 2) {
      const key = String(list[i]?.value ?? '').toUpperCase();
      const value = list[i + 1];
      if (key === 'UID') uid = Number(value?.value);
      else if (key === 'FLAGS' && Array.isArray(value)) flags = (value as readonly ParsedAttribute[]).map((f) => String(f.value ?? ''));
      else if (key === 'MODSEQ' && Array.isArray(value)) modseq = String((value as readonly ParsedAttribute[])[0]?.value ?? '') || undefined;
    }
    out.push({ seq: Number(response.command), uid: uid !== undefined && Number.isInteger(uid) ? uid : undefined, flags, modseq });
  }
  return out;
}
