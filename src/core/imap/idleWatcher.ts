import type { ExistsEvent, ExpungeEvent, FlagsEvent, ImapFlow } from 'imapflow';
import { fromNodeError, MailError } from '../errors';
import { Cancel } from '../mailStore';
import { Features } from '../session/features';
import { ConnectionState, SessionEvents } from '../session/sessionEvents';
import { LiveCapabilities, WatchConnection, WatchConnectionOptions } from './imapStore';
import { allUids, KnownFolder, openFolder, ResyncOutcome, resyncFolder, uidsFrom } from './resync';
import { onUntaggedStatus } from './untaggedStatus';

/** Where a watcher gets its connection: ImapStore.openWatchConnection (so TLS, pins, credentials, ID and the tap are the store's). */
export interface WatchConnectionSource {
  openWatchConnection(options: WatchConnectionOptions, signal?: Cancel): Promise<WatchConnection>;
}

export interface IdleWatcherOptions {
  /** Break and re-issue IDLE after this long. RFC 2177: servers may drop an IDLE after 30 minutes. Default 28 minutes. */
  idleRestartMs?: number;
  /** Without IDLE, ask with NOOP this often. Default 30 s. */
  pollMs?: number;
  /** Reconnect delays: the first, doubled after each failure up to the cap. Default 500 ms and 30 s. */
  backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** Told the capabilities of each watch connection (before and after login). */
  onCapabilities?: (capabilities: LiveCapabilities) => void;
}

/** What the folder looked like when last synced, for a "folder state" view. */
export interface WatchedFolderState {
  readonly folder: string;
  readonly uidValidity: number;
  readonly highestModseq: string | undefined;
  readonly exists: number;
  readonly uidNext: number | undefined;
}

const DEFAULTS = { idleRestartMs: 28 * 60_000, pollMs: 30_000, backoff: { initialMs: 500, maxMs: 30_000 } };

/** Reasons a reconnect cannot fix: trying again would only repeat them. */
const FINAL: ReadonlySet<string> = new Set(['auth', 'certificate', 'config', 'cancelled']);
/** Reasons that mean the server cannot be reached at all. */
const UNREACHABLE: ReadonlySet<string> = new Set(['refused', 'dns', 'timeout', 'network', 'tls']);

/**
 * Keeps one connection of an account on one folder, EXAMINEd (read-only), and turns what the server pushes
 * (IDLE, or NOOP replies where IDLE is missing) into SessionEvents: `new` (the new UIDs fetched with
 * `UID FETCH <next>:* (UID)`), `expunged` (EXPUNGE mapped to UIDs, or VANISHED), `flags` (with MODSEQ),
 * `counts`. A dropped connection is reopened with backoff and the folder resynced (resync.ts), reported as
 * the individual events plus `resynced`; a new UIDVALIDITY as `uidValidity` (and an `anomaly`).
 */
export class IdleWatcher {
  private connection: WatchConnection | undefined;
  private known: KnownFolder | undefined;
  private exists = 0;
  private stopped = false;
  private currentState: ConnectionState = 'closed';
  private work: Promise<void> = Promise.resolve();
  private readonly wakers = new Set<() => void>();
  private readonly options: Required<Omit<IdleWatcherOptions, 'onCapabilities'>> & Pick<IdleWatcherOptions, 'onCapabilities'>;
  private pendingExpunge: { ids: string[]; seqs: number[]; vanished: boolean } | undefined;
  private reconnecting: Promise<void> | undefined;
  private dropReason: string | undefined;
  private rechecking = false;

  constructor(
    private readonly source: WatchConnectionSource,
    readonly folder: string,
    private readonly events: SessionEvents,
    options: IdleWatcherOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  /** The watch connection's traffic id (`imap#2`), while connected. */
  get connectionId(): string | undefined {
    return this.connection?.connectionId;
  }

  get folderState(): WatchedFolderState | undefined {
    const known = this.known;
    if (!known) return undefined;
    const mailbox = this.connection?.client.mailbox;
    return {
      folder: this.folder,
      uidValidity: known.uidValidity,
      highestModseq: known.highestModseq?.toString(),
      exists: this.exists,
      uidNext: mailbox ? mailbox.uidNext : undefined,
    };
  }

  /** Connects, EXAMINEs the folder and starts IDLE (or polling). Rejects (MailError) when the first connection fails. */
  async start(signal?: Cancel): Promise<void> {
    if (this.stopped) throw new MailError('config', 'This watcher was stopped.');
    await this.connectOnce(signal);
  }

  /**
   * Records the flags of messages the user has loaded (a page of `uidValidity`), so that a resync without
   * CONDSTORE can tell which of them changed while the connection was down.
   */
  remember(uidValidity: number | undefined, messages: readonly { readonly id: string; readonly flags: readonly string[] }[]): void {
    const known = this.known;
    if (!known || uidValidity !== known.uidValidity) return;
    for (const m of messages) known.flags.set(Number(m.id), [...m.flags]);
  }

  /**
   * The user's pages were listed before this watch opened the folder (a window reload restores an expanded
   * folder, the watch starts after the listing): mail that arrived in between is in the watch's UIDs but was
   * never reported. Reports every UID above the newest loaded one as new (a page ignores UIDs it already has).
   */
  reportArrivedSince(uidValidity: number | undefined, newestLoaded: number): void {
    const known = this.known;
    if (!known || uidValidity !== known.uidValidity) return;
    const arrived = known.uids.filter((uid) => uid > newestLoaded);
    if (arrived.length > 0) this.events.emit({ type: 'new', folder: this.folder, uidValidity: known.uidValidity, ids: arrived.map(String), exists: this.exists });
  }

  /** Logs out and stops for good (no reconnect). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake();
    const connection = this.connection;
    this.connection = undefined;
    await connection?.close().catch(() => undefined);
    await this.reconnecting?.catch(() => undefined);
    // Not emitted: the session that stopped the watch reports its own state next.
    this.currentState = 'closed';
  }

  private async connectOnce(signal?: Cancel): Promise<void> {
    const connection = await this.source.openWatchConnection({ maxIdleMs: this.options.idleRestartMs, pollMs: this.options.pollMs }, signal);
    if (this.stopped) {
      await connection.close();
      return;
    }
    const { client } = connection;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    this.options.onCapabilities?.(connection.capabilities);
    try {
      if (this.known) this.report(await resyncFolder(client, this.folder, this.known));
      else {
        const opened = await openFolder(client, this.folder);
        this.known = opened.known;
        this.setExists(opened.exists);
      }
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw folderError(error, this.folder);
    }
    if (this.stopped) {
      await connection.close().catch(() => undefined);
      return;
    }
    this.connection = connection;
    this.attach(client);
    // Anything the last command's reply announced before the listeners were on.
    if (client.mailbox && client.mailbox.exists > (this.known?.uids.length ?? 0)) this.queue(() => this.fetchNew(client));
    const idle = Features.imap(connection.capabilities.afterLogin).supports('idle');
    this.setState(idle ? 'live' : 'polling');
    void this.loop(connection, idle, closed);
  }

  private attach(client: ImapFlow): void {
    // While a recheck re-EXAMINEs the folder, what it reports comes through resyncFolder, not these.
    client.on('exists', (event: ExistsEvent) => {
      if (this.rechecking) return;
      if (event.count > event.prevCount) this.queue(() => this.fetchNew(client));
      else this.setExists(event.count);
    });
    client.on('expunge', (event: ExpungeEvent) => !this.rechecking && this.onExpunge(event));
    client.on('flags', (event: FlagsEvent) => !this.rechecking && this.onFlags(event));
    // A folder deleted under the watch (Dovecot: "* NO Internal error…" during IDLE and nothing else): the
    // folder is EXAMINEd again to find out what became of it; if that fails, the connection is opened again.
    // A BYE closes the connection by itself (imapflow), which reconnects.
    onUntaggedStatus(client, (status, text) => {
      if (this.connection?.client !== client) return;
      if (status === 'BYE') this.dropReason = `the server said BYE: ${text}`;
      else this.queue(() => this.recheck(client, `the server said ${status}: ${text}`));
    });
  }

  /** EXAMINEs the folder again on the same connection and reports what changed; a failure drops the connection (then: reconnect). */
  private async recheck(client: ImapFlow, reason: string): Promise<void> {
    const known = this.known;
    if (!known || client !== this.connection?.client || !client.usable) return;
    this.rechecking = true;
    try {
      this.report(await resyncFolder(client, this.folder, known));
    } catch {
      this.dropReason = reason;
      client.close();
    } finally {
      this.rechecking = false;
    }
  }

  /** IDLE until broken (by the restart timer, a fetch of new mail, the keep-alive NOOP), or NOOP every pollMs; until the connection goes. */
  private async loop(connection: WatchConnection, idle: boolean, closed: Promise<void>): Promise<void> {
    const { client } = connection;
    try {
      while (!this.stopped && client.usable) {
        if (idle) {
          await client.idle();
        } else {
          await Promise.race([this.sleep(this.options.pollMs), closed]);
          if (this.stopped || !client.usable) break;
          await client.noop();
        }
        await this.work;
      }
    } catch {
      // the connection failed: handled below like a close
    }
    if (this.stopped || this.connection !== connection) return;
    this.connection = undefined;
    connection.close().catch(() => undefined);
    const reason = this.dropReason ?? 'the connection was lost';
    this.dropReason = undefined;
    this.reconnecting = this.reconnect(reason).finally(() => (this.reconnecting = undefined));
  }

  private async reconnect(reason: string): Promise<void> {
    let delay = this.options.backoff.initialMs;
    this.emitConnection('reconnecting', reason, delay);
    for (;;) {
      await this.sleep(delay);
      if (this.stopped) return;
      try {
        await this.connectOnce();
        return;
      } catch (error) {
        const mapped = MailError.is(error) ? error : fromNodeError(error, 'network');
        if (FINAL.has(mapped.reason)) {
          this.emitConnection('closed', mapped.message);
          return;
        }
        delay = Math.min(delay * 2, this.options.backoff.maxMs);
        this.emitConnection(UNREACHABLE.has(mapped.reason) ? 'offline' : 'reconnecting', mapped.message, delay);
      }
    }
  }

  private report(outcome: ResyncOutcome): void {
    const folder = this.folder;
    this.known = outcome.known;
    if (outcome.kind === 'newGeneration') {
      const current = outcome.known.uidValidity;
      this.events.emit({ type: 'uidValidity', folder, previous: outcome.previous, current });
      this.events.emit({ type: 'anomaly', folder, message: `UIDVALIDITY of "${folder}" changed from ${outcome.previous} to ${current}: every UID of the old generation is void.` });
      this.setExists(outcome.exists);
      return;
    }
    const uidValidity = outcome.known.uidValidity;
    for (const message of outcome.anomalies) this.events.emit({ type: 'anomaly', folder, message });
    if (outcome.removed.length > 0) {
      this.events.emit({ type: 'expunged', folder, uidValidity, ids: outcome.removed.map(String), vanished: outcome.method === 'qresync' });
    }
    for (const change of outcome.flags) {
      this.events.emit({ type: 'flags', folder, uidValidity, id: String(change.uid), flags: change.flags, ...(change.modseq !== undefined ? { modseq: change.modseq.toString() } : {}) });
    }
    if (outcome.added.length > 0) this.events.emit({ type: 'new', folder, uidValidity, ids: outcome.added.map(String), exists: outcome.exists });
    this.events.emit({
      type: 'resynced',
      folder,
      method: outcome.method,
      added: outcome.added.map(String),
      removed: outcome.removed.map(String),
      flagsChanged: outcome.flags.map((f) => String(f.uid)),
    });
    this.setExists(outcome.exists, true);
  }

  /** New mail: the UIDs above the highest known (`UID FETCH <next>:* (UID)`). */
  private async fetchNew(client: ImapFlow): Promise<void> {
    const known = this.known;
    if (!known || !client.usable || client !== this.connection?.client) return;
    const next = (known.uids[known.uids.length - 1] ?? 0) + 1;
    const arrived = await uidsFrom(client, next);
    for (const uid of arrived) known.uids.push(uid);
    const exists = client.mailbox ? client.mailbox.exists : known.uids.length;
    // Arrivals and expunges crossing each other can leave the UID list off the count: it is listed again then.
    if (known.uids.length !== exists && this.known === known) this.known = { ...known, uids: await allUids(client) };
    if (arrived.length > 0) this.events.emit({ type: 'new', folder: this.folder, uidValidity: known.uidValidity, ids: arrived.map(String), exists });
    this.setExists(exists);
  }

  private onExpunge(event: ExpungeEvent): void {
    const known = this.known;
    if (!known) return;
    let uid = event.uid;
    if (uid !== undefined) {
      const index = indexOf(known.uids, uid);
      if (index >= 0) known.uids.splice(index, 1);
    } else if (event.seq !== undefined) {
      uid = known.uids[event.seq - 1];
      if (uid !== undefined) known.uids.splice(event.seq - 1, 1);
    }
    if (uid !== undefined) known.flags.delete(uid);
    // One event per burst (VANISHED 1:500 is one line but 500 callbacks): flushed once this turn's callbacks are done.
    if (!this.pendingExpunge) {
      this.pendingExpunge = { ids: [], seqs: [], vanished: event.vanished };
      queueMicrotask(() => this.flushExpunge());
    }
    if (uid !== undefined) this.pendingExpunge.ids.push(String(uid));
    if (event.seq !== undefined) this.pendingExpunge.seqs.push(event.seq);
  }

  private flushExpunge(): void {
    const pending = this.pendingExpunge;
    this.pendingExpunge = undefined;
    if (!pending || !this.known) return;
    this.events.emit({
      type: 'expunged',
      folder: this.folder,
      uidValidity: this.known.uidValidity,
      ids: pending.ids,
      ...(pending.seqs.length > 0 ? { seqs: pending.seqs } : {}),
      vanished: pending.vanished,
    });
    const mailbox = this.connection?.client.mailbox;
    this.setExists(mailbox ? mailbox.exists : this.known.uids.length);
  }

  private onFlags(event: FlagsEvent): void {
    const known = this.known;
    if (!known) return;
    const uid = event.uid ?? known.uids[event.seq - 1];
    if (uid === undefined) return;
    const flags = [...event.flags];
    if (known.flags.has(uid)) known.flags.set(uid, flags);
    if (event.modseq !== undefined && (known.highestModseq === undefined || event.modseq > known.highestModseq)) {
      this.known = { ...known, highestModseq: event.modseq };
    }
    this.events.emit({ type: 'flags', folder: this.folder, uidValidity: known.uidValidity, id: String(uid), flags, ...(event.modseq !== undefined ? { modseq: event.modseq.toString() } : {}) });
  }

  private queue(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch(() => undefined);
  }

  private setExists(exists: number, force = false): void {
    if (exists === this.exists && !force) return;
    this.exists = exists;
    this.events.emit({ type: 'counts', folder: this.folder, total: exists, unseen: undefined });
  }

  private setState(state: ConnectionState): void {
    if (state === this.currentState) return;
    this.emitConnection(state);
  }

  private emitConnection(state: ConnectionState, reason?: string, retryInMs?: number): void {
    this.currentState = state;
    this.events.emit({ type: 'connection', state, ...(reason !== undefined ? { reason } : {}), ...(retryInMs !== undefined ? { retryInMs } : {}) });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

/** A folder that cannot be EXAMINEd (deleted, not yet re-created) is 'notFound', with the server's words; a reconnect keeps trying. */
function folderError(error: unknown, folder: string): unknown {
  if (MailError.is(error)) return error;
  const e = error as { responseStatus?: unknown };
  if (e && (e.responseStatus === 'NO' || e.responseStatus === 'BAD')) {
    const server = fromNodeError(error, 'notFound').serverText;
    return new MailError('notFound', `The folder "${folder}" cannot be opened.`, server, { cause: error });
  }
  return error;
}

/** Binary search in an ascending list. */
function indexOf(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
