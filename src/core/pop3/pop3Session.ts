import { connectedOrWrongPort } from '../diagnose/explainWrongPort';
import { AccountDefinition } from '../accounts/account';
import { CredentialProvider, passwordForLogin } from '../credentials/credentialProvider';
import { MailError } from '../errors';
import { SessionLimits } from '../mailStore';
import { certificateTrust } from '../tls/certificateTrust';
import { TrafficTap } from '../traffic/trafficTap';
import { chooseLogin, hasCapability, login, parseCapabilities } from './pop3Auth';
import { errReplyToMailError, Pop3ErrReply } from './pop3Errors';
import { Pop3Transport } from './pop3Transport';

export interface SessionOptions {
  limits: SessionLimits;
  /** Extra trusted CA (PEM), besides Node's own and the account's caFile. */
  ca?: Buffer;
  signal?: AbortSignal;
}

/** The CAPA replies a session read before logging in (see Pop3Session.capabilityLists). */
export interface Pop3CapabilityLists {
  readonly current: readonly string[] | undefined;
  readonly beforeTls: readonly string[] | undefined;
  /** The session was upgraded with STLS, so `current` was read over TLS and `beforeTls` in clear. */
  readonly afterStls: boolean;
}

/**
 * One logged-in POP3 session (RFC 1939 TRANSACTION state): typed commands over a Pop3Transport.
 * Sessions are short: open, a few commands, finish(). It never deletes anything unless dele() is
 * called, and finish() makes sure a failure after DELE is undone (RSET) or the connection is dropped
 * without QUIT, so that the server never reaches the UPDATE state with a deletion nobody confirmed.
 */
export class Pop3Session {
  /** The latest CAPA reply (after STLS, if any), or undefined when the server does not know CAPA. */
  private caps: string[] | undefined;
  /** The CAPA reply before STLS, kept for reports only (RFC 2595 §4: nothing is decided on it). */
  private capsBeforeTls: string[] | undefined;
  private upgraded = false;
  /** A DELE was accepted and not yet undone by RSET. */
  private marked = false;

  private constructor(private readonly transport: Pop3Transport, private readonly limits: SessionLimits) {}

  /**
   * Connects and logs in: greeting, CAPA, STLS and CAPA again when the account asks for STARTTLS (no
   * credentials are sent unless the upgrade succeeded), then SASL PLAIN, USER/PASS or APOP. The
   * password is asked of `credentials` only then, once the server was reached and TLS is up.
   */
  static async open(account: AccountDefinition, credentials: CredentialProvider, tap: TrafficTap, options: SessionOptions): Promise<Pop3Session> {
    const first = await Pop3Session.attempt(account, credentials, tap, options, undefined);
    if (first instanceof Pop3Session) return first;
    // The connection ended while the password was being entered (a timeout): once more, with that password.
    const second = await Pop3Session.attempt(account, credentials, tap, options, first.password);
    if (second instanceof Pop3Session) return second;
    throw second.error;
  }

  /** One connection; `known` is the password when this is the retry. Resolves with what a retry needs when the connection ended during the prompt. */
  private static async attempt(
    account: AccountDefinition,
    credentials: CredentialProvider,
    tap: TrafficTap,
    options: SessionOptions,
    known: string | undefined,
  ): Promise<Pop3Session | { password: string; error: MailError }> {
    const trust = await certificateTrust(account, options.ca); // an unreadable caFile fails before connecting
    const connectionTap = tap.open('pop3');
    const transport = new Pop3Transport({
      host: account.host,
      port: account.port,
      implicitTls: account.security === 'tls',
      trust,
      limits: options.limits,
      tap: connectionTap,
      signal: options.signal,
    });
    const session = new Pop3Session(transport, options.limits);
    try {
      await connectedOrWrongPort(transport.connect(), account, () => transport.close('closed: the port speaks something else'));
      session.caps = await session.capa();
      if (account.security === 'starttls') {
        if (!session.caps || !hasCapability(session.caps, 'STLS')) {
          throw new MailError('tls', 'The account asks for STARTTLS, but the server does not offer STLS; no credentials were sent.');
        }
        await session.stls();
        session.capsBeforeTls = session.caps;
        session.upgraded = true;
        session.caps = await session.capa(); // RFC 2595 §4: capabilities seen before TLS are forgotten
      }
      const method = chooseLogin(account.useApop, session.caps, transport.greeting);
      const learn = (secret: string): void => connectionTap.addSecret(secret);
      let password: string;
      if (known === undefined) {
        password = await passwordForLogin(credentials, account, learn);
        const ended = transport.failed;
        if (ended && (ended.reason === 'timeout' || ended.reason === 'network')) {
          await session.finish(false);
          return { password, error: ended };
        }
      } else {
        password = known;
        learn(password);
      }
      try {
        await login(transport, method, account.user, password, transport.greeting);
      } catch (err) {
        if (MailError.is(err, 'auth')) credentials.invalidate(account);
        throw err;
      }
      return session;
    } catch (err) {
      await session.finish(false);
      throw err;
    }
  }

  /** The capabilities from CAPA (before login), or undefined when the server does not support CAPA. */
  get capabilities(): readonly string[] | undefined {
    return this.caps;
  }

  /**
   * Both CAPA replies of this session: `beforeTls` is the one read in clear before STLS (only with
   * STARTTLS), `current` the one in force (after STLS, or the only one). Undefined where the server
   * answered CAPA with -ERR.
   */
  get capabilityLists(): Pop3CapabilityLists {
    return this.upgraded ? { current: this.caps, beforeTls: this.capsBeforeTls, afterStls: true } : { current: this.caps, beforeTls: undefined, afterStls: false };
  }

  /** The connection still works (no failure, not closed): a kept session may be used again. */
  get usable(): boolean {
    return this.transport.usable;
  }

  /** Whether the server may support an optional command: CAPA lists it, or there was no CAPA to ask. */
  supports(name: string): boolean {
    return this.caps === undefined || hasCapability(this.caps, name);
  }

  /** CAPA (RFC 2449); undefined when the server answers -ERR (it predates CAPA). */
  async capa(): Promise<string[] | undefined> {
    try {
      return parseCapabilities((await this.transport.multiline(this.limits.maxResponseBytes, 'CAPA')).body);
    } catch (err) {
      if (err instanceof Pop3ErrReply) return undefined;
      throw err;
    }
  }

  /** STAT: message count and total size in octets. */
  async stat(): Promise<{ count: number; size: number }> {
    const text = await this.simple('STAT', 'STAT');
    const m = /^(\d+)\s+(\d+)/.exec(text);
    if (!m) throw new MailError('protocol', `The server's reply to STAT is not "count size": ${text}`);
    return { count: Number(m[1]), size: Number(m[2]) };
  }

  /** UIDL of every message, by number; undefined when the server has no UIDL. */
  async uidlAll(): Promise<Map<number, string> | undefined> {
    if (!this.supports('UIDL')) return undefined;
    let body: Buffer;
    try {
      body = (await this.transport.multiline(this.limits.maxResponseBytes, 'UIDL')).body;
    } catch (err) {
      if (err instanceof Pop3ErrReply) return undefined;
      throw err;
    }
    return numberedLines(body, 'UIDL', /^(\d+)\s+([\x21-\x7e]{1,70})$/, (v) => v);
  }

  /** UIDL of message `n`; undefined when there is no such message or the server has no UIDL. */
  async uidlOne(n: number): Promise<string | undefined> {
    if (!this.supports('UIDL')) return undefined;
    try {
      const text = (await this.transport.simple('UIDL', n)).text;
      const m = /^(\d+)\s+([\x21-\x7e]{1,70})/.exec(text);
      return m && Number(m[1]) === n ? m[2] : undefined;
    } catch (err) {
      if (err instanceof Pop3ErrReply) return undefined;
      throw err;
    }
  }

  /** Size in octets of every message, by number. */
  async listAll(): Promise<Map<number, number>> {
    const body = await this.body('LIST', this.limits.maxResponseBytes, 'LIST');
    return numberedLines(body, 'LIST', /^(\d+)\s+(\d+)/, Number);
  }

  /** Size in octets of message `n`. */
  async listOne(n: number): Promise<number> {
    const text = await this.simple(`LIST ${n}`, 'LIST', n);
    const m = /^(\d+)\s+(\d+)/.exec(text);
    if (!m || Number(m[1]) !== n) throw new MailError('protocol', `The server's reply to LIST ${n} is not "${n} size": ${text}`);
    return Number(m[2]);
  }

  /** The header of message `n` (`TOP n 0`), bytes as sent. */
  top(n: number): Promise<Buffer> {
    return this.body(`TOP ${n} 0`, this.limits.maxResponseBytes, 'TOP', n, 0);
  }

  /** Message `n`, byte for byte; more than `limit` bytes fails with 'limit'. `size`: what `LIST n` said, where known (room is made for it). */
  retr(n: number, limit: number, size?: number): Promise<Buffer> {
    if (size !== undefined) this.transport.expectBody(size);
    return this.body(`RETR ${n}`, limit, 'RETR', n);
  }

  /** The server announced PIPELINING (RFC 2449 §6.6): a group of commands may go in one write. */
  get pipelining(): boolean {
    return this.caps !== undefined && hasCapability(this.caps, 'PIPELINING');
  }

  /**
   * `UIDL n` and `LIST n` for each of `numbers`: with PIPELINING all of them in one write (one round trip), else one
   * after the other. Undefined when the server has no UIDL or refuses a `UIDL n` (the caller takes the whole lists).
   */
  async uidlAndListEach(numbers: readonly number[]): Promise<{ uids: Map<number, string>; sizes: Map<number, number> } | undefined> {
    if (!this.supports('UIDL')) return undefined;
    const uids = new Map<number, string>();
    const sizes = new Map<number, number>();
    if (!this.pipelining) {
      for (const n of numbers) {
        const uid = await this.uidlOne(n);
        if (uid === undefined) return undefined;
        uids.set(n, uid);
        sizes.set(n, await this.listOne(n));
      }
      return { uids, sizes };
    }
    for (const group of groupsOf(numbers, PIPELINE_GROUP / 2)) {
      const replies = await this.transport.pipeline(group.flatMap((n) => [['UIDL', n], ['LIST', n]]));
      for (let i = 0; i < group.length; i++) {
        const n = group[i]!;
        const uidl = replies[2 * i]!;
        const list = replies[2 * i + 1]!;
        const u = uidl.ok ? /^(\d+)\s+([\x21-\x7e]{1,70})/.exec(uidl.text) : null;
        if (!u || Number(u[1]) !== n) return undefined;
        if (!list.ok) throw errReplyToMailError(list.text, 'command', 'LIST');
        const m = /^(\d+)\s+(\d+)/.exec(list.text);
        if (!m || Number(m[1]) !== n) throw new MailError('protocol', `The server's reply to LIST ${n} is not "${n} size": ${list.text}`);
        uids.set(n, u[2]!);
        sizes.set(n, Number(m[2]));
      }
    }
    return { uids, sizes };
  }

  /**
   * `TOP n 0` for each of `numbers`, in that order: with PIPELINING in one write, else one after the other. Each
   * entry is the header's bytes or the server's refusal of that message (a MailError 'server'); a lost connection
   * rejects the whole call.
   */
  async topEach(numbers: readonly number[]): Promise<(Buffer | MailError)[]> {
    const limit = this.limits.maxResponseBytes;
    if (!this.pipelining) {
      const out: (Buffer | MailError)[] = [];
      for (const n of numbers) {
        try {
          out.push(await this.top(n));
        } catch (err) {
          if (!MailError.is(err, 'server')) throw err;
          out.push(err);
        }
      }
      return out;
    }
    const out: (Buffer | MailError)[] = [];
    for (const group of groupsOf(numbers, PIPELINE_GROUP)) {
      const replies = await this.transport.pipeline(group.map((n) => ['TOP', n, 0]), limit);
      for (const reply of replies) out.push(reply.ok ? reply.body ?? Buffer.alloc(0) : errReplyToMailError(reply.text, 'command', 'TOP'));
    }
    return out;
  }

  /** Marks message `n` for deletion; the server deletes it only when QUIT succeeds. */
  async dele(n: number): Promise<void> {
    this.marked = true; // set before sending: a reply lost on the way still counts as a possible mark
    await this.simple(`DELE ${n}`, 'DELE', n);
  }

  /** Undoes every DELE of this session. */
  async rset(): Promise<void> {
    await this.simple('RSET', 'RSET');
    this.marked = false;
  }

  /**
   * Ends the session. With `succeeded`, QUIT commits the session (only DELE changes anything); a QUIT
   * that fails after a DELE is an error, otherwise QUIT's outcome does not matter. After a failure,
   * a DELE is undone with RSET before QUIT, and when RSET is impossible the connection is dropped
   * without QUIT, so nothing is deleted.
   */
  async finish(succeeded: boolean): Promise<void> {
    try {
      if (!succeeded && this.marked) await this.rset();
      const wasMarked = this.marked;
      try {
        await this.simple('QUIT', 'QUIT');
      } catch (err) {
        if (wasMarked) throw err;
      }
    } catch (err) {
      if (succeeded) throw err;
    } finally {
      this.transport.close();
    }
  }

  private async simple(what: string, ...args: (string | number)[]): Promise<string> {
    try {
      return (await this.transport.simple(...args)).text;
    } catch (err) {
      throw err instanceof Pop3ErrReply ? errReplyToMailError(err.text, 'command', what) : err;
    }
  }

  private async body(what: string, limit: number, ...args: (string | number)[]): Promise<Buffer> {
    try {
      return (await this.transport.multiline(limit, ...args)).body;
    } catch (err) {
      throw err instanceof Pop3ErrReply ? errReplyToMailError(err.text, 'command', what) : err;
    }
  }

  private async stls(): Promise<void> {
    try {
      await this.transport.simple('STLS');
    } catch (err) {
      throw err instanceof Pop3ErrReply ? errReplyToMailError(err.text, 'stls', 'STLS') : err;
    }
    await this.transport.startTls();
  }
}

/**
 * Commands per pipelined write. RFC 2449 lets a client send a whole group; a bound keeps one write (and the replies
 * waiting in the server's socket buffer) small, and a page of 50 still goes in one group.
 */
const PIPELINE_GROUP = 128;

function groupsOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Parses "n value" lines of a LIST or UIDL reply. */
function numberedLines<T>(body: Buffer, what: string, pattern: RegExp, convert: (value: string) => T): Map<number, T> {
  const result = new Map<number, T>();
  for (const line of body.toString('latin1').split('\r\n')) {
    if (line.trim() === '') continue;
    const m = pattern.exec(line.trim());
    if (!m) throw new MailError('protocol', `The server's ${what} reply has a line that is not "number value": ${JSON.stringify(line.slice(0, 80))}`);
    result.set(Number(m[1]), convert(m[2] ?? ''));
  }
  return result;
}
