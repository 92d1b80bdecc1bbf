import { AccountDefinition } from '../accounts/account';
import { Credentials } from '../credentials/credentialProvider';
import { withOffline } from '../mailbox/offlineSession';
import { AccountSession } from '../session/accountSession';
import { SessionEvents } from '../session/sessionEvents';
import type { SessionOptions } from '../sessionFactory';
import { TrafficTap } from '../traffic/trafficTap';
import { ImapLive } from './imapLive';
import { ImapStore } from './imapStore';

/**
 * The IMAP session createAccountSession builds. sessionFactory loads this module with the first IMAP account: in the
 * extension's bundle it is a chunk of its own ("imap": imapflow and the IMAP code), so activation does not load it.
 * Building costs nothing: no connection is opened until the session is used.
 */
export function createImapSession(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: SessionOptions): AccountSession {
  const events = new SessionEvents();
  const live = new ImapLive(new ImapStore(account, credentials, tap, options), { ...options.imap, pollMs: (options.pollSeconds ?? 30) * 1000 }, events);
  return new AccountSession(withOffline(live, events, options.offline), events);
}
