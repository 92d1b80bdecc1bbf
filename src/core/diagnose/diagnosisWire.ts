import * as net from 'node:net';
import * as tls from 'node:tls';
import { fromNodeError, MailError } from '../errors';
import { CertificateTrust, PeerVerdict, tlsConnectOptions, verifyPeer } from '../tls/certificateTrust';
import type { ConnectionTap } from '../traffic/trafficTap';
import { TlsFacts, tlsFacts } from './tlsFacts';

export interface WireEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte; otherwise upgrade() after STARTTLS/STLS. */
  readonly implicitTls: boolean;
  /** Bound of the connect, of the handshake and of every read. */
  readonly timeoutMs: number;
  /** Bytes of one line kept (a longer line is cut, the rest still read): a server cannot make us hold more. */
  readonly maxLineBytes: number;
}

/** What the TLS handshake showed, and whether the target's trust rules accept it (a password is sent only then). */
export interface WireTls {
  readonly facts: TlsFacts;
  readonly verdict: PeerVerdict;
}

/**
 * The diagnosis's own connection: a socket read line by line (and byte by byte for literals), every byte
 * through the traffic tap when there is one. Unlike the sessions it does not refuse an untrusted
 * certificate at the handshake: the diagnosis wants to describe it, and to read what the server offers
 * before login (which sends nothing secret). The verdict is kept; the conversation sends no password unless
 * the verdict accepted the certificate.
 */
export class DiagnosisWire {
  private socket: net.Socket;
  private buffer: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: MailError | undefined;
  private closed = false;
  /** Secrets sent on this connection: scrubbed from every line read back (a server that echoes one). */
  private readonly secrets: string[] = [];
  /** The TLS of the connection, once secured. */
  tls: WireTls | undefined;

  private constructor(
    socket: net.Socket,
    private readonly endpoint: WireEndpoint,
    private readonly trust: CertificateTrust,
    private readonly tap: ConnectionTap | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.socket = socket;
    this.attach(socket);
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Connects (and for implicit TLS completes the handshake) within the timeout. */
  static async open(endpoint: WireEndpoint, trust: CertificateTrust, tap: ConnectionTap | undefined, signal?: AbortSignal): Promise<DiagnosisWire> {
    if (signal?.aborted) throw cancelled();
    tap?.info(`connecting to ${endpoint.host}:${endpoint.port}${endpoint.implicitTls ? ' (TLS)' : ''} for a diagnosis`);
    const socket = endpoint.implicitTls ? tls.connect({ ...tlsConnectOptions(endpoint.host, trust), port: endpoint.port }) : net.connect({ host: endpoint.host, port: endpoint.port });
    await settle(socket, endpoint.implicitTls ? 'secureConnect' : 'connect', endpoint.timeoutMs, `No connection to ${endpoint.host}:${endpoint.port}`, signal, endpoint.implicitTls ? 'tls' : 'network');
    const wire = new DiagnosisWire(socket, endpoint, trust, tap, signal);
    if (socket instanceof tls.TLSSocket) wire.noteTls(socket);
    else tap?.info('connected');
    return wire;
  }

  /** Bytes to the server (the tap masks credentials; `secret` is scrubbed from the tap's lines as well). */
  send(line: string, secret?: string): void {
    if (secret) this.addSecret(secret);
    const bytes = Buffer.from(`${line}\r\n`, 'utf8');
    this.tap?.client(bytes);
    if (!this.closed) this.socket.write(bytes);
  }

  /** From now on `secret` is scrubbed from the tap's lines and from every line read back. */
  addSecret(secret: string): void {
    this.tap?.addSecret(secret);
    if (!this.secrets.includes(secret)) this.secrets.push(secret);
  }

  /** The next line from the server, without its line end (cut at maxLineBytes). */
  async readLine(): Promise<string> {
    for (;;) {
      const lf = this.buffer.indexOf(0x0a);
      if (lf !== -1) {
        const line = this.buffer.subarray(0, lf);
        this.buffer = this.buffer.subarray(lf + 1);
        let text = line.subarray(0, this.endpoint.maxLineBytes).toString('utf8').replace(/\r$/, '');
        for (const secret of this.secrets) if (secret.length >= 3) text = text.split(secret).join('***');
        return text;
      }
      if (this.buffer.length > this.endpoint.maxLineBytes * 2) this.buffer = Buffer.concat([this.buffer.subarray(0, this.endpoint.maxLineBytes), this.buffer.subarray(-1)]);
      await this.more();
    }
  }

  /** Exactly `count` bytes (an IMAP literal); at most maxLineBytes of them are kept. */
  async readBytes(count: number): Promise<Buffer> {
    const kept: Buffer[] = [];
    let left = count;
    let keptBytes = 0;
    while (left > 0) {
      if (this.buffer.length === 0) await this.more();
      const take = Math.min(left, this.buffer.length);
      if (keptBytes < this.endpoint.maxLineBytes) kept.push(this.buffer.subarray(0, Math.min(take, this.endpoint.maxLineBytes - keptBytes)));
      keptBytes += take;
      this.buffer = this.buffer.subarray(take);
      left -= take;
    }
    return Buffer.concat(kept);
  }

  /**
   * STARTTLS/STLS was accepted: the handshake on this socket. Bytes the server sent in clear after its "yes" are
   * dropped (they must never count as part of the TLS session).
   */
  async upgrade(): Promise<WireTls> {
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('close', this.onClose);
    plain.off('error', this.onError);
    plain.on('error', () => undefined);
    this.buffer = Buffer.alloc(0);
    const socket = tls.connect({ ...tlsConnectOptions(this.endpoint.host, this.trust), socket: plain });
    this.socket = socket;
    await settle(socket, 'secureConnect', this.endpoint.timeoutMs, 'The TLS handshake did not finish', this.signal, 'tls');
    this.attach(socket);
    return this.noteTls(socket);
  }

  close(reason = 'closed'): void {
    if (this.closed) return;
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.socket.destroy();
    this.tap?.close(reason);
    this.wake();
  }

  private noteTls(socket: tls.TLSSocket): WireTls {
    const facts = tlsFacts(socket, this.endpoint.host);
    const verdict = verifyPeer(socket, this.endpoint, this.trust);
    this.tap?.info(`TLS established (${facts.protocol}, ${facts.cipher}); ${verdict.accepted ? verdict.note : 'certificate not trusted: nothing secret will be sent'}`);
    this.tls = { facts, verdict };
    return this.tls;
  }

  private more(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new MailError('network', 'The server closed the connection.'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        const error = new MailError('timeout', `The server did not answer within ${this.endpoint.timeoutMs} ms.`);
        this.fail(error);
        reject(error);
      }, this.endpoint.timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = undefined;
        if (this.failure) reject(this.failure);
        else if (this.closed && this.buffer.length === 0) reject(new MailError('network', 'The server closed the connection.'));
        else resolve();
      };
    });
  }

  private attach(socket: net.Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  private wake(): void {
    this.waiter?.();
  }

  private fail(error: MailError): void {
    this.failure ??= error;
    this.close('closed after failure');
  }

  private readonly onData = (chunk: Buffer): void => {
    this.tap?.server(chunk);
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    this.wake();
  };

  private readonly onClose = (): void => this.close('closed by the server');

  private readonly onError = (error: Error): void => this.fail(fromNodeError(error, 'network'));

  private readonly onAbort = (): void => this.fail(cancelled());
}

function cancelled(): MailError {
  return new MailError('cancelled', 'The diagnosis was cancelled.');
}

/** Waits for `event` on a connecting socket, or fails it (timeout, error, cancel) and destroys it. */
function settle(socket: net.Socket, event: 'connect' | 'secureConnect', ms: number, what: string, signal: AbortSignal | undefined, kind: 'tls' | 'network'): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (error?: MailError): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      socket.off(event, ok);
      socket.off('error', failed);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve();
    };
    const ok = (): void => done();
    const failed = (error: Error): void => done(fromNodeError(error, kind));
    const abort = (): void => done(cancelled());
    const timer = setTimeout(() => done(new MailError('timeout', `${what} within ${ms} ms.`)), ms);
    socket.once(event, ok);
    socket.once('error', failed);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
