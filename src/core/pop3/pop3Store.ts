import { AccountDefinition } from '../accounts/account';
import { credentialProvider, CredentialProvider, Credentials } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { Cancel, FolderInfo, MailStore, MessagePage, MessageSummary, SessionLimits } from '../mailStore';
import { pageRange } from '../paging';
import { Features } from '../session/features';
import { MessageId, SessionEvents, Subscription } from '../session/sessionEvents';
import { TrafficTap } from '../traffic/trafficTap';
import { markExactly } from './exactDeletion';
import { diffByCount, KnownUidls, numbers, UidlChange } from './knownUidls';
import { Pop3Poller } from './pop3Poller';
import { Pop3CapabilityLists, Pop3Session } from './pop3Session';
import { HeaderSummary, parseTopHeaders } from './topHeaders';

export interface Pop3StoreOptions {
  limits: SessionLimits;
  /** Extra trusted CA (PEM). */
  ca?: Buffer;
  /** Largest message fetchRaw() accepts; defaults to limits.maxLiteralBytes. */
  maxMessageBytes?: number;
  /** Where checkForNewMail() and the poll report changes; a new emitter when not given. */
  events?: SessionEvents;
  /**
   * Keep a folder list's session open this long (ms) for the call that follows (the tree's first page), so the two
   * cost one login; 0 or undefined: every call is its own session. The extension uses LINGER_MS.
   */
  lingerMs?: number;
}

/** What one checkForNewMail() found (the same as its `resynced` event). */
export interface MailCheck extends UidlChange {
  /** Messages in the maildrop now. */
  readonly total: number;
  /** Nothing was known before this check (no page listed, no check made): it only set what later checks compare with. */
  readonly baseline: boolean;
}

/** The one folder of a POP3 account. */
import { POP3_INBOX } from './pop3Inbox';
export { POP3_INBOX };

export const NO_UIDL_WARNING =
  'This server does not support UIDL, so messages are identified by their number; numbers change when messages are deleted, so an id may point to another message in a later session.';
export const NO_TOP_WARNING = 'This server does not support TOP, so subjects and senders cannot be shown without downloading each message.';

const NO_HEADER: HeaderSummary = { subject: '', from: [], to: [], date: undefined, messageId: undefined };

/**
 * A POP3 account as a MailStore. Every call is one short session (connect, CAPA, STLS if asked, log
 * in, the work, QUIT); no session stays open in the background. Browsing never sends DELE; only
 * deleteMessages() does (and the maildrop download, through maildropSession), for exactly the messages matched by UIDL.
 */
export class Pop3Store implements MailStore {
  /** Aborted by close(): drops every session under way, including one still connecting. */
  private closer = new AbortController();
  /** Message number last seen for a UIDL: only a hint, always checked with `UIDL n` before use. */
  private readonly numberHints = new Map<string, number>();

  private readonly credentials: CredentialProvider;
  /** What the client has been shown (pages since the last first page) or the list of the last check. */
  private readonly known = new KnownUidls();
  /** The CAPA replies of the latest session. */
  private lastCapabilities: Pop3CapabilityLists | undefined;
  private checking: Promise<MailCheck> | undefined;
  private poller: Pop3Poller | undefined;
  /** A session kept open for a moment after a folder list (park()), and its timer. */
  private spare: { session: Pop3Session; timer: NodeJS.Timeout } | undefined;

  /** Changes found by checkForNewMail() and the poll: `expunged`, `new`, `counts`, `resynced`, and `connection` states of the poll. */
  readonly events: SessionEvents;

  /** `credentials` is asked for the password in each session, once the connection is secured, right before logging in. */
  constructor(
    readonly account: AccountDefinition,
    credentials: Credentials,
    private readonly tap: TrafficTap,
    private readonly options: Pop3StoreOptions,
  ) {
    this.credentials = credentialProvider(credentials);
    this.events = options.events ?? new SessionEvents();
  }

  async listFolders(signal?: Cancel): Promise<FolderInfo[]> {
    // The tree asks for the first page right after the folder list: with `lingerMs` the session stays open a moment for it.
    const { count, size } = await this.withSession(signal, (s) => s.stat(), true);
    return [{ path: POP3_INBOX, name: 'Inbox', delimiter: undefined, parentPath: undefined, specialUse: 'inbox', selectable: true, total: count, unseen: undefined, size }];
  }

  /** One page, newest first; sizes from LIST, headers from `TOP n 0` for this page's messages only. */
  async listMessages(folderPath: string, offset: number, pageSize: number, signal?: Cancel): Promise<MessagePage> {
    checkFolder(folderPath);
    pageRange(0, offset, pageSize); // throws RangeError on bad arguments before anything is sent
    return this.withSession(signal, async (s) => {
      const { count } = await s.stat();
      const range = pageRange(count, offset, pageSize);
      const { uids, sizes } = await this.pageIds(s, range, count);
      let canTop = s.supports('TOP');
      const messages: MessageSummary[] = [];
      // One odd message never hides the others: it is listed with what could be read, and said so.
      const notices: string[] = [];
      if (range) {
        const order: number[] = [];
        for (let n = range.to; n >= range.from; n--) order.push(n);
        for (const n of order) if ((uids ? uids.get(n) : String(n)) === undefined) throw new MailError('protocol', `The server's UIDL reply has no line for message ${n}.`);
        // With CAPA, TOP for the whole page at once (pipelined where offered). Without CAPA, the first -ERR is how we learn
        // TOP is missing (RFC 1939 makes it optional), so the rest are not asked: one at a time, as before.
        const headers: (Buffer | MailError | undefined)[] = !canTop ? [] : s.capabilities !== undefined ? await s.topEach(order) : [];
        for (const [i, n] of order.entries()) {
          const id = uids ? uids.get(n)! : String(n);
          let header = NO_HEADER;
          let top = headers[i];
          if (canTop && s.capabilities === undefined) {
            try {
              top = await s.top(n);
            } catch (err) {
              if (!MailError.is(err, 'server')) throw err; // the connection is gone (limit, network, timeout)
              canTop = false;
              top = undefined;
            }
          }
          if (top instanceof MailError) notices.push(`Message ${n}: the server refused TOP for it (${top.serverText || top.message}), so its subject and sender are not shown.`);
          else if (top) header = parseTopHeaders(top);
          const { notice, ...summary } = header;
          if (notice) notices.push(`Message ${n}${summary.subject ? ` ("${summary.subject.slice(0, 60)}")` : ''}: ${notice}`);
          messages.push({ id, seq: n, ...summary, size: sizes.get(n) ?? 0, flags: [] });
          if (uids) this.numberHints.set(id, n);
        }
      }
      this.known.page(messages.map((m) => m.id), count, offset === 0); // what checkForNewMail() compares with
      const warning = [uids ? undefined : NO_UIDL_WARNING, canTop ? undefined : NO_TOP_WARNING, ...notices].filter(Boolean).join(' ') || undefined;
      return { total: count, messages, nextOffset: range?.nextOffset, ...(warning ? { warning } : {}) };
    });
  }

  /** The message's bytes exactly as the server sends them after undoing dot-stuffing (CRLF and 8-bit bytes kept). */
  async fetchRaw(folderPath: string, messageId: string, signal?: Cancel): Promise<Buffer> {
    checkFolder(folderPath);
    const limit = this.options.maxMessageBytes ?? this.options.limits.maxLiteralBytes;
    return this.withSession(signal, async (s) => {
      const n = await this.locate(s, messageId, false);
      const size = await s.listOne(n);
      if (size > limit) throw new MailError('limit', `The message is ${size} bytes, more than the limit of ${limit} bytes.`);
      const bytes = await s.retr(n, limit, size);
      // Dovecot (and others) mark a retrieved message \Seen for IMAP clients when the session ends with
      // QUIT; RSET before QUIT undoes that, so reading a message over POP3 changes nothing on the server.
      await s.rset();
      return bytes;
    });
  }

  /** Deletes exactly the message whose UIDL is `messageId` (see deleteMessages). */
  async deleteMessage(messageId: string, signal?: Cancel): Promise<void> {
    await this.deleteMessages([messageId], signal);
  }

  /**
   * Deletes exactly the messages whose UIDLs are `ids`, in one session: each found by UIDL (all of them before
   * any DELE), checked again with `UIDL n` right before its DELE, committed by QUIT. Any failure after a DELE
   * sends RSET (or drops the connection without QUIT), so nothing is deleted then. Refused on a server without
   * UIDL. Emits `expunged` and `counts` on `events`, so the tree follows. This is the unguarded protocol step:
   * callers go through the session's writer (pop3Writer), which the account's access mode guards.
   */
  async deleteMessages(ids: readonly string[], signal?: Cancel): Promise<readonly string[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const total = await this.withSession(signal, async (s) => {
      const { count } = await s.stat(); // before DELE: STAT leaves out messages marked deleted (RFC 1939)
      await markExactly(s, wanted, undefined, (id) => this.numberHints.get(id));
      return count - wanted.length;
    });
    this.noteRemoved(wanted, total);
    return wanted;
  }

  /**
   * One short session for a job of several steps (the maildrop download): `work` gets the logged-in session; when
   * it throws, the session ends with RSET (nothing it marked is deleted), else with QUIT. Like every session here.
   */
  maildropSession<T>(work: (session: Pop3Session) => Promise<T>, signal?: Cancel): Promise<T> {
    return this.withSession(signal, work);
  }

  /** The largest message fetchRaw() (and the download) retrieves, in bytes. */
  get messageLimit(): number {
    return this.options.maxMessageBytes ?? this.options.limits.maxLiteralBytes;
  }

  /** Messages deleted by a session of this store (committed by QUIT): forgets their numbers and tells `events`. */
  noteRemoved(ids: readonly string[], total: number | undefined): void {
    this.numberHints.clear(); // numbers shift in the next session
    if (ids.length === 0) return;
    this.known.forget(ids);
    const folder = POP3_INBOX;
    this.events.emit({ type: 'expunged', folder, uidValidity: undefined, ids: [...ids], vanished: false });
    if (total !== undefined) this.events.emit({ type: 'counts', folder, total, unseen: undefined });
  }

  /** The server's capabilities (CAPA after login when the server allows it, else before). */
  async capabilities(signal?: Cancel): Promise<string[]> {
    return this.withSession(signal, async (s) => (await s.capa()) ?? [...(s.capabilities ?? [])]);
  }

  /**
   * What the server offers, from the CAPA of the latest session (after STLS when the account uses
   * STARTTLS; what was announced in clear before it is only reported, see capabilityLists()).
   * Undefined until a session has been opened. A server that answers CAPA with -ERR announces
   * nothing, so it supports no optional feature here even where a command such as UIDL may work.
   */
  features(): Features | undefined {
    const lists = this.lastCapabilities;
    return lists ? Features.pop3(lists.current ?? []) : undefined;
  }

  /** Both CAPA replies of the latest session (before and after STLS), for reports; undefined until a session has been opened. */
  capabilityLists(): Pop3CapabilityLists | undefined {
    return this.lastCapabilities;
  }

  /**
   * "Check for New Mail": one short session (log in, UIDL — STAT on a server without UIDL — and
   * QUIT, nothing else), so the maildrop is locked only for that moment and never between checks.
   * Its UIDL list is compared with what is known (the pages listed since the last first page, or
   * the previous check) and the differences are emitted on `events`, in this order: `expunged`
   * (ids, when any are gone), `new` (ids newest first, when any arrived), `counts` (when either
   * happened), and always one `resynced` (method 'uidl'; with empty lists when nothing changed, so
   * that a caller sees the check was made). When nothing is known yet, the check only sets what
   * the next one compares with (`baseline: true`). A check asked while one is under way shares it.
   */
  checkForNewMail(signal?: Cancel): Promise<MailCheck> {
    this.checking ??= this.runCheck(signal).finally(() => (this.checking = undefined));
    return this.checking;
  }

  /**
   * Checks every `seconds` (the next check `seconds` after the previous one ended) until stopPolling(),
   * close() or the returned subscription's dispose(); emits `connection` 'polling' now. Starting again
   * replaces the previous poll. Nothing is held open between checks, and the timers never keep the
   * process alive.
   */
  startPolling(seconds: number): Subscription {
    const poller = new Pop3Poller(seconds, () => this.checkForNewMail(), this.events);
    this.stopPolling();
    this.poller = poller.start();
    return { dispose: () => (this.poller === poller ? this.stopPolling() : poller.dispose()) };
  }

  /** Stops the poll (emits `connection` 'closed'); nothing happens when none runs. */
  stopPolling(): void {
    const poller = this.poller;
    this.poller = undefined;
    poller?.dispose();
  }

  get polling(): boolean {
    return this.poller?.running === true;
  }

  /** Stops the poll and drops any session under way (without QUIT: nothing is deleted); the store stays usable. */
  async close(): Promise<void> {
    this.stopPolling();
    await this.endSpare();
    this.closer.abort();
    this.closer = new AbortController();
  }

  private async runCheck(signal: Cancel | undefined): Promise<MailCheck> {
    const { current, uidl } = await this.withSession(signal, async (s): Promise<{ current: MessageId[]; uidl: boolean }> => {
      const uids = await s.uidlAll();
      if (uids) return { current: [...uids.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id), uidl: true };
      return { current: numbers((await s.stat()).count), uidl: false };
    });
    const baseline = this.known.empty;
    const change = uidl ? this.known.diff(current) : diffByCount(this.known, current.length);
    this.known.replace(current);
    const folder = POP3_INBOX;
    if (change.removed.length > 0) this.events.emit({ type: 'expunged', folder, uidValidity: undefined, ids: change.removed, vanished: false });
    if (change.added.length > 0) this.events.emit({ type: 'new', folder, uidValidity: undefined, ids: change.added, exists: current.length });
    if (change.added.length > 0 || change.removed.length > 0) this.events.emit({ type: 'counts', folder, total: current.length, unseen: undefined });
    this.events.emit({ type: 'resynced', folder, method: 'uidl', added: change.added, removed: change.removed, flagsChanged: [] });
    return { ...change, total: current.length, baseline };
  }

  /**
   * UIDLs and sizes for the page. A page that is a small part of the maildrop asks `UIDL n` and
   * `LIST n` per message (all in one write where the server offers PIPELINING), so the cost grows with the page, not with the maildrop; a page that covers
   * much of it takes the whole listings in one reply each.
   */
  private async pageIds(s: Pop3Session, range: { from: number; to: number } | undefined, count: number): Promise<{ uids: Map<number, string> | undefined; sizes: Map<number, number> }> {
    if (!range) return { uids: await s.uidlAll(), sizes: new Map() };
    const pageLength = range.to - range.from + 1;
    if (pageLength * 4 >= count || !s.supports('UIDL')) return { uids: await s.uidlAll(), sizes: await s.listAll() };
    const numbers: number[] = [];
    for (let n = range.to; n >= range.from; n--) numbers.push(n);
    // UIDL n and LIST n for the page: one round trip with PIPELINING, two per message without.
    return (await s.uidlAndListEach(numbers)) ?? { uids: await s.uidlAll(), sizes: await s.listAll() };
  }

  /** Finds the number of the message `id` names in this session; 'notFound' when it is gone. */
  private async locate(s: Pop3Session, id: string, needUidl: boolean): Promise<number> {
    const hint = this.numberHints.get(id);
    if (hint !== undefined && (await s.uidlOne(hint)) === id) return hint;
    const uids = await s.uidlAll();
    if (uids) {
      for (const [n, uid] of uids) if (uid === id) return n;
      throw new MailError('notFound', `No message with UIDL ${id} is on the server.`);
    }
    if (needUidl) throw new MailError('server', 'This server does not support UIDL, so a message cannot be identified safely for deletion; nothing was deleted.');
    const n = /^[1-9]\d{0,9}$/.test(id) ? Number(id) : 0;
    if (n === 0 || n > (await s.stat()).count) throw new MailError('notFound', `There is no message number ${id} on the server.`);
    return n;
  }

  /**
   * Runs `work` in a logged-in session: the one kept from the call before (`keep`, for at most LINGER_MS) or a new one.
   * A session ends with QUIT after success and RSET-or-drop after a failure (Pop3Session.finish), as before.
   */
  private async withSession<T>(signal: Cancel | undefined, work: (session: Pop3Session) => Promise<T>, keep = false): Promise<T> {
    const cancel = signal ? AbortSignal.any([signal, this.closer.signal]) : this.closer.signal;
    const session = this.takeSpare() ?? (await Pop3Session.open(this.account, this.credentials, this.tap, { limits: this.options.limits, ca: this.options.ca, signal: cancel }));
    this.lastCapabilities = session.capabilityLists;
    let result: T;
    try {
      if (cancel.aborted) throw new MailError('cancelled');
      result = await work(session);
    } catch (err) {
      await session.finish(false);
      throw MailError.is(err) ? err : new MailError('protocol', String(err), undefined, { cause: err });
    }
    if (keep && (this.options.lingerMs ?? 0) > 0 && !this.spare && !cancel.aborted) this.park(session, this.options.lingerMs!);
    else await session.finish(true);
    return result;
  }

  /**
   * Keeps a session that changed nothing (a folder list: STAT only) open for the next call, ending it after `ms`
   * if none comes: the maildrop's lock is held a moment longer at most, and a folder list followed by its first page
   * costs one login instead of two. The timer never keeps the process alive.
   */
  private park(session: Pop3Session, ms: number): void {
    const timer = setTimeout(() => {
      if (this.spare?.session !== session) return;
      this.spare = undefined;
      void session.finish(true).catch(() => undefined);
    }, ms);
    timer.unref();
    this.spare = { session, timer };
  }

  private takeSpare(): Pop3Session | undefined {
    const spare = this.spare;
    this.spare = undefined;
    if (!spare) return undefined;
    clearTimeout(spare.timer);
    if (spare.session.usable) return spare.session;
    void spare.session.finish(false).catch(() => undefined);
    return undefined;
  }

  /** Ends the kept session now (QUIT), if there is one. */
  private async endSpare(): Promise<void> {
    const spare = this.spare;
    this.spare = undefined;
    if (!spare) return;
    clearTimeout(spare.timer);
    await spare.session.finish(true).catch(() => undefined);
  }
}

/** How long the extension keeps a folder list's session for the first page (the tree asks for it right away). */
export const LINGER_MS = 1_500;

function checkFolder(path: string): void {
  if (path !== POP3_INBOX) throw new MailError('notFound', `A POP3 account has only the folder ${POP3_INBOX}, not "${path}".`);
}
