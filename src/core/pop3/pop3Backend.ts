import { AccountDefinition } from '../accounts/account';
import { Credentials } from '../credentials/credentialProvider';
import { StoreOptions } from '../storeFactory';
import { LiveBackend } from '../session/accountSession';
import { SessionEvents } from '../session/sessionEvents';
import { TrafficTap } from '../traffic/trafficTap';
import { Pop3Live } from './pop3Live';
import { LINGER_MS, Pop3Store } from './pop3Store';

/**
 * The live POP3 backend of a session; sessionFactory loads this module on the first POP3 account (a chunk of its own in
 * the bundle). A folder list's session is kept for the first page that follows (LINGER_MS), so opening the account costs one login.
 */
export function pop3Backend(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: StoreOptions, events: SessionEvents, pollSeconds: number): LiveBackend {
  return new Pop3Live(new Pop3Store(account, credentials, tap, { ...options, events, lingerMs: LINGER_MS }), pollSeconds);
}
