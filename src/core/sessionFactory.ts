import { AccountDefinition } from './accounts/account';
import { Credentials } from './credentials/credentialProvider';
import type { ImapLiveOptions } from './imap/imapLive';
import { withOffline } from './mailbox/offlineSession';
import { OfflineCache } from './mailbox/offlineCache';
import { AccountSession } from './session/accountSession';
import { SessionEvents } from './session/sessionEvents';
import { StoreOptions } from './storeFactory';
import { TrafficTap } from './traffic/trafficTap';

export interface SessionOptions extends StoreOptions {
  /** IMAP without IDLE and POP3: check this often (mailInspector.pollSeconds). Default 30. */
  pollSeconds?: number;
  /** IMAP watcher timings (tests shorten them). */
  imap?: Omit<ImapLiveOptions, 'pollMs'>;
  /**
   * The offline cache (mailInspector.cache.maxMegabytes; undefined or disabled: none): what the session fetches is
   * kept there, and answered from there marked offline when the server cannot be reached (the session's state
   * says 'offline' then).
   */
  offline?: OfflineCache;
}

/**
 * Builds the live session that fits the account's protocol.
 * Building costs nothing: no connection is opened until the session is used. The IMAP code (imapflow with it) is
 * loaded with the first IMAP account and the POP3 code with the first POP3 account: in the extension's bundle each
 * is a chunk of its own ("imap", "pop3"), so activation pays for neither.
 */
export async function createAccountSession(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: SessionOptions): Promise<AccountSession> {
  switch (account.protocol) {
    case 'imap': {
      const { createImapSession } = await import(/* webpackChunkName: "imap" */ './imap/imapSession');
      return createImapSession(account, credentials, tap, options);
    }
    case 'pop3': {
      const events = new SessionEvents();
      const { pop3Backend } = await import(/* webpackChunkName: "pop3" */ './pop3/pop3Backend');
      return new AccountSession(withOffline(pop3Backend(account, credentials, tap, options, events, options.pollSeconds ?? 30), events, options.offline), events);
    }
  }
}
