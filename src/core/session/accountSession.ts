import { accessOf } from '../accounts/account';
import { MailError } from '../errors';
import { Cancel, MailStore, MessagePage } from '../mailStore';
import { guardedWriter, unsupportedWriter } from '../write/guardedWriter';
import { AccessMode, MailWriter } from '../write/mailWriter';
import { Feature, Features } from './features';
import { ConnectionState, SessionEvents, Subscription } from './sessionEvents';

/** Where the next page starts: below a UID of one folder generation (IMAP), or at an offset (POP3). */
export type PageCursor =
  | { readonly kind: 'uid'; readonly beforeUid: number; readonly uidValidity: number }
  | { readonly kind: 'offset'; readonly offset: number };

export interface SessionPage extends MessagePage {
  /** The next page's cursor, or undefined when this page is the last. */
  readonly next: PageCursor | undefined;
}

/** A message as the user has seen it listed: its id and flags. */
export interface LoadedMessage {
  readonly id: string;
  readonly flags: readonly string[];
}

/** One watched folder, as the protocol's backend keeps it live. */
export interface FolderWatch {
  readonly folder: string;
  readonly state: ConnectionState;
  /** Tells the watch which messages (and flags) the user has loaded: what a resync without CONDSTORE compares. */
  remember(uidValidity: number | undefined, messages: readonly LoadedMessage[]): void;
  /** Reports as new what the folder holds above `newestLoaded` (pages listed before the watch began miss it). */
  reportArrivedSince(uidValidity: number | undefined, newestLoaded: string): void;
  stop(): Promise<void>;
}

/**
 * What an AccountSession needs of its protocol (built by the session factory): the store, the live
 * capabilities, folder watching and paging. Only the backends talk to imapflow or node-pop3.
 */
export interface LiveBackend {
  readonly store: MailStore;
  /** Connects the command connection if needed and answers its features. */
  connect(signal?: Cancel): Promise<Features>;
  /** The features of the latest connection (command or watch), if one was made. */
  knownFeatures(): Features | undefined;
  /** Starts keeping `folder` live; events go to `events`. */
  watch(folder: string, events: SessionEvents, signal?: Cancel): Promise<FolderWatch>;
  listPage(folder: string, cursor: PageCursor | undefined, pageSize: number, signal?: Cancel): Promise<SessionPage>;
  /** The protocol's writes (unguarded: the session guards them by access mode). Missing: the backend makes no changes. */
  readonly writer?: MailWriter;
}

/**
 * One account's live session: owns its store (the command connection) and at most one watched folder (the
 * second connection: the budget is two per account), knows the features of the live connection and its
 * state, and emits typed SessionEvents. The tree and the documents subscribe to `events`; none of them
 * talks to a protocol library. Read-only today: folders are EXAMINEd, bodies fetched with BODY.PEEK.
 */
export class AccountSession {
  private watching: FolderWatch | undefined;
  private watchStarting: Promise<FolderWatch> | undefined;
  private connected = false;
  private closed = false;
  private currentState: ConnectionState = 'closed';
  private readonly stateTracker: Subscription;
  /** Ids and flags of the messages listed per folder (of the generation last listed), handed to a watch of that folder. */
  private readonly loaded = new Map<string, { uidValidity: number | undefined; messages: Map<string, LoadedMessage> }>();
  private accessMode: AccessMode;
  /** Every change goes through this: refused with MailError 'readOnly' unless the session is read-write. */
  readonly writer: MailWriter;

  /** `events` is the emitter the backend's store already reports to (POP3's checks), or a new one. */
  constructor(
    private readonly backend: LiveBackend,
    readonly events: SessionEvents = new SessionEvents(),
  ) {
    this.stateTracker = this.events.on((event) => {
      if (event.type === 'connection') this.currentState = event.state;
    });
    this.accessMode = accessOf(backend.store.account);
    const inner = backend.writer ?? unsupportedWriter((what) => `This account's protocol does not allow ${what}.`);
    this.writer = guardedWriter(inner, () => this.accessMode, () => backend.store.account.label);
  }

  /** Read-only (refuses every write) or read-write: the account's setting, or what setAccess chose for this session. */
  get access(): AccessMode {
    return this.accessMode;
  }

  /** Switches the access mode for this session only (the account's setting stays); emits an `access` event. */
  setAccess(mode: AccessMode): void {
    if (mode === this.accessMode) return;
    this.accessMode = mode;
    this.events.emit({ type: 'access', mode });
  }

  get store(): MailStore {
    return this.backend.store;
  }

  /** live (IDLE), polling, connected, reconnecting, offline or closed. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** What the live connection offers; false for everything until a connection was made (see connect()). */
  supports(feature: Feature): boolean {
    return this.backend.knownFeatures()?.supports(feature) ?? false;
  }

  get features(): Features | undefined {
    return this.backend.knownFeatures();
  }

  get watchedFolder(): string | undefined {
    return this.watching?.folder;
  }

  /** Opens the command connection (nothing is opened before) and learns the features. */
  async connect(signal?: Cancel): Promise<Features> {
    this.checkOpen();
    const features = await this.backend.connect(signal);
    this.connected = true;
    if (!this.watching && this.currentState === 'closed') this.setState('connected');
    return features;
  }

  /**
   * Keeps `folder` live: new mail, expunges and flag changes by other clients arrive as events. At most one
   * folder per account: watching another stops the previous one first.
   */
  async watch(folder: string, signal?: Cancel): Promise<void> {
    this.checkOpen();
    if (this.watching?.folder === folder) return;
    await this.watchStarting?.catch(() => undefined);
    if (this.watching?.folder === folder) return;
    await this.unwatch();
    this.watchStarting = this.backend.watch(folder, this.events, signal);
    try {
      this.watching = await this.watchStarting;
    } finally {
      this.watchStarting = undefined;
    }
    const loaded = this.loaded.get(folder);
    if (loaded) {
      const messages = [...loaded.messages.values()];
      this.watching.remember(loaded.uidValidity, messages);
      const newest = newestId(messages);
      if (newest !== undefined) this.watching.reportArrivedSince(loaded.uidValidity, newest);
    }
    if (this.closed) await this.unwatch();
  }

  /** Stops watching `folder` (or whatever is watched); the command connection stays. */
  async unwatch(folder?: string): Promise<void> {
    const watch = this.watching;
    if (!watch || (folder !== undefined && watch.folder !== folder)) return;
    this.watching = undefined;
    await watch.stop();
    this.setState(this.connected && !this.closed ? 'connected' : 'closed');
  }

  /**
   * A page of `folder`, newest first, from `cursor` (the newest when undefined): by UID for IMAP, so arrivals
   * and expunges between pages neither skip nor repeat a message. Pages of the watched folder are remembered
   * for its resync.
   */
  async listPage(folder: string, cursor: PageCursor | undefined, pageSize: number, signal?: Cancel): Promise<SessionPage> {
    this.checkOpen();
    const page = await this.backend.listPage(folder, cursor, pageSize, signal);
    this.connected = true;
    this.recordLoaded(folder, page);
    if (this.watching?.folder === folder) this.watching.remember(page.uidValidity, page.messages);
    return page;
  }

  /** Stops the watch and closes every connection; the session cannot be used again. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.watchStarting?.catch(() => undefined);
    await this.unwatch();
    await this.backend.store.close();
    this.connected = false;
    this.setState('closed');
    this.stateTracker.dispose();
  }

  private recordLoaded(folder: string, page: MessagePage): void {
    let entry = this.loaded.get(folder);
    if (!entry || entry.uidValidity !== page.uidValidity) {
      entry = { uidValidity: page.uidValidity, messages: new Map() };
      this.loaded.set(folder, entry);
    }
    for (const m of page.messages) entry.messages.set(m.id, { id: m.id, flags: m.flags });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.events.emit({ type: 'connection', state });
  }

  private checkOpen(): void {
    if (this.closed) throw new MailError('config', 'This account session was closed.');
  }
}

/** The highest UID among loaded messages (IMAP ids are UIDs), undefined when none is numeric. */
function newestId(messages: readonly LoadedMessage[]): string | undefined {
  let newest: number | undefined;
  for (const m of messages) {
    const uid = Number(m.id);
    if (Number.isInteger(uid) && (newest === undefined || uid > newest)) newest = uid;
  }
  return newest === undefined ? undefined : String(newest);
}
