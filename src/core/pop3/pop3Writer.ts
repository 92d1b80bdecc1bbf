import { MailError } from '../errors';
import { Cancel } from '../mailStore';
import { unsupportedWriter } from '../write/guardedWriter';
import { DeleteResult, MailWriter, MessageSet } from '../write/mailWriter';
import { Pop3Store, POP3_INBOX } from './pop3Store';

const NO_UNDO = { possible: false, why: 'POP3 deletion is permanent: the server keeps no copy to restore.' } as const;

/**
 * The writes of a POP3 account (unguarded: the session wraps it in guardedWriter, so a read-only account never
 * reaches it). Deleting and removing are the same on POP3: DELE of exactly those UIDLs in one short session,
 * each re-checked with `UIDL n`, RSET on any failure (Pop3Store.deleteMessages). Everything else is 'unsupported'.
 */
export function pop3Writer(store: Pop3Store): MailWriter {
  const refused = unsupportedWriter((what) => `POP3 has no folders and no flags, so ${what} is not possible on a POP3 account; it can only delete messages on the server.`);
  const removeMessages = async (set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }> => {
    if (set.folder !== POP3_INBOX) throw new MailError('notFound', `A POP3 account has only the folder ${POP3_INBOX}, not "${set.folder}".`);
    return { removed: await store.deleteMessages(set.ids, signal) };
  };
  return {
    ...refused,
    removeMessages,
    deleteMessages: async (set: MessageSet, signal?: Cancel): Promise<DeleteResult> => {
      await removeMessages(set, signal);
      return { method: 'removed', undo: NO_UNDO };
    },
    undo: () => Promise.reject(new MailError('unsupported', NO_UNDO.why)),
  };
}
