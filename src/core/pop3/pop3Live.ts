import { MailError } from '../errors';
import { Cancel } from '../mailStore';
import { FolderWatch, LiveBackend, PageCursor, SessionPage } from '../session/accountSession';
import { Features } from '../session/features';
import { Pop3Store, POP3_INBOX } from './pop3Store';
import { MailWriter } from '../write/mailWriter';
import { pop3Writer } from './pop3Writer';

/**
 * The POP3 side of an AccountSession: "watching" the maildrop is Pop3Store's UIDL poll (a short session per
 * check, never holding the maildrop lock between checks); its events go to the emitter the store was given.
 */
export class Pop3Live implements LiveBackend {
  /** Deletion on the server (DELE by UIDL); the session guards it by the account's access mode. */
  readonly writer: MailWriter;

  constructor(readonly store: Pop3Store, private readonly pollSeconds: number) {
    this.writer = pop3Writer(store);
  }

  async connect(signal?: Cancel): Promise<Features> {
    const capa = await this.store.capabilities(signal);
    return this.store.features() ?? Features.pop3(capa);
  }

  knownFeatures(): Features | undefined {
    return this.store.features();
  }

  async watch(folder: string, _events: unknown, signal?: Cancel): Promise<FolderWatch> {
    if (folder !== POP3_INBOX) throw new MailError('notFound', `A POP3 account has only ${POP3_INBOX}.`);
    await this.store.checkForNewMail(signal);
    const poll = this.store.startPolling(this.pollSeconds);
    const store = this.store;
    return {
      folder,
      get state() {
        return store.polling ? 'polling' : 'closed';
      },
      remember: () => undefined,
      // The poller compares with the UIDLs of the store's own latest listing: nothing falls between.
      reportArrivedSince: () => undefined,
      stop: async () => poll.dispose(),
    };
  }

  async listPage(folder: string, cursor: PageCursor | undefined, pageSize: number, signal?: Cancel): Promise<SessionPage> {
    if (cursor?.kind === 'uid') throw new MailError('config', 'POP3 pages are taken by offset.');
    const page = await this.store.listMessages(folder, cursor?.offset ?? 0, pageSize, signal);
    return { ...page, next: page.nextOffset === undefined ? undefined : { kind: 'offset', offset: page.nextOffset } };
  }
}
