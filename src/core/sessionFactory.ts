import { AccountDefinition } from './accounts/account';
import { Credentials } from './credentials/credentialProvider';
import { ImapLive, ImapLiveOptions } from './imap/imapLive';
import { ImapStore } from './imap/imapStore';
import { Pop3Live } from './pop3/pop3Live';
import { Pop3Store } from './pop3/pop3Store';
import { OfflineBackend } from './mailbox/offlineBackend';
import { OfflineCache } from './mailbox/offlineCache';
import { AccountSession, LiveBackend } from './session/accountSession';
import { ConnectionState, SessionEvents } from './session/sessionEvents';
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
 * The backend, through the offline cache when one is on. Its offline changes become `connection` events: 'offline'
 * when answers start coming from the cache; 'connected' when the server answers again, unless something else
 * (the watch reconnecting to 'live' or 'polling') has told the state since.
 */
function withOffline(backend: LiveBackend, events: SessionEvents, offline: OfflineCache | undefined): LiveBackend {
  if (!offline?.enabled) return backend;
  let state: ConnectionState | undefined;
  events.on((event) => {
    if (event.type === 'connection') state = event.state;
  });
  return new OfflineBackend(backend, offline, {
    onOfflineChange: (isOffline, cause) => {
      if (isOffline) events.emit({ type: 'connection', state: 'offline', ...(cause ? { reason: cause.message } : {}) });
      else if (state === 'offline') events.emit({ type: 'connection', state: 'connected' });
    },
  });
}

/**
 * Builds the live session that fits the account's protocol, around the store createMailStore would build.
 * Building costs nothing: no connection is opened until the session is used.
 */
export function createAccountSession(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: SessionOptions): AccountSession {
  const pollSeconds = options.pollSeconds ?? 30;
  switch (account.protocol) {
    case 'imap': {
      const events = new SessionEvents();
      return new AccountSession(withOffline(new ImapLive(new ImapStore(account, credentials, tap, options), { ...options.imap, pollMs: pollSeconds * 1000 }, events), events, options.offline), events);
    }
    case 'pop3': {
      const events = new SessionEvents();
      return new AccountSession(withOffline(new Pop3Live(new Pop3Store(account, credentials, tap, { ...options, events }), pollSeconds), events, options.offline), events);
    }
  }
}
