import * as net from 'node:net';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import * as tls from 'node:tls';
import Pop3Command from 'node-pop3';
import { hasControlCharacters } from '../accounts/account';
import { fromNodeError, MailError } from '../errors';
import { SessionLimits } from '../mailStore';
import { CertificateTrust, tlsConnectOptions, verifyPeer } from '../tls/certificateTrust';
import { ConnectionTap } from '../traffic/trafficTap';
import { BodyCollector } from './bodyCollector';
import { errReplyToMailError, Pop3ErrReply } from './pop3Errors';
import { Pop3Reply, Pop3ReplyReader } from './replyReader';

export interface TransportOptions {
  host: string;
  port: number;
  /** POP3S (995): TLS from the first byte. STLS upgrades later through startTls(). */
  implicitTls: boolean;
  /** Which certificates to accept (extra CAs, a pinned fingerprint, invalid ones); judged right after each handshake. */
  trust: CertificateTrust;
  limits: SessionLimits;
  tap: ConnectionTap;
  signal?: AbortSignal;
}

/** A reply with its multi-line body, byte for byte (dot-unstuffing undone, CRLF and 8-bit bytes kept). */
export interface MultilineReply {
  readonly text: string;
  readonly body: Buffer;
}

/** The answer to one command of a pipelined group: +OK with its text (and body, for multi-line replies) or -ERR. */
export type PipelinedReply = { readonly ok: true; readonly text: string; readonly body?: Buffer } | { readonly ok: false; readonly text: string };

interface PipelineGroup {
  readonly expected: number;
  readonly limit: number | undefined;
  readonly replies: PipelinedReply[];
  /** The body of the multi-line reply being read, and its status text. */
  body: Buffer[] | undefined;
  bodyText?: string | undefined;
  resolve(replies: PipelinedReply[]): void;
  reject(err: MailError): void;
}

/**
 * One POP3 connection, built on node-pop3's Pop3Connection (reached through Pop3Command, the only class
 * the package exports).
 *
 * What is node-pop3's and used as is: the connection state (`_socket`, `_stream`, host/port/tls
 * fields), its `command()` (which serialises commands behind an unfinished multi-line reply and turns
 * the 'response' / 'error' events into a promise of `[text, stream]`), and `_updateStream()` /
 * `_endStream()` for the body stream.
 *
 * What is overridden, and why: `connect()` — node-pop3 installs its reply parser inside it, and that
 * parser expects every TCP read to start with a status line, ends a body only when a read ends in
 * CRLF.CRLF (issue #36), does not undo dot-stuffing, has no CAPA, no connect or greeting timeout, and
 * leaves a command hanging when the socket times out or closes. Ours reads through Pop3ReplyReader,
 * passes every byte to the traffic tap, and fails every pending promise with a MailError. `command()`
 * — to show the command in the traffic tap first (node-pop3 has no traffic hook). `_connect()` —
 * Pop3Command's verbs (UIDL(), RETR() …) log in with USER/PASS by themselves and decode bodies to
 * UTF-8; they are not used, and calling one fails instead of sending a password. Added: STLS
 * (startTls), byte-exact multi-line replies (multiline), SASL continuations (simple), close().
 * That is most of the connection class; what remains of node-pop3 is the command/response plumbing.
 */
export class Pop3Transport extends Pop3Command {
  private readonly opts: TransportOptions;
  private readonly tap: ConnectionTap;
  private reader: Pop3ReplyReader;
  private greetingText: string | undefined;
  /** Limit for the body of the next +OK reply, when the command just sent has a multi-line reply. */
  private bodyLimit: number | undefined;
  /** The size announced for the next multi-line body (expectBody), if any. */
  private bodyExpected: number | undefined;
  private awaitingReply = false;
  private lastKind: Pop3Reply['kind'] = 'ok';
  private readonly bodies = new WeakMap<Readable, Promise<Buffer>>();
  /** When this turn of the event loop started reading (yieldIfLong), or undefined between turns. */
  private sliceStart: number | undefined;
  private failure: MailError | undefined;
  private closed = false;
  private handshaking = false;
  /** The promise connect() or startTls() is waiting on. */
  private pending: { resolve: () => void; reject: (err: MailError) => void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly onAbort = (): void => this.fail(new MailError('cancelled'));
  /** The pipelined group whose replies are being read (pipeline()), in order. */
  private group: PipelineGroup | undefined;

  constructor(opts: TransportOptions) {
    super({
      user: '',
      password: '', // never given to node-pop3: logging in is ours (see _connect)
      host: opts.host,
      port: opts.port,
      tls: opts.implicitTls,
      timeout: opts.limits.socketTimeoutMs,
      servername: net.isIP(opts.host) === 0 ? opts.host : undefined,
    });
    this.opts = opts;
    this.tap = opts.tap;
    this.reader = this.newReader();
  }

  /** Why the connection ended, once it failed (a timeout, the server closing it …); undefined while it works. */
  get failed(): MailError | undefined {
    return this.failure;
  }

  /** Connected and not failed or closed: commands can be sent. */
  get usable(): boolean {
    return !this.failure && !this.closed && this._socket !== null && !this._socket.destroyed;
  }

  /** The greeting's text (after "+OK"), once connected. */
  get greeting(): string {
    return this.greetingText ?? '';
  }

  /** Connects (TLS first for POP3S) and waits for the +OK greeting, within the connect and greeting timeouts. */
  override connect(): Promise<void> {
    const { host, port, limits, signal } = this.opts;
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      if (signal?.aborted) return this.fail(new MailError('cancelled'));
      signal?.addEventListener('abort', this.onAbort, { once: true });
      this.tap.info(`connecting to ${host}:${port}${this.tls ? ' (TLS)' : ''}`);
      this.arm(limits.connectTimeoutMs, `No connection to ${host}:${port} within ${limits.connectTimeoutMs} ms.`);
      const connected = (): void => {
        this.arm(limits.greetingTimeoutMs, `The server sent no greeting within ${limits.greetingTimeoutMs} ms.`);
      };
      if (this.tls) {
        this.handshaking = true;
        // TLS makes its own TCP connection: handed a socket not yet connected, Node would wrap it in a JavaScript
        // stream (JSStreamSocket) and pass every byte through JavaScript twice (a 25 MB RETR: ~30 ms more, in long stretches).
        const secure = tls.connect({ ...this.tlsOptionsFor(), host, port });
        secure.once('secureConnect', () => {
          this.secured(secure);
          connected();
        });
        this.attach(secure);
        return;
      }
      const socket = new net.Socket();
      socket.once('connect', () => {
        this.tap.info('connected');
        connected();
      });
      this.attach(socket);
      socket.connect({ host, port });
    });
  }

  /** Upgrades to TLS after the server answered +OK to STLS. */
  startTls(): Promise<void> {
    const plain = this._socket;
    if (!plain || plain instanceof tls.TLSSocket) return Promise.reject(this.failure ?? new MailError('tls', 'STLS needs a plain connection.'));
    return new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.detach(plain);
      // Nothing the server sent in clear may be read as part of the TLS session (STARTTLS command
      // injection): whole lines after "+OK" already failed as unsolicited; a partial line is dropped.
      this.reader = this.newReader();
      this.handshaking = true;
      this.arm(this.opts.limits.connectTimeoutMs, `The TLS handshake did not finish within ${this.opts.limits.connectTimeoutMs} ms.`);
      const secure = tls.connect({ ...this.tlsOptionsFor(), socket: plain });
      secure.once('secureConnect', () => this.secured(secure));
      this.attach(secure);
    });
  }

  /** Sends one command; resolves with the reply's text (after "+OK"), rejects with Pop3ErrReply on -ERR. */
  override async command(...args: (string | number)[]): Promise<[string, Readable]> {
    if (this.failure) throw this.failure;
    if (!this._socket) throw new MailError('network', 'The connection is closed.');
    const line = args.join(' ').trim();
    if (hasControlCharacters(line)) throw new MailError('config', 'A POP3 command may not contain a line break or NUL character.');
    this.awaitingReply = true;
    this.tap.client(Buffer.from(`${line}\r\n`, 'utf8'));
    try {
      return await super.command(...args);
    } catch (err) {
      // node-pop3 leaves its 'response' listener behind when the reply is -ERR; commands are serial, so drop it.
      this.removeAllListeners('response');
      if (err instanceof Pop3ErrReply) throw err;
      throw this.failure ?? fromNodeError(err, 'network');
    }
  }

  /** A single-line command; the reply is +OK or, during SASL, a "+ " continuation. */
  async simple(...args: (string | number)[]): Promise<Pop3Reply> {
    this.bodyLimit = undefined;
    this.bodyExpected = undefined;
    const [text] = await this.command(...args);
    return { kind: this.lastKind, text };
  }

  /** The next multi-line reply's body is announced as `bytes` long (RETR after `LIST n`): room is made for it at once (bodyCollector.ts). */
  expectBody(bytes: number): void {
    this.bodyExpected = bytes;
  }

  /** A command whose +OK reply is multi-line; the body may hold at most `limit` bytes. */
  async multiline(limit: number, ...args: (string | number)[]): Promise<MultilineReply> {
    this.bodyLimit = limit;
    if (this.bodyExpected !== undefined) this.bodyExpected = Math.min(this.bodyExpected, limit);
    this.tap.expectMultiline();
    const [text, stream] = await this.command(...args);
    const body = this.bodies.get(stream);
    if (!body) throw new MailError('protocol', `The server's reply to ${String(args[0])} has no body.`);
    return { text, body: await body };
  }

  /**
   * A group of commands sent in one write (RFC 2449 PIPELINING: only where CAPA says so; the caller decides), their
   * replies read in order. Either every command has a single-line reply (`multilineLimit` undefined) or every one a
   * multi-line reply of at most `multilineLimit` bytes: the traffic tap is told of multi-line replies in order, which
   * stays exact only when a group does not mix the two. A -ERR reply is that command's answer, not a failure of the
   * group; the connection failing rejects the whole group.
   */
  async pipeline(commands: readonly (readonly (string | number)[])[], multilineLimit?: number): Promise<PipelinedReply[]> {
    if (this.failure) throw this.failure;
    if (!this._socket) throw new MailError('network', 'The connection is closed.');
    if (this.busy()) throw new MailError('protocol', 'A pipelined group was sent while a reply was still awaited.');
    if (commands.length === 0) return [];
    const lines = commands.map((args) => args.join(' ').trim());
    if (lines.some(hasControlCharacters)) throw new MailError('config', 'A POP3 command may not contain a line break or NUL character.');
    const bytes = Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'utf8');
    return new Promise<PipelinedReply[]>((resolve, reject) => {
      this.group = { expected: lines.length, limit: multilineLimit, replies: [], body: undefined, resolve, reject };
      if (multilineLimit !== undefined) for (let i = 0; i < lines.length; i++) this.tap.expectMultiline();
      this.tap.client(bytes);
      this._socket!.write(bytes);
    });
  }

  /**
   * Closes the connection now, without QUIT (which never deletes anything: POP3 only updates on
   * QUIT). Anything still waiting for the server fails with 'cancelled'.
   */
  close(reason = 'closed'): void {
    if (this.closed) return;
    if (!this.failure && this.busy()) return this.fail(new MailError('cancelled', 'The connection was closed while a reply was awaited.'));
    this.closed = true;
    this.disarm();
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    this._socket?.destroy();
    this._socket = null;
    this.tap.close(reason);
  }

  /** Pop3Command's own verbs would log in with USER/PASS on their own: refused (see the class comment). */
  override _connect(): Promise<string> {
    return Promise.reject(new MailError('protocol', 'Pop3Transport does not log in by itself; use Pop3Session.'));
  }

  /** node-pop3's body stream, with an error listener so that a failure never goes unhandled. */
  override _updateStream(): Readable {
    const stream = super._updateStream();
    const collected = new BodyCollector(this.bodyExpected);
    this.bodyExpected = undefined;
    const body = new Promise<Buffer>((resolve, reject) => {
      stream.on('data', (chunk: Buffer) => collected.push(chunk));
      stream.on('end', () => resolve(collected.bytes()));
      stream.on('error', () => reject(this.failure ?? new MailError('network')));
    });
    body.catch(() => undefined); // awaited by multiline(); this only keeps Node from calling it unhandled
    this.bodies.set(stream, body);
    return stream;
  }

  private newReader(): Pop3ReplyReader {
    return new Pop3ReplyReader(
      {
        status: (reply) => this.onStatus(reply),
        body: (bytes) => (this.group?.body ? this.group.body.push(bytes) : this._stream?.push(bytes)),
        end: () => (this.group?.body ? this.groupReply({ ok: true, text: this.group.bodyText ?? '', body: Buffer.concat(this.group.body) }) : this._endStream()),
      },
      this.opts.limits.maxLineBytes,
    );
  }

  private onStatus(reply: Pop3Reply): number | undefined {
    if (this.greetingText === undefined) {
      this.disarm();
      if (reply.kind === 'ok') {
        this.greetingText = reply.text;
        if (!this.handshaking) this.settle(); // POP3S: secured() settles, once the certificate is accepted
      } else if (reply.kind === 'err') {
        this.fail(errReplyToMailError(reply.text, 'greeting', 'greeting'));
      } else {
        this.fail(new MailError('protocol', 'The server greeted with a continuation line.'));
      }
      return undefined;
    }
    if (this.group) return this.groupStatus(this.group, reply);
    if (!this.awaitingReply) {
      // Unsolicited: a server closing an idle session says -ERR first; anything else (for instance
      // plaintext injected after "+OK" to STLS) is not to be trusted.
      this.fail(reply.kind === 'err' ? new MailError('network', `The server ended the session: ${reply.text}`, reply.text) : new MailError('protocol', 'The server sent a reply nobody asked for.'));
      return undefined;
    }
    this.awaitingReply = false;
    this.lastKind = reply.kind;
    const limit = this.bodyLimit;
    this.bodyLimit = undefined;
    if (reply.kind === 'err') {
      if (this.listenerCount('error') > 0) this.emit('error', new Pop3ErrReply(reply.text));
      return undefined;
    }
    if (reply.kind === 'ok' && limit !== undefined) {
      this.emit('response', reply.text, this._updateStream());
      return limit;
    }
    this.emit('response', reply.text, null);
    return undefined;
  }

  /** A status line of a pipelined group: the next command's answer (a body follows a multi-line +OK). */
  private groupStatus(group: PipelineGroup, reply: Pop3Reply): number | undefined {
    if (reply.kind === 'continue') {
      this.fail(new MailError('protocol', 'The server answered a pipelined command with a continuation line.'));
      return undefined;
    }
    if (reply.kind === 'ok' && group.limit !== undefined) {
      group.body = [];
      group.bodyText = reply.text;
      return group.limit;
    }
    this.groupReply(reply.kind === 'ok' ? { ok: true, text: reply.text } : { ok: false, text: reply.text });
    return undefined;
  }

  private groupReply(reply: PipelinedReply): void {
    const group = this.group;
    if (!group) return;
    group.body = undefined;
    group.bodyText = undefined;
    group.replies.push(reply);
    if (group.replies.length < group.expected) return;
    this.group = undefined;
    group.resolve(group.replies);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.sliceStart === undefined) {
      this.sliceStart = performance.now();
      setImmediate(() => (this.sliceStart = undefined));
    }
    this.tap.server(chunk);
    try {
      this.reader.push(chunk);
    } catch (err) {
      this.fail(MailError.is(err) ? err : new MailError('protocol', String(err), undefined, { cause: err }));
    }
    this.yieldIfLong();
  };

  /**
   * One read of the socket can hand over a megabyte and more in one go (Node decrypts all that TLS has, chunk after
   * chunk, in one turn of the event loop): a 25 MB RETR paused the extension host for 40–50 ms at a time on the
   * bench machine (issue 15). After SLICE_MS of such chunks the socket is paused until the next turn, so timers
   * and input get in between; nothing is lost (what was read waits in the socket's buffer).
   */
  private yieldIfLong(): void {
    const socket = this._socket;
    if (this.sliceStart === undefined || !socket || socket.isPaused() || performance.now() - this.sliceStart < SLICE_MS) return;
    socket.pause();
    setImmediate(() => {
      if (this._socket === socket && !socket.destroyed) socket.resume();
    });
  }

  private readonly onError = (err: Error): void => {
    this.fail(fromNodeError(err, this.handshaking ? 'tls' : 'network'));
  };

  private readonly onClose = (): void => {
    if (this.busy()) this.fail(new MailError('network', 'The server closed the connection.'));
    else this.close('closed by the server');
  };

  private readonly onIdle = (): void => {
    this.fail(new MailError('timeout', `The server did not answer within ${this.opts.limits.socketTimeoutMs} ms.`));
  };

  private attach(socket: net.Socket): void {
    this._socket = socket;
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.setTimeout(this.opts.limits.socketTimeoutMs, this.onIdle);
  }

  private detach(socket: net.Socket): void {
    socket.off('data', this.onData);
    socket.off('error', this.onError);
    socket.off('close', this.onClose);
    socket.off('timeout', this.onIdle);
    socket.setTimeout(0);
    socket.on('error', () => undefined); // from now on its errors reach us through the TLS socket
  }

  /** Something is waiting for the server: connect/STLS, a reply, or the rest of a body. */
  private busy(): boolean {
    return this.pending !== undefined || this.awaitingReply || this._stream !== null || this.group !== undefined;
  }

  private secured(secure: tls.TLSSocket): void {
    this.handshaking = false;
    this.disarm();
    const cipher = secure.getCipher();
    this.tap.info(`TLS established (${secure.getProtocol() ?? 'unknown protocol'}, ${cipher.name})`);
    // Node verified without rejecting (see tlsConnectOptions); the decision is here, before a command is sent.
    const verdict = verifyPeer(secure, { host: this.opts.host, port: this.opts.port }, this.opts.trust);
    if (!verdict.accepted) return this.fail(verdict.error);
    this.tap.info(verdict.note);
    if (this.greetingText !== undefined) this.settle(); // STLS: done; POP3S: the greeting settles connect()
  }

  private tlsOptionsFor(): tls.ConnectionOptions {
    return tlsConnectOptions(this.opts.host, this.opts.trust);
  }

  private arm(ms: number, message: string): void {
    this.disarm();
    this.timer = setTimeout(() => this.fail(new MailError('timeout', message)), ms);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private settle(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  }

  /** Ends the connection with `err`: every pending promise (connect, command, body) rejects with it. */
  private fail(err: MailError): void {
    if (this.failure || this.closed) return;
    this.failure = err;
    this.tap.info(`failed: ${err.message}`);
    const stream = this._stream;
    this._stream = null;
    stream?.destroy(err);
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(err);
    const group = this.group;
    this.group = undefined;
    group?.reject(err);
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.close('closed after failure');
  }
}

/** The longest the transport reads in one turn of the event loop before it lets the loop go round (yieldIfLong). */
const SLICE_MS = 10;
