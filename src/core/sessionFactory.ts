import { AccountDefinition } from './accounts/account';
import { Credentials } from './credentials/credentialProvider';
import { ImapLive, ImapLiveOptions } from './imap/imapLive';
import { ImapStore } from './imap/imapStore';
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
 * Builds the live session that fits the account's protocol.
 * Building costs nothing: no connection is opened until the session is used. The POP3 code is loaded with the
 * first POP3 account (in the extension's bundle it is a chunk of its own, so activation does not pay for it).
 */
export async function createAccountSession(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: SessionOptions): Promise<AccountSession> {
  switch (account.protocol) {
    case 'imap':
      return createImapSession(account, credentials, tap, options);
    case 'pop3': {
      const events = new SessionEvents();
      const { pop3Backend } = await import(/* webpackChunkName: "pop3" */ './pop3/pop3Backend');
      return new AccountSession(withOffline(pop3Backend(account, credentials, tap, options, events, options.pollSeconds ?? 30), events, options.offline), events);
    }
  }
}

/** The IMAP session createAccountSession builds (synchronously: the IMAP code is in the activation bundle). */
export function createImapSession(account: AccountDefinition, credentials: Credentials, tap: TrafficTap, options: SessionOptions): AccountSession {
  const events = new SessionEvents();
  const live = new ImapLive(new ImapStore(account, credentials, tap, options), { ...options.imap, pollMs: (options.pollSeconds ?? 30) * 1000 }, events);
  return new AccountSession(withOffline(live, events, options.offline), events);
}
