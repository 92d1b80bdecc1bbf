import { OfflineBackend } from './offlineBackend';
import { OfflineCache } from './offlineCache';
import { LiveBackend } from '../session/accountSession';
import { ConnectionState, SessionEvents } from '../session/sessionEvents';

/**
 * The backend, through the offline cache when one is on. Its offline changes become `connection` events: 'offline'
 * when answers start coming from the cache; 'connected' when the server answers again, unless something else
 * (the watch reconnecting to 'live' or 'polling') has told the state since. (Shared by the IMAP and POP3 session
 * builders, each in a chunk of its own.)
 */
export function withOffline(backend: LiveBackend, events: SessionEvents, offline: OfflineCache | undefined): LiveBackend {
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
