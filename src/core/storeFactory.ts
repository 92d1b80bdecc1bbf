import { AccountDefinition } from './accounts/account';
import { ImapStore } from './imap/imapStore';
import { MailStore, SessionLimits } from './mailStore';
import { Pop3Store } from './pop3/pop3Store';
import { TrafficTap } from './traffic/trafficTap';

export interface StoreOptions {
  limits: SessionLimits;
  ca?: Buffer;
}

/** Builds the store that fits the account's protocol. */
export function createMailStore(account: AccountDefinition, password: string, tap: TrafficTap, options: StoreOptions): MailStore {
  switch (account.protocol) {
    case 'imap':
      return new ImapStore(account, password, tap, options);
    case 'pop3':
      return new Pop3Store(account, password, tap, options);
  }
}
