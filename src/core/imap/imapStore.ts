import { ImapFlow, type FetchMessageObject, type ImapFlowOptions } from 'imapflow';
import { AccountDefinition, hasControlCharacters } from '../accounts/account';
import { fromNodeError, MailError } from '../errors';
import { Cancel, FolderInfo, MailStore, MessagePage, MessageSummary, PartFetch, PartialFetcher, SessionLimits } from '../mailStore';
import { pageRange } from '../paging';
import { ConnectionTap, TrafficTap } from '../traffic/trafficTap';
import { sortFolders, toFolderInfo } from './folderMapping';
import { trafficLogger } from './trafficLogger';

export interface ImapStoreOptions {
  limits: SessionLimits;
  /** Extra trusted CA certificates (PEM). When absent, Node's own trust store applies. */
  ca?: Buffer;
  /** Force a login method (tests use it to exercise LOGIN and AUTHENTICATE PLAIN). */
  loginMethod?: 'LOGIN' | 'AUTH=PLAIN';
  /** Close the connection after this long without use (ms). */
  idleCloseMs?: number;
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
  private busy = 0;
  private lastConnectionError: MailError | undefined;

  constructor(
    readonly account: AccountDefinition,
    private readonly password: string,
    private readonly traffic: TrafficTap,
    private readonly options: ImapStoreOptions,
  ) {
    if (account.protocol !== 'imap') throw new MailError('config', 'ImapStore needs an IMAP account.');
  }

  async listFolders(signal?: Cancel): Promise<FolderInfo[]> {
    return this.run(signal, async (client) => {
      const entries = await client.list({ statusQuery: { messages: true, unseen: true } });
      return sortFolders(entries.map(toFolderInfo));
    });
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
        const range = pageRange(total, offset, pageSize);
        if (!range) return { total, messages: [], nextOffset: undefined };
        const messages: MessageSummary[] = [];
        for await (const msg of client.fetch(`${range.from}:${range.to}`, { uid: true, flags: true, envelope: true, size: true })) {
          messages.push(toSummary(msg));
        }
        messages.sort((a, b) => b.seq - a.seq);
        return { total, messages, nextOffset: range.nextOffset };
      } finally {
        lock.release();
      }
    });
  }

  async fetchRaw(folderPath: string, messageId: string, signal?: Cancel): Promise<Buffer> {
    const uid = checkMessage(folderPath, messageId);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
        if (!msg || !msg.source) throw new MailError('notFound', `Message UID ${uid} is no longer in ${folderPath}.`);
        return msg.source;
      } finally {
        lock.release();
      }
    });
  }

  async fetchStructure(folderPath: string, messageId: string, signal?: Cancel): Promise<{ structure: unknown; size: number }> {
    const uid = checkMessage(folderPath, messageId);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
        const msg = await client.fetchOne(String(uid), { uid: true, bodyStructure: true, size: true }, { uid: true });
        if (!msg || !msg.bodyStructure) throw new MailError('notFound', `Message UID ${uid} is no longer in ${folderPath}.`);
        return { structure: msg.bodyStructure, size: msg.size ?? 0 };
      } finally {
        lock.release();
      }
    });
  }

  async fetchPart(folderPath: string, messageId: string, section: string, signal?: Cancel): Promise<PartFetch> {
    const uid = checkMessage(folderPath, messageId);
    if (!/^(\d+(\.\d+)*)?(\.?(MIME|HEADER|TEXT))?$/i.test(section) || section === '') throw new MailError('config', `"${section}" is not a MIME section.`);
    return this.run(signal, async (client) => {
      const lock = await client.getMailboxLock(folderPath, { readOnly: true });
      try {
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
  private async run<T>(signal: Cancel | undefined, work: (client: ImapFlow) => Promise<T>): Promise<T> {
    if (signal?.aborted) throw new MailError('cancelled');
    clearTimeout(this.idleTimer);
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
      const client = await Promise.race([this.connect(), aborted]);
      return await Promise.race([work(client), aborted]);
    } catch (error) {
      // A connection-level failure (a limit, a timeout) surfaces first as an 'error' event; the command
      // then fails with a generic "connection not available". Report the cause.
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
    // imapflow's socket timeout also runs while idle (we do not IDLE), so an unused connection is closed
    // politely (LOGOUT) before that timeout would tear it down with an error.
    const idle = Math.min(this.options.idleCloseMs ?? 5 * 60_000, Math.floor(this.options.limits.socketTimeoutMs * 0.8));
    this.idleTimer = setTimeout(() => void this.close(), idle);
    this.idleTimer.unref();
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
        (client) => {
          this.client = client;
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

  private async openConnection(): Promise<ImapFlow> {
    const { account, options } = this;
    const limits = options.limits;
    const tap = this.traffic.open('imap', [this.password]);
    this.tap = tap;
    tap.info(`connecting to ${account.host}:${account.port} (${account.security === 'tls' ? 'TLS' : account.security === 'starttls' ? 'STARTTLS required' : 'unencrypted'})`);
    let preauth = false;
    let lastError: MailError | undefined;
    const flowOptions: ImapFlowOptions = {
      host: account.host,
      port: account.port,
      secure: account.security === 'tls',
      // STARTTLS means STARTTLS or nothing; "none" never tries it (the user chose cleartext knowingly).
      doSTARTTLS: account.security === 'starttls' ? true : account.security === 'none' ? false : undefined,
      auth: { user: account.user, pass: this.password, ...(options.loginMethod ? { loginMethod: options.loginMethod } : {}) },
      tls: {
        rejectUnauthorized: !account.allowInvalidCertificate,
        minVersion: 'TLSv1.2',
        ...(options.ca ? { ca: options.ca } : {}),
        ...(/^[\d.]+$|:/.test(account.host) ? {} : { servername: account.host }),
      },
      logger: trafficLogger(tap, (greeting) => {
        // PREAUTH means "already logged in": STARTTLS is no longer possible, so stop before anything is sent.
        if (account.security === 'starttls' && /^\* PREAUTH/i.test(greeting.toString('latin1'))) {
          preauth = true;
          client.close();
        }
      }),
      logRaw: true,
      emitLogs: false,
      disableAutoIdle: true,
      disableAutoEnable: true,
      connectionTimeout: limits.connectTimeoutMs,
      greetingTimeout: limits.greetingTimeoutMs,
      socketTimeout: limits.socketTimeoutMs,
      maxLiteralSize: limits.maxLiteralBytes,
      maxLineLength: limits.maxLineBytes,
      maxResponseSize: limits.maxResponseBytes,
      clientInfo: { name: 'Mail Inspector' },
    };
    const client = new ImapFlow(flowOptions);
    client.on('error', (err: unknown) => {
      lastError = fromNodeError(err);
      this.lastConnectionError = lastError;
      tap.info(`connection error: ${lastError.message}`);
    });
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (this.tap === tap) {
        tap.close('connection closed');
        this.tap = undefined;
      }
    });
    try {
      await client.connect();
      if (preauth) throw new Error('PREAUTH');
    } catch (error) {
      client.close();
      tap.close('connection failed');
      if (preauth) throw new MailError('tls', 'The server greeted with PREAUTH, so STARTTLS is impossible; the connection was closed before anything was sent.');
      throw preferSpecific(fromNodeError(error, 'server'), lastError);
    }
    if (account.security === 'starttls' && !client.secureConnection) {
      // e.g. a PREAUTH greeting: the session is authenticated before TLS could start.
      client.close();
      tap.close('refused: no TLS');
      throw new MailError('tls', 'The server did not upgrade the connection with STARTTLS; nothing was sent in clear.');
    }
    tap.info(`connected${client.secureConnection ? ' (TLS)' : ' (unencrypted)'}`);
    return client;
  }
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

/** A generic network/protocol failure gives way to the more specific cause seen on the connection. */
function preferSpecific(error: MailError, cause: MailError | undefined): MailError {
  if (cause && (error.reason === 'network' || error.reason === 'server' || error.reason === 'protocol') && cause.reason !== error.reason) return cause;
  return error;
}

function toSummary(msg: FetchMessageObject): MessageSummary {
  const env = msg.envelope;
  const addresses = (list: { name?: string; address?: string }[] | undefined) =>
    (list ?? []).map((a) => ({ name: a.name ?? '', address: a.address ?? '' }));
  const date = env?.date ? new Date(env.date) : undefined;
  return {
    id: String(msg.uid),
    seq: msg.seq,
    subject: env?.subject ?? '',
    from: addresses(env?.from),
    to: addresses(env?.to),
    date: date && !Number.isNaN(date.getTime()) ? date : undefined,
    messageId: env?.messageId,
    size: msg.size ?? 0,
    flags: msg.flags ? [...msg.flags] : [],
  };
}
