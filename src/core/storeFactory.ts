import { AccountDefinition } from './accounts/account';
import { Credentials } from './credentials/credentialProvider';
import { ClientId } from './imap/clientId';
import { ImapStore } from './imap/imapStore';
import { MailStore, SessionLimits } from './mailStore';
import { Pop3Store } from './pop3/pop3Store';
import { TrafficTap } from './traffic/trafficTap';

export interface StoreOptions {
  limits: SessionLimits;
  ca?: Buffer;
  /** IMAP: what the ID command tells the server; false sends no ID. */
  clientId?: ClientId | false;
}

/**
 * Builds the store that fits the account's protocol. Building costs nothing: the store connects on
 * first use and asks `credentials` for the password only once the connection is secured.
 */
export function createMailStore(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: StoreOptions): MailStore {
  switch (account.protocol) {
    case 'imap':
      return new ImapStore(account, credentials, tap, options);
    case 'pop3':
      return new Pop3Store(account, credentials, tap, options);
  }
}
