import { MailError } from '../errors';
import { Cancel } from '../mailStore';
import { DeleteResult, MailWriter, MessageSet } from '../write/mailWriter';
import { Pop3Store, POP3_INBOX } from './pop3Store';

const NO_UNDO = { possible: false, why: 'POP3 deletion is permanent: the server keeps no copy to restore.' } as const;

/** POP3 has one folder and no flags: every write but deletion is refused, saying so. */
function unsupported(what: string): Promise<never> {
  return Promise.reject(new MailError('unsupported', `POP3 has no folders and no flags, so ${what} is not possible on a POP3 account; it can only delete messages on the server.`));
}

/**
 * The writes of a POP3 account (unguarded: the session wraps it in guardedWriter, so a read-only account never
 * reaches it). Deleting and removing are the same on POP3: DELE of exactly those UIDLs in one short session,
 * each re-checked with `UIDL n`, RSET on any failure (Pop3Store.deleteMessages). Everything else is 'unsupported'.
 */
export class Pop3Writer implements MailWriter {
  constructor(private readonly store: Pop3Store) {}

  async deleteMessages(set: MessageSet, signal?: Cancel): Promise<DeleteResult> {
    await this.removeMessages(set, signal);
    return { method: 'removed', undo: NO_UNDO };
  }

  async removeMessages(set: MessageSet, signal?: Cancel): Promise<{ readonly removed: readonly string[] }> {
    if (set.folder !== POP3_INBOX) throw new MailError('notFound', `A POP3 account has only the folder ${POP3_INBOX}, not "${set.folder}".`);
    return { removed: await this.store.deleteMessages(set.ids, signal) };
  }

  storeFlags(): Promise<never> {
    return unsupported('changing flags');
  }
  createFolder(): Promise<never> {
    return unsupported('creating a folder');
  }
  renameFolder(): Promise<never> {
    return unsupported('renaming a folder');
  }
  deleteFolder(): Promise<never> {
    return unsupported('deleting a folder');
  }
  setSubscribed(): Promise<never> {
    return unsupported('changing a subscription');
  }
  copyMessages(): Promise<never> {
    return unsupported('copying messages');
  }
  planMove(): Promise<never> {
    return unsupported('moving messages');
  }
  moveMessages(): Promise<never> {
    return unsupported('moving messages');
  }
  expungeFolder(): Promise<never> {
    return unsupported('expunging a folder');
  }
  appendMessage(): Promise<never> {
    return unsupported('uploading a message');
  }
  undo(): Promise<never> {
    return Promise.reject(new MailError('unsupported', NO_UNDO.why));
  }
}
