import { MailError } from '../errors';
import { Pop3Session } from './pop3Session';

/**
 * Marks exactly the messages whose UIDLs are `ids` for deletion in this session: every id is found in the UIDL
 * list first (all of them, before any DELE: one that is gone refuses the whole deletion), then each is checked
 * again with `UIDL n` right before its `DELE n`. Nothing is deleted until the caller's QUIT; any failure leaves
 * the session to finish(false), which sends RSET (or drops the connection without QUIT). Refused on a server
 * without UIDL, where a message number from an earlier session may name another message.
 * `uidls` is this session's UIDL list when the caller already has it; `hint` a message number seen for an id in an
 * earlier session (used only once `UIDL n` confirms it), which spares the whole list when every id has one.
 */
export async function markExactly(session: Pop3Session, ids: readonly string[], uidls?: ReadonlyMap<number, string>, hint?: (id: string) => number | undefined): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const numberOf = new Map<string, number>();
  if (!uidls && hint) {
    for (const id of wanted) {
      const n = hint(id);
      if (n === undefined || (await session.uidlOne(n)) !== id) break;
      numberOf.set(id, n);
    }
  }
  if (numberOf.size < wanted.length) {
    const list = uidls ?? (await session.uidlAll());
    if (!list) throw new MailError('server', 'This server does not support UIDL, so a message cannot be identified safely for deletion; nothing was deleted.');
    numberOf.clear();
    for (const [n, uid] of list) numberOf.set(uid, n);
  }
  const missing = wanted.filter((id) => !numberOf.has(id));
  if (missing.length > 0) {
    throw new MailError('notFound', `No message with UIDL ${missing.join(', ')} is on the server${wanted.length > 1 ? '; nothing was deleted' : ''}.`);
  }
  for (const id of wanted) {
    const n = numberOf.get(id)!;
    const recheck = await session.uidlOne(n);
    if (recheck !== id) throw new MailError('notFound', `Message ${id} is no longer message ${n}; nothing was deleted.`);
    await session.dele(n);
  }
}
