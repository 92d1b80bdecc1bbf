import { Features } from '../../session/features';
import { SessionEvents } from '../../session/sessionEvents';
import { ImapStore } from '../imapStore';

/** What every IMAP write module is given: the store (its command connection), the session's events, the live features. */
export interface ImapWriteDeps {
  readonly store: ImapStore;
  /** Writes report what they changed here (flags, expunged, new, counts, folders), so the tree follows at once. */
  readonly events: SessionEvents;
  /** The command connection's features (connecting first if none is known). */
  features(): Promise<Features>;
}
