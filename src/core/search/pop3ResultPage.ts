import { Cancel, MessageSummary } from '../mailStore';
import { parseTopHeaders } from '../pop3/topHeaders';
import type { Pop3SessionRunner } from './pop3LocalSearch';

// The rows of a POP3 search result: the summaries of exactly the shown page's messages (by UIDL), read from their
// headers (`TOP n 0`) in one short session, as the Inbox's own pages are.

/** Summaries of `ids` (UIDLs, or message numbers where the server has no UIDL), in their order; ids gone since are left out. */
export async function pop3Summaries(runner: Pop3SessionRunner, ids: readonly string[], signal?: Cancel): Promise<MessageSummary[]> {
  if (ids.length === 0) return [];
  return runner.maildropSession(async (s) => {
    const uids = await s.uidlAll();
    const sizes = await s.listAll();
    const numberOf = new Map<string, number>();
    if (uids) for (const [n, id] of uids) numberOf.set(id, n);
    else for (const n of sizes.keys()) numberOf.set(String(n), n);
    const out: MessageSummary[] = [];
    for (const id of ids) {
      if (signal?.aborted) break;
      const n = numberOf.get(id);
      if (n === undefined) continue; // deleted since the search
      const header = parseTopHeaders(await s.top(n));
      out.push({ id, seq: n, subject: header.subject, from: header.from, to: header.to, date: header.date, messageId: header.messageId, size: sizes.get(n) ?? 0, flags: [] });
    }
    return out;
  }, signal);
}
