// RFC 4315 (UIDPLUS) response codes: COPYUID says which UIDs copies (or moved messages) got in the target folder,
// APPENDUID which UID an appended message got. They are the only safe way to find those messages again (Undo):
// the target's newest UIDs may belong to mail another client delivered at the same moment.

/** Source UID → UID in the target, and the target's UIDVALIDITY, from `COPYUID <uidvalidity> <source-set> <dest-set>`. */
export interface CopyUid {
  readonly uidValidity: number;
  readonly idMap: ReadonlyMap<string, string>;
}

/** The UIDs of an APPEND (one; MULTIAPPEND gives several) and the target's UIDVALIDITY. */
export interface AppendUid {
  readonly uidValidity: number;
  readonly uids: readonly number[];
}

const UINT32_MAX = 4_294_967_295;

/**
 * The UIDs of a uid-set (`3:5,9` → 3 4 5 9), in the order written; a range counts from its lower end (RFC 3501:
 * `5:3` is `3:5`). Undefined for anything malformed, or when it names more than `max` UIDs: a reply that claims
 * more copies than messages were sent makes no sense and is not expanded.
 */
export function expandUidSet(text: string, max: number): number[] | undefined {
  if (!/^\d+(:\d+)?(,\d+(:\d+)?)*$/.test(text)) return undefined;
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split(':').map(Number) as [number, number | undefined];
    const from = Math.min(a, b ?? a);
    const to = Math.max(a, b ?? a);
    if (from < 1 || to > UINT32_MAX) return undefined;
    if (out.length + (to - from + 1) > max) return undefined;
    for (let uid = from; uid <= to; uid++) out.push(uid);
  }
  return out;
}

function uidValidityOf(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= UINT32_MAX ? value : undefined;
}

/**
 * COPYUID from a response code (runCommand's `code`, e.g. ['COPYUID', '1700000000', '3:4', '11:12']). Only the
 * ids that were `sent` are kept (a server names only those it copied); undefined when there is no COPYUID, or it
 * does not add up (the two sets differ in length).
 */
export function parseCopyUid(code: readonly string[] | undefined, sent: readonly string[]): CopyUid | undefined {
  if (!code || code[0]?.toUpperCase() !== 'COPYUID' || code.length < 4) return undefined;
  const uidValidity = uidValidityOf(code[1]);
  const source = expandUidSet(code[2] ?? '', sent.length);
  const target = expandUidSet(code[3] ?? '', sent.length);
  if (uidValidity === undefined || !source || !target || source.length !== target.length) return undefined;
  const wanted = new Set(sent.map((id) => String(Number(id))));
  const idMap = new Map<string, string>();
  source.forEach((uid, i) => {
    if (wanted.has(String(uid))) idMap.set(String(uid), String(target[i]));
  });
  return { uidValidity, idMap };
}

/** APPENDUID from a response code (['APPENDUID', '1700000000', '7']); undefined when there is none or it is malformed. */
export function parseAppendUid(code: readonly string[] | undefined, appended = 1): AppendUid | undefined {
  if (!code || code[0]?.toUpperCase() !== 'APPENDUID' || code.length < 3) return undefined;
  const uidValidity = uidValidityOf(code[1]);
  const uids = expandUidSet(code[2] ?? '', appended);
  if (uidValidity === undefined || !uids || uids.length !== appended) return undefined;
  return { uidValidity, uids };
}
