import { ImapFlow, type ImapFlowOptions, type MailboxObject } from 'imapflow';
import { AccountDefinition, hasControlCharacters } from '../accounts/account';
import { credentialProvider, CredentialProvider, Credentials, fixedPassword, passwordForLogin } from '../credentials/credentialProvider';
import { ImapLoginAfterTls } from '../credentials/imapLoginAfterTls';
import { fromNodeError, MailError } from '../errors';
import { Cancel, CountsProgress, FolderInfo, MailStore, MessagePage, MessageRef, MessageSummary, PartFetch, PartialFetcher, SessionLimits } from '../mailStore';
import { pageRange } from '../paging';
import { certificateTrust } from '../tls/certificateTrust';
import { imapTlsTransport } from '../tls/imapTlsTransport';
import { ConnectionTap, TrafficTap } from '../traffic/trafficTap';
import { FolderSnapshot } from '../documents/folderState';
import type { TransferMessage } from '../write/crossAccount';
import { applyClientId, CLIENT_NAME, ClientId } from './clientId';
import { sendPlainInitialResponse } from './saslPlain';
import { fetchEnvelopes } from './envelopeFetch';
import { frameLinesFast } from './lineFraming';
import { folderSnapshot } from './folderSnapshot';
import { countOrder, sortFolders, toFolderInfo } from './folderMapping';
import { trafficLogger } from './trafficLogger';
import { SILENCE_PROBE_MS, wrongPortOf } from '../diagnose/explainWrongPort';
import { formatUidSet, highestBelow, parseUidSet, rangesOf, UidRange } from './uidSet';

/** The counts a folder row shows. */
const COUNT_QUERY = { messages: true, unseen: true } as const;

export interface ImapStoreOptions {
  limits: SessionLimits;
  /** Extra trusted CA certificates (PEM), besides Node's own and the account's caFile. */
  ca?: Buffer;
  /** Force a login method (tests use it to exercise LOGIN and AUTHENTICATE PLAIN). */
  loginMethod?: 'LOGIN' | 'AUTH=PLAIN';
  /** Close the connection after this long without use (ms). */
  idleCloseMs?: number;
  /** What the ID command tells the server (only these fields, nothing of imapflow's); false sends no ID. Default: the name only. */
  clientId?: ClientId | false;
}

/** The CAPABILITY lists a connection saw: before login (after STARTTLS) and once logged in. */
export interface LiveCapabilities {
  readonly beforeLogin: readonly string[];
  readonly afterLogin: readonly string[];
}

export interface WatchConnectionOptions {
  /** Break and re-issue IDLE after this long (RFC 2177 asks for less than 29 minutes). */
  maxIdleMs: number;
  /** Where IDLE is missing the watcher NOOPs this often: the silence between polls must not count as a dead server. */
  pollMs?: number;
}

/** A second connection of the account, for watching one folder; its traffic is tapped under its own id. */
export interface WatchConnection {
  readonly client: ImapFlow;
  /** The traffic tap's id of this connection, e.g. `imap#2`. */
  readonly connectionId: string;
  readonly capabilities: LiveCapabilities;
  /** LOGOUT (or a plain close when the connection is gone). */
  close(): Promise<void>;
}

/** A page taken by UID: the `pageSize` highest UIDs below a cursor, so arrivals and expunges between pages neither skip nor repeat a message. */
export interface UidPage extends MessagePage {
  readonly uidValidity: number;
  /** The cursor of the next page (its UIDs are below this one), or undefined when this is the last page. */
  readonly nextBeforeUid: number | undefined;
}

/**
 * An IMAP account over one reused imapflow connection. Read-only by construction: folders are
 * opened with EXAMINE, bodies fetched with BODY.PEEK, and no method stores flags or expunges.
 */
export class ImapStore implements MailStore, PartialFetcher {
  private client: ImapFlow | undefined;
  private connecting: Promise<ImapFlow> | undefined;
  private tap: ConnectionTap | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** When an operation last ran (Date.now()): the connection closes idleCloseMs after it, NOOPs keep it open until then. */
  private lastUse = 0;
  private busy = 0;
  private lastConnectionError: MailError | undefined;
  private readonly credentials: CredentialProvider;
  private lastCapabilities: LiveCapabilities | undefined;

  /** `credentials` is asked for the password only once the connection is secured, right before LOGIN. */
  constructor(
    readonly account: AccountDefinition,
    credentials: Credentials,
    private readonly traffic: TrafficTap,
    private readonly options: ImapStoreOptions,
  ) {
    if (account.protocol !== 'imap') throw new MailError('config', 'ImapStore needs an IMAP account.');
    this.credentials = credentialProvider(credentials);
  }

  /**
   * The folders with their counts: one LIST-STATUS where the server offers it, else LIST and then STATUS per
   * folder, the folders in `counts.usedFirst` first, each told to `counts.onCounts` as it arrives. Between
   * two STATUS commands other calls on this connection get their turn (opening a folder does not wait for them all).
   */
  async listFolders(signal?: Cancel, counts?: CountsProgress): Promise<FolderInfo[]> {
    return this.run(signal, async (client) => {
      // STATUS (and LIST-STATUS) on the mailbox this connection has open may answer with the
      // connection's last synced view (Dovecot does: mail that arrived since stays uncounted until the
      // connection syncs). NOOP syncs it first, so the counts are current after one Refresh.
      if (client.mailbox !== false) await client.noop();
      if (client.capabilities.has('LIST-STATUS')) return sortFolders((await client.list({ statusQuery: COUNT_QUERY })).map(toFolderInfo));
      const folders = sortFolders((await client.list()).map(toFolderInfo));
      const counted = new Map<string, FolderInfo>();
      for (const folder of countOrder(folders, counts?.usedFirst)) {
        if (signal?.aborted) throw new MailError('cancelled');
        const status = await client.status(folder.path, COUNT_QUERY).catch(() => undefined); // a folder that refuses STATUS keeps no counts
        if (!status) continue;
        const withCounts = { ...folder, total: status.messages, unseen: status.unseen };
        counted.set(folder.path, withCounts);
        counts?.onCounts?.(withCounts);
      }
      return folders.map((f) => counted.get(f.path) ?? f);
    });
  }

  /**
   * The folders without their counts (LIST alone: well under a millisecond on Dovecot, where LIST-STATUS of a large
   * mailbox takes a hundred), so the tree can show them at once and fill in the counts from listFolders() after.
   */
  async listFolderNames(signal?: Cancel): Promise<FolderInfo[]> {
    return this.run(signal, async (client) => sortFolders((await client.list()).map(toFolderInfo)));
  }

  async listMessages(folderPath: string, offset: number, pageSize: number, signal?: Cancel): Promise<MessagePage> {
    checkFolderName(folderPath);
    return this.run(signal, async (client) => {
      const wasOpen = client.mailbox !== false && client.mailbox.path === folderPath;
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        // A folder that stayed open learns of new or expunged mail only in reply to a command: ask (NOOP).
        if (wasOpen) await client.noop();
        const mailbox = client.mailbox;
        const total = mailbox ? mailbox.exists : 0;
        const uidValidity = mailbox ? Number(mailbox.uidValidity) : undefined;
        const range = pageRange(total, offset, pageSize);
        if (!range) return { total, messages: [], nextOffset: undefined, uidValidity };
        const messages = await fetchEnvelopes(client, `${range.from}:${range.to}`, false);
        messages.sort((a, b) => b.seq - a.seq);
        return { total, messages, nextOffset: range.nextOffset, uidValidity };
      } finally {
        lock.release();
      }
    });
  }

  /**
   * One page by UID, newest first: the `pageSize` highest UIDs below `beforeUid` (the newest when undefined),
   * found with UID SEARCH (ESEARCH's compact ALL where offered) and fetched by UID, never by sequence offset; the
   * newest page is the last `pageSize` messages by number (the same messages, one command fewer).
   * `uidValidity`, when given, is the generation the cursor belongs to: a folder that has another one now is
   * refused (staleGeneration), as its UIDs no longer line up with the pages already shown.
   */
  async listMessagesByUid(folderPath: string, beforeUid: number | undefined, pageSize: number, signal?: Cancel, uidValidity?: number): Promise<UidPage> {
    checkFolderName(folderPath);
    if (beforeUid !== undefined && (!Number.isInteger(beforeUid) || beforeUid < 1)) throw new MailError('config', `${beforeUid} is not a UID.`);
    return this.run(signal, async (client) => {
      const wasOpen = client.mailbox !== false && client.mailbox.path === folderPath;
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        if (wasOpen) await client.noop();
        const current = checkGeneration(client, folderPath, uidValidity);
        const total = client.mailbox ? client.mailbox.exists : 0;
        const empty = { total, messages: [], nextOffset: undefined, uidValidity: current, nextBeforeUid: undefined };
        if (total === 0 || beforeUid === 1) return empty;
        if (beforeUid === undefined) {
          // The newest page: UIDs grow with sequence numbers (RFC 9051 §2.3.1.1), so the `pageSize` highest UIDs are
          // the last `pageSize` messages by number. One FETCH by sequence, no UID SEARCH of the whole folder first.
          const from = Math.max(1, total - pageSize + 1);
          const messages = await fetchEnvelopes(client, `${from}:${total}`, false);
          messages.sort((a, b) => Number(b.id) - Number(a.id));
          const lowest = messages[messages.length - 1];
          // Mail expunged meanwhile (told with the FETCH) may leave fewer: the cursor is then still right, as later pages go by UID.
          return { total, messages, nextOffset: undefined, uidValidity: current, nextBeforeUid: from > 1 && lowest ? Number(lowest.id) : undefined };
        }
        const slice = highestBelow(await searchUids(client, beforeUid), beforeUid, pageSize);
        if (slice.uids.length === 0) return empty;
        const messages = await fetchEnvelopes(client, formatUidSet(slice.uids), true);
        messages.sort((a, b) => Number(b.id) - Number(a.id));
        const lowest = slice.uids[slice.uids.length - 1];
        return { total, messages, nextOffset: undefined, uidValidity: current, nextBeforeUid: slice.more ? lowest : undefined };
      } finally {
        lock.release();
      }
    });
  }

  /** The raw bytes of `{folder, uidValidity, uid}`; refused when the folder's generation changed since. */
  fetchRawAt(ref: MessageRef, signal?: Cancel): Promise<Buffer> {
    return this.fetchRawChecked(ref.folder, ref.id, ref.uidValidity, signal);
  }

  /**
   * One message for a transfer to another account (src/core/write/crossAccount.ts): its exact bytes (BODY.PEEK[],
   * so \Seen is not set), its flags (without \Recent) and INTERNALDATE; refused when the folder's generation changed.
   */
  fetchForTransfer(ref: MessageRef, signal?: Cancel): Promise<TransferMessage> {
    const uid = checkMessage(ref.folder, ref.id);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(ref.folder, { readOnly: true });
      try {
        checkGeneration(client, ref.folder, ref.uidValidity);
        const msg = await client.fetchOne(String(uid), { uid: true, source: true, flags: true, internalDate: true }, { uid: true });
        if (!msg || !msg.source) throw new MailError('notFound', `Message UID ${uid} is no longer in ${ref.folder}.`);
        const date = msg.internalDate === undefined ? undefined : new Date(msg.internalDate);
        return { bytes: msg.source, flags: [...(msg.flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent'), internalDate: date && !Number.isNaN(date.getTime()) ? date : undefined };
      } finally {
        lock.release();
      }
    });
  }

  /** fetchStructure for `{folder, uidValidity, uid}`; refused when the folder's generation changed since. */
  fetchStructureAt(ref: MessageRef, signal?: Cancel): Promise<{ structure: unknown; size: number; uidValidity: number }> {
    return this.fetchStructureChecked(ref.folder, ref.id, ref.uidValidity, signal);
  }

  /** fetchPart for `{folder, uidValidity, uid}`; refused when the folder's generation changed since. */
  fetchPartAt(ref: MessageRef, section: string, signal?: Cancel): Promise<PartFetch> {
    return this.fetchPartChecked(ref.folder, ref.id, section, ref.uidValidity, signal);
  }

  /**
   * The folder's generation changed (its UIDVALIDITY, seen by a watcher): a command connection that still has
   * it selected shows the old one (Dovecot answers it with an internal error), so that connection is closed;
   * the next command reconnects and EXAMINEs the new generation.
   */
  forgetFolder(folderPath: string): void {
    const mailbox = this.client?.mailbox;
    if (mailbox && mailbox.path === folderPath) this.dropConnection(`the folder "${folderPath}" has a new generation`);
  }

  /** The folder's state now (STATUS and EXAMINE, read-only), for the folder-state document. */
  async folderState(folderPath: string, signal?: Cancel): Promise<FolderSnapshot> {
    checkFolderName(folderPath);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        return await folderSnapshot(client, folderPath);
      } finally {
        lock.release();
      }
    });
  }

  /**
   * Runs read-only commands (a search: src/core/search/) on the command connection. With `folder`, it is EXAMINEd
   * (never SELECTed, so nothing can set \Seen), NOOPed first when it stayed open (new mail is then known), and its
   * generation checked against `uidValidity` when given; without, nothing is opened (ESEARCH IN names its folders).
   */
  async readOnly<T>(folder: string | undefined, uidValidity: number | undefined, signal: Cancel | undefined, work: (context: ReadContext) => Promise<T>): Promise<T> {
    if (folder !== undefined) checkFolderName(folder);
    return this.run(signal, async (client) => {
      const note = (text: string): void => this.tap?.info(text);
      if (folder === undefined) return work({ client, note, mailbox: undefined });
      const wasOpen = client.mailbox !== false && client.mailbox.path === folder && client.mailbox.readOnly === true;
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        if (wasOpen) await client.noop();
        checkGeneration(client, folder, uidValidity);
        return await work({ client, note, mailbox: client.mailbox || undefined });
      } finally {
        lock.release();
      }
    });
  }

  /**
   * The envelopes of exactly these UIDs of `folder` (a page of search results), newest first: one UID FETCH of
   * those UIDs, EXAMINEd; refused when the folder's generation is no longer `uidValidity`. UIDs that are gone are
   * simply not in the answer.
   */
  async listMessagesByUids(folder: string, uids: readonly number[], uidValidity: number | undefined, signal?: Cancel): Promise<MessageSummary[]> {
    for (const uid of uids) if (!Number.isInteger(uid) || uid < 1) throw new MailError('config', `${uid} is not a UID.`);
    if (uids.length === 0) return [];
    return this.readOnly(folder, uidValidity, signal, async ({ client }) => {
      const messages = await fetchEnvelopes(client, formatUidSet(uids), true);
      return messages.sort((a, b) => Number(b.id) - Number(a.id));
    });
  }

  /**
   * Runs one write on the command connection: with `folder`, that folder is SELECTed read-write (only now: browsing
   * EXAMINEs it again afterwards) and its generation checked against `uidValidity`; without, nothing is selected
   * anew (CREATE, RENAME, DELETE, SUBSCRIBE). Unlike reads, a write is never sent a second time after a lost
   * connection: the server may have done it. Writes themselves go through ./write/ (runCommand).
   */
  async write<T>(folder: string | undefined, uidValidity: number | undefined, signal: Cancel | undefined, work: (context: WriteContext) => Promise<T>): Promise<T> {
    if (folder !== undefined) checkFolderName(folder);
    return this.run(
      signal,
      async (client) => {
        const note = (text: string): void => this.tap?.info(text);
        if (folder === undefined) return work({ client, note, mailbox: undefined });
        const wasOpen = client.mailbox !== false && client.mailbox.path === folder && !client.mailbox.readOnly;
        const lock = await client.getMailboxLock(folder, { readOnly: false });
        try {
          // Still SELECTed from an earlier write: it learns of mail delivered since only in reply to a command (NOOP),
          // and a UID FETCH/STORE of a UID it has not been told of yet would silently match nothing.
          if (wasOpen) await client.noop();
          checkGeneration(client, folder, uidValidity);
          const mailbox = client.mailbox;
          if (!mailbox || mailbox.readOnly) throw new MailError('server', `The server opened "${folder}" read-only, so it cannot be changed.`, mailbox ? '[READ-ONLY]' : undefined);
          return await work({ client, note, mailbox });
        } finally {
          lock.release();
        }
      },
      false,
    );
  }

  /** The capabilities of the command connection (connecting if needed): before and after login. */
  async capabilities(signal?: Cancel): Promise<LiveCapabilities> {
    return this.run(signal, async () => this.lastCapabilities ?? { beforeLogin: [], afterLogin: [] });
  }

  /** The capabilities seen by the most recent connection of this store (commands or watch), if any connected yet. */
  get knownCapabilities(): LiveCapabilities | undefined {
    return this.lastCapabilities;
  }

  /**
   * Opens a second connection for the account, built exactly like the command connection (TLS, pins, the
   * credential provider, ID, the traffic tap under its own connection id), for an IdleWatcher to EXAMINE one
   * folder on and IDLE. QRESYNC (and with it CONDSTORE) is ENABLEd where offered; nothing else is. The caller
   * owns it: `close()` it. The store's idle timer does not apply to it.
   */
  async openWatchConnection(options: WatchConnectionOptions, signal?: Cancel): Promise<WatchConnection> {
    if (signal?.aborted) throw new MailError('cancelled');
    const opened = await this.openConnection(this.credentials, true, options);
    const { client, tap } = opened;
    if (signal?.aborted) {
      client.close();
      throw new MailError('cancelled');
    }
    return {
      client,
      connectionId: tap.id,
      capabilities: opened.capabilities,
      close: async () => {
        if (client.usable) await client.logout().catch(() => client.close());
        else client.close();
        tap.close('disconnected');
      },
    };
  }

  async fetchRaw(folderPath: string, messageId: string, signal?: Cancel): Promise<Buffer> {
    return this.fetchRawChecked(folderPath, messageId, undefined, signal);
  }

  private async fetchRawChecked(folderPath: string, messageId: string, uidValidity: number | undefined, signal?: Cancel): Promise<Buffer> {
    const uid = checkMessage(folderPath, messageId);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        checkGeneration(client, folderPath, uidValidity);
        const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!msg || !msg.source) throw new MailError('notFound', `Message UID ${uid} is no longer in ${folderPath}.`);
        return msg.source;
      } finally {
        lock.release();
      }
    });
  }

  /**
   * The message's BODYSTRUCTURE and size. `structure` is undefined when the message exists but its
   * BODYSTRUCTURE cannot be read: imapflow 2.10 drops a FETCH data item nested deeper than 100
   * parentheses (about 97 nested multiparts) and leaves out a row it cannot parse at all. Only a message
   * the server no longer has is 'notFound'; a parser's limit is not a missing message.
   */
  async fetchStructure(folderPath: string, messageId: string, signal?: Cancel): Promise<{ structure: unknown; size: number; uidValidity: number }> {
    return this.fetchStructureChecked(folderPath, messageId, undefined, signal);
  }

  private async fetchStructureChecked(folderPath: string, messageId: string, uidValidity: number | undefined, signal?: Cancel): Promise<{ structure: unknown; size: number; uidValidity: number }> {
    const uid = checkMessage(folderPath, messageId);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        const current = checkGeneration(client, folderPath, uidValidity);
        const msg = await client.fetchOne(String(uid), { uid: true, bodyStructure: true, size: true }, { uid: true });
        if (msg && msg.bodyStructure) return { structure: msg.bodyStructure, size: msg.size ?? 0, uidValidity: current };
        // Asked again without BODYSTRUCTURE (a reply that always parses): does the message still exist?
        const exists = msg || (await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true }));
        if (!exists) throw new MailError('notFound', `Message UID ${uid} is no longer in ${folderPath}.`);
        return { structure: undefined, size: exists.size ?? 0, uidValidity: current };
      } finally {
        lock.release();
      }
    });
  }

  async fetchPart(folderPath: string, messageId: string, section: string, signal?: Cancel): Promise<PartFetch> {
    return this.fetchPartChecked(folderPath, messageId, section, undefined, signal);
  }

  private async fetchPartChecked(folderPath: string, messageId: string, section: string, uidValidity: number | undefined, signal?: Cancel): Promise<PartFetch> {
    const uid = checkMessage(folderPath, messageId);
    if (!/^(\d+(\.\d+)*)?(\.?(MIME|HEADER|TEXT))?$/i.test(section) || section === '') throw new MailError('config', `"${section}" is not a MIME section.`);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        checkGeneration(client, folderPath, uidValidity);
        const before = this.tap?.counts.received ?? 0;
        const msg = await client.fetchOne(String(uid), { uid: true, bodyParts: [section] }, { uid: true });
        // imapflow files BODY[HEADER] under `headers`, every other section under `bodyParts`.
        const bytes = !msg ? undefined : section.toUpperCase() === 'HEADER' ? msg.headers : (msg.bodyParts?.get(section.toLowerCase()) ?? msg.bodyParts?.get(section));
        if (!bytes) throw new MailError('notFound', `Part ${section} of message UID ${uid} was not returned by the server.`);
        return { bytes, wireBytes: (this.tap?.counts.received ?? 0) - before };
      } finally {
        lock.release();
      }
    });
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    this.connecting = undefined;
    if (client && client.usable) {
      await client.logout().catch(() => client.close());
    } else {
      client?.close();
    }
    this.tap?.close('disconnected');
    this.tap = undefined;
  }

  /** Runs one operation on the shared connection, mapping failures to MailError and honouring cancellation. */
  private async run<T>(signal: Cancel | undefined, work: (client: ImapFlow) => Promise<T>, resendable = true): Promise<T> {
    if (signal?.aborted) throw new MailError('cancelled');
    clearTimeout(this.idleTimer);
    this.lastUse = Date.now();
    this.lastConnectionError = undefined;
    this.busy++;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        // Dropping the connection is the only way to stop an IMAP command in flight; the next call reconnects.
        this.dropConnection('cancelled by the user');
        reject(new MailError('cancelled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      // A connection kept from earlier may have died since (a server restart, the network): its command then
      // fails with "Connection not available" before the server saw it. Every operation of this store is
      // read-only, so it is sent once more on a fresh connection rather than reported as a failure (writes are not: `resendable`).
      const reused = this.client?.usable === true;
      const client = await Promise.race([this.connect(), aborted]);
      try {
        return await Promise.race([work(client), aborted]);
      } catch (error) {
        if (!resendable || !reused || signal?.aborted || MailError.is(error) || !isLostConnection(error)) throw error;
        // Another call may have connected again meanwhile: then its connection is used as it is.
        if (this.client === client) this.dropConnection('lost before the command was answered; connecting again');
        const fresh = await Promise.race([this.connect(), aborted]);
        return await Promise.race([work(fresh), aborted]);
      }
    } catch (error) {
      // A connection-level failure (a limit, a timeout) surfaces first as an 'error' event; the command
      // then fails with a generic "Connection not available" (NoConnection, no cause attached: imapflow
      // 2.10.2's emitError() then closeRequests()). Report the cause.
      const mapped = preferSpecific(MailError.is(error) ? error : fromNodeError(error, 'server'), this.lastConnectionError);
      this.lastConnectionError = undefined;
      if (!MailError.is(error) && !this.client?.usable) this.dropConnection(`failed: ${mapped.reason}`);
      throw mapped;
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      this.busy--;
      this.scheduleIdleClose();
    }
  }

  private scheduleIdleClose(): void {
    clearTimeout(this.idleTimer);
    if (this.busy > 0 || !this.client) return;
    // imapflow's socket timeout also runs while the connection is unused: 2.10.2 answers it with a NOOP
    // only while IDLE, a download or a mailbox lock is under way, and otherwise emits an ETIMEOUT error
    // and closes. We neither IDLE nor hold a lock between operations, so an unused connection is kept warm with a
    // NOOP before that timeout (the next click then costs no login and no EXAMINE), and closed politely (LOGOUT)
    // once it has not been used for idleCloseMs (5 minutes by default; the Accounts view closes every connection
    // sooner when it is hidden, see src/vscode/tree/liveView.ts).
    const closeAfter = this.options.idleCloseMs ?? 5 * 60_000;
    const keepalive = Math.floor(this.options.limits.socketTimeoutMs * 0.8);
    const left = closeAfter - (Date.now() - this.lastUse);
    this.idleTimer = setTimeout(() => this.idleTick(closeAfter), Math.max(0, Math.min(left, keepalive)));
    this.idleTimer.unref();
  }

  private idleTick(closeAfter: number): void {
    const client = this.client;
    if (Date.now() - this.lastUse >= closeAfter || !client?.usable) {
      void this.close();
      return;
    }
    if (this.busy > 0) return; // the operation under way schedules again when it ends
    this.busy++;
    void client
      .noop()
      .catch(() => undefined)
      .finally(() => {
        this.busy--;
        this.scheduleIdleClose();
      });
  }

  private dropConnection(reason: string): void {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    client?.close();
    this.tap?.close(reason);
    this.tap = undefined;
  }

  private connect(): Promise<ImapFlow> {
    if (this.client?.usable) return Promise.resolve(this.client);
    if (!this.connecting) {
      this.connecting = this.openConnection().then(
        ({ client }) => {
          this.client = client;
          // Only an attempt in flight is shared: once connected, a connection that closes later (a server
          // restart) must lead to a new attempt, not to this settled promise of the dead one.
          this.connecting = undefined;
          return client;
        },
        (error: unknown) => {
          this.connecting = undefined;
          throw error;
        },
      );
    }
    return this.connecting;
  }

  /**
   * `credentials` is the store's provider, except on the one retry after a connection that ended
   * while the password was being entered (a server or socket timeout): that retry uses the password
   * just given, so the user is not asked twice.
   * `watch` is set for a watch connection (openWatchConnection): it is not the store's shared connection, and
   * ENABLEs QRESYNC/CONDSTORE and restarts IDLE after `watch.maxIdleMs`.
   */
  private async openConnection(credentials: CredentialProvider = this.credentials, retry = true, watch?: WatchConnectionOptions): Promise<OpenedConnection> {
    const { account, options } = this;
    const limits = options.limits;
    // The caFile is read now, so an unreadable one fails before anything is connected.
    const trust = await certificateTrust(account, options.ca);
    const tap = this.traffic.open('imap');
    if (!watch) this.tap = tap;
    tap.info(`connecting to ${account.host}:${account.port} (${account.security === 'tls' ? 'TLS' : account.security === 'starttls' ? 'STARTTLS required' : 'unencrypted'})`);
    let preauth = false;
    let lastError: MailError | undefined;
    let password: Promise<string> | undefined;
    const flowOptions: ImapFlowOptions = {
      host: account.host,
      port: account.port,
      secure: account.security === 'tls',
      // STARTTLS means STARTTLS or nothing; "none" never tries it (the user chose cleartext knowingly).
      doSTARTTLS: account.security === 'starttls' ? true : account.security === 'none' ? false : undefined,
      // No password yet: ImapLoginAfterTls asks the credential provider once TLS is up (and trusted).
      auth: { user: account.user, ...(options.loginMethod ? { loginMethod: options.loginMethod } : {}) },
      // The sockets, tapped for the traffic log, and the certificate decision (CA, caFile, pin, allowInvalidCertificate)
      // inside the handshake.
      transport: imapTlsTransport(trust, tap, (greeting) => {
        clearTimeout(silence);
        // PREAUTH means "already logged in": STARTTLS is no longer possible, so stop before anything is sent.
        if (account.security === 'starttls' && /^\* PREAUTH/i.test(greeting.toString('latin1'))) {
          preauth = true;
          client.close();
        }
      }),
      logger: trafficLogger(tap),
      logRaw: false,
      // COMPRESS=DEFLATE would put deflated bytes on the socket, where the traffic is tapped: the log shows the wire.
      disableCompression: true,
      emitLogs: false,
      disableAutoIdle: true,
      disableAutoEnable: true,
      ...(watch ? { maxIdleTime: watch.maxIdleMs } : {}),
      connectionTimeout: limits.connectTimeoutMs,
      greetingTimeout: limits.greetingTimeoutMs,
      // imapflow keeps an idling connection alive by itself (a NOOP after socketTimeout of silence), but takes
      // silence outside IDLE for a dead server: a watch connection polling without IDLE waits pollMs between NOOPs.
      socketTimeout: watch?.pollMs !== undefined ? Math.max(limits.socketTimeoutMs, watch.pollMs + limits.socketTimeoutMs) : limits.socketTimeoutMs,
      maxLiteralSize: limits.maxLiteralBytes,
      maxLineLength: limits.maxLineBytes,
      maxResponseSize: limits.maxResponseBytes,
    };
    const client = new ImapLoginAfterTls(flowOptions, () => {
      password = passwordForLogin(credentials, account, (secret) => tap.addSecret(secret));
      return password;
    });
    applyClientId(client, options.clientId ?? { name: CLIENT_NAME });
    sendPlainInitialResponse(client);
    client.on('error', (err: unknown) => {
      lastError = fromNodeError(err);
      if (!watch) this.lastConnectionError = lastError;
      tap.info(`connection error: ${lastError.message}`);
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (this.tap === tap) this.tap = undefined;
      tap.close('connection closed');
    });
    // A plain-text connection that hears no greeting may have reached a port that waits for the client (TLS, a web
    // server): the port is probed on a connection of its own, and a wrong one is said at once instead of after the timeout.
    let wrongPort: MailError | undefined;
    const silence =
      account.security === 'tls'
        ? undefined
        : setTimeout(() => {
            void wrongPortOf(account).then((found) => {
              if (!found || preauth) return;
              wrongPort = found;
              client.close();
            });
          }, SILENCE_PROBE_MS);
    try {
      await client.connect();
      if (preauth) throw new Error('PREAUTH');
      frameLinesFast((client as unknown as { streamer?: unknown }).streamer);
    } catch (error) {
      clearTimeout(silence);
      client.close();
      tap.close('connection failed');
      if (preauth) throw new MailError('tls', 'The server greeted with PREAUTH, so STARTTLS is impossible; the connection was closed before anything was sent.');
      if (wrongPort) throw wrongPort;
      const mapped = preferSpecific(fromNodeError(error, 'server'), lastError);
      const explained = await wrongPortOf(account, mapped);
      if (explained) throw explained;
      if (password && mapped.reason === 'auth') this.credentials.invalidate(account);
      if (password && retry && (mapped.reason === 'timeout' || mapped.reason === 'network')) {
        // The connection may have timed out while the user was typing: once the password is there, connect again with it.
        const given = await password.catch(() => undefined);
        // Not when the operation was cancelled meanwhile (dropConnection() forgot this attempt).
        if (given !== undefined && (watch || this.connecting !== undefined)) return this.openConnection(fixedPassword(given), false, watch);
      }
      throw mapped;
    }
    clearTimeout(silence);
    if (account.security === 'starttls' && !client.secureConnection) {
      // e.g. a PREAUTH greeting: the session is authenticated before TLS could start.
      client.close();
      tap.close('refused: no TLS');
      throw new MailError('tls', 'The server did not upgrade the connection with STARTTLS; nothing was sent in clear.');
    }
    tap.info(`connected${client.secureConnection ? ' (TLS)' : ' (unencrypted)'}`);
    if (!watch && client.capabilities.has('CONDSTORE')) {
      // The command connection ENABLEs CONDSTORE alone (never QRESYNC, which would turn EXPUNGE into VANISHED): every
      // FETCH then carries MODSEQ, the value STORE UNCHANGEDSINCE sends so another client's change is not overwritten.
      try {
        await enableExtension(client, tap, 'CONDSTORE');
      } catch (error) {
        client.close();
        throw fromNodeError(error, 'server');
      }
    }
    if (watch) {
      try {
        await enableQresync(client, tap);
      } catch (error) {
        client.close();
        throw fromNodeError(error, 'server');
      }
    }
    const capabilities: LiveCapabilities = { beforeLogin: client.capabilitiesBeforeLogin, afterLogin: [...client.capabilities.keys()] };
    this.lastCapabilities = capabilities;
    return { client, tap, capabilities };
  }
}

/** What a read-only command gets (ImapStore.readOnly): the command connection, the EXAMINEd folder (if any), a traffic note. */
export interface ReadContext {
  readonly client: ImapFlow;
  /** imapflow's view of the EXAMINEd folder; undefined when none was asked for. */
  readonly mailbox: MailboxObject | undefined;
  /** A `--` line in the traffic channel, e.g. a search's count and the server's time. */
  readonly note: (text: string) => void;
}

/** What a write gets: the command connection, the folder it SELECTed read-write (if any), and a traffic note. */
export interface WriteContext {
  readonly client: ImapFlow;
  /** imapflow's view of the selected folder (path, uidValidity, permanentFlags, exists…); undefined for hierarchy commands. */
  readonly mailbox: MailboxObject | undefined;
  /** A `--` line in the traffic channel, e.g. why a step is taken. */
  readonly note: (text: string) => void;
}

interface OpenedConnection {
  client: ImapLoginAfterTls;
  tap: ConnectionTap;
  capabilities: LiveCapabilities;
}

/**
 * ENABLE QRESYNC (RFC 7162, which enables CONDSTORE too), or CONDSTORE alone, on a watch connection, only
 * where the server announces it. imapflow's own autoEnable would also ENABLE UTF8=ACCEPT and IMAP4rev2, which
 * change how the session talks; its `enable` command is internal, so it is reached through `run`, checked here.
 */
async function enableQresync(client: ImapFlow, tap: ConnectionTap): Promise<void> {
  const wanted = client.capabilities.has('QRESYNC') ? 'QRESYNC' : client.capabilities.has('CONDSTORE') ? 'CONDSTORE' : undefined;
  if (wanted) await enableExtension(client, tap, wanted);
}

async function enableExtension(client: ImapFlow, tap: ConnectionTap, extension: 'QRESYNC' | 'CONDSTORE'): Promise<void> {
  const internal = client as unknown as { run?: (command: string, ...args: unknown[]) => Promise<unknown> };
  if (typeof internal.run !== 'function') throw new Error('imapflow no longer has run(): enableExtension needs updating.');
  await internal.run('ENABLE', [extension]);
  if (!client.enabled.has(extension)) tap.info(`the server did not enable ${extension}`);
}

/**
 * The UIDs of the open folder below `beforeUid` (all when undefined), as ranges. ESEARCH answers with a
 * compact set ("1:100000" for a folder without gaps); a plain SEARCH lists every number.
 */
async function searchUids(client: ImapFlow, beforeUid: number | undefined): Promise<UidRange[]> {
  const query = beforeUid === undefined ? { all: true } : { uid: `1:${beforeUid - 1}` };
  const result = await client.search(query, { uid: true, returnOptions: ['ALL'] });
  if (result === false || result === undefined) throw new MailError('server', 'The server refused to list the folder\'s UIDs (UID SEARCH).');
  if (Array.isArray(result)) return rangesOf(result);
  return parseUidSet(result.all ?? '');
}

/** The open folder's UIDVALIDITY, checked against the generation the caller's ids belong to. */
function checkGeneration(client: ImapFlow, folderPath: string, expected: number | undefined): number {
  const current = client.mailbox ? Number(client.mailbox.uidValidity) : 0;
  if (expected !== undefined && current !== expected) {
    throw new MailError('notFound', `This message belonged to an earlier generation of the folder "${folderPath}" (UIDVALIDITY ${expected}; the folder now has ${current}), so it is not shown: the same UID may name another message now.`, undefined, {
      detail: { kind: 'staleGeneration', folder: folderPath, uidValidity: expected, current },
    });
  }
  return current;
}

function checkMessage(folderPath: string, messageId: string): number {
  checkFolderName(folderPath);
  const uid = Number(messageId);
  if (!Number.isInteger(uid) || uid < 1) throw new MailError('notFound', `"${messageId}" is not an IMAP UID.`);
  return uid;
}

/** A folder name with CR, LF or NUL could inject commands: refused before anything is sent. */
function checkFolderName(path: string): void {
  if (hasControlCharacters(path)) throw new MailError('config', 'The folder name contains a line break or NUL character.');
}

/** imapflow's error for a command on a connection that is gone (closed, reset, or ended by the server). */
function isLostConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'NoConnection' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** A generic network/protocol failure gives way to the more specific cause seen on the connection. */
function preferSpecific(error: MailError, cause: MailError | undefined): MailError {
  if (cause && (error.reason === 'network' || error.reason === 'server' || error.reason === 'protocol') && cause.reason !== error.reason) return cause;
  return error;
}
