// The typed events a mail session emits, whatever its protocol: the tree, the documents, search and the console
// subscribe to these and never to imapflow or node-pop3. IMAP's IDLE/NOOP replies and POP3's UIDL diffs both end here.

/** What a message is known by in a folder's generation: IMAP UID (as a string) or POP3 UIDL. */
export type MessageId = string;

/** The live state of an account's session, shown on its tree node. */
export type ConnectionState =
  /** A connection idles on a watched folder (IMAP IDLE): changes arrive as they happen. */
  | 'live'
  /** Changes are asked for on a timer (IMAP NOOP without IDLE, POP3 UIDL checks). */
  | 'polling'
  /** Connected for commands, nothing watched. */
  | 'connected'
  /** The server cannot be reached; cached data is shown. */
  | 'offline'
  /** A dropped connection is being re-established (with backoff). */
  | 'reconnecting'
  /** Nothing open (none yet, or closed after the view was hidden). */
  | 'closed';

export type SessionEvent =
  | { readonly type: 'new'; readonly folder: string; readonly uidValidity: number | undefined; readonly ids: readonly MessageId[]; readonly exists: number | undefined }
  | {
      readonly type: 'expunged';
      readonly folder: string;
      readonly uidValidity: number | undefined;
      /** The messages gone, when known (VANISHED, a UID diff, POP3 UIDL diff). */
      readonly ids: readonly MessageId[];
      /** IMAP EXPUNGE gives sequence numbers only; they are mapped to ids where the session knows them. */
      readonly seqs?: readonly number[];
      /** RFC 7162 VANISHED (EARLIER: reported by a resync, not as it happened). */
      readonly vanished: boolean;
    }
  | {
      readonly type: 'flags';
      readonly folder: string;
      readonly uidValidity: number | undefined;
      readonly id: MessageId;
      readonly flags: readonly string[];
      /** CONDSTORE MODSEQ of the change, as a decimal string (64-bit values do not fit a number). */
      readonly modseq?: string;
    }
  | { readonly type: 'uidValidity'; readonly folder: string; readonly previous: number; readonly current: number }
  | { readonly type: 'counts'; readonly folder: string; readonly total: number | undefined; readonly unseen: number | undefined }
  | {
      readonly type: 'resynced';
      readonly folder: string;
      readonly method: 'qresync' | 'condstore' | 'diff' | 'uidl';
      readonly added: readonly MessageId[];
      readonly removed: readonly MessageId[];
      readonly flagsChanged: readonly MessageId[];
    }
  | { readonly type: 'connection'; readonly state: ConnectionState; readonly reason?: string; readonly retryInMs?: number }
  /** The folder hierarchy changed by our own write (created, renamed, deleted, subscribed): folder lists are stale. */
  | { readonly type: 'folders'; readonly change: 'created' | 'renamed' | 'deleted' | 'subscription'; readonly path: string; readonly newPath?: string }
  /** The session's access mode changed (read-only ⇄ read-write for this session). */
  | { readonly type: 'access'; readonly mode: 'read-only' | 'read-write' }
  /** Something the server did that should not happen (UIDVALIDITY changed under an open folder, MODSEQ went backwards). */
  | { readonly type: 'anomaly'; readonly folder: string; readonly message: string };

export type SessionEventType = SessionEvent['type'];

export interface Subscription {
  dispose(): void;
}

type Listener = (event: SessionEvent) => void;

/** A small synchronous emitter: listeners run in order; one that throws does not stop the others. */
export class SessionEvents {
  private readonly listeners = new Set<Listener>();
  private readonly failures: ((error: unknown) => void)[] = [];

  on(listener: Listener): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Called with whatever a listener threw (the session logs it; the event still reaches the others). */
  onListenerError(handler: (error: unknown) => void): void {
    this.failures.push(handler);
  }

  emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        for (const handler of this.failures) handler(error);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }

  dispose(): void {
    this.listeners.clear();
  }
}
