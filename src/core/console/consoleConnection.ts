import * as net from 'node:net';
import * as tls from 'node:tls';
import { fromNodeError, MailError } from '../errors';
import { CertificateTrust, tlsConnectOptions, verifyPeer } from '../tls/certificateTrust';
import { ConnectionTap } from '../traffic/trafficTap';

export interface ConsoleEndpoint {
  readonly host: string;
  readonly port: number;
  /** TLS from the first byte (IMAPS, POP3S); STARTTLS/STLS upgrade later through upgrade(). */
  readonly implicitTls: boolean;
  readonly connectTimeoutMs: number;
}

export interface ConnectionHandlers {
  /** Bytes from the server (already handed to the tap). */
  data(chunk: Buffer): void;
  /** The connection ended: by close(), by the server, or with an error. Called once. */
  closed(error: MailError | undefined): void;
}

/**
 * The protocol console's own connection: a plain TCP or TLS socket that moves bytes, nothing more (no
 * protocol library reads it, so what the user types is what is sent). Every byte goes through the
 * account's traffic tap. TLS is judged as for the sessions: Node verifies without rejecting and
 * verifyPeer() decides right after the handshake, before a byte of the session is read or written.
 */
export class ConsoleConnection {
  private socket: net.Socket | undefined;
  private ended = false;
  private upgrading = false;
  private trust: CertificateTrust | undefined;

  constructor(
    private readonly endpoint: ConsoleEndpoint,
    private readonly tap: ConnectionTap,
    private readonly handlers: ConnectionHandlers,
  ) {}

  get secure(): boolean {
    return this.socket instanceof tls.TLSSocket;
  }

  get open(): boolean {
    return this.socket !== undefined && !this.ended;
  }

  /**
   * Connects (and, for implicit TLS, negotiates and judges the certificate) within the connect timeout.
   * `trust` (the account's certificate rules, its caFile read just now) also judges a later upgrade().
   */
  connect(trust: CertificateTrust): Promise<void> {
    this.trust = trust;
    const { host, port, implicitTls } = this.endpoint;
    this.tap.info(`connecting to ${host}:${port}${implicitTls ? ' (TLS)' : ''} for the protocol console`);
    return this.within(`No connection to ${host}:${port}`, (resolve, reject) => {
      if (implicitTls) {
        const socket = tls.connect({ ...tlsConnectOptions(host, trust), port });
        this.secure_(socket, trust, resolve, reject);
        this.attach(socket, reject);
      } else {
        const socket = net.connect({ host, port }, () => {
          this.tap.info('connected');
          resolve();
        });
        this.attach(socket, reject);
      }
    });
  }

  /**
   * STARTTLS/STLS: the server said yes; from now on only the TLS socket is read. Bytes the server sent in
   * clear after its "yes" are the caller's to drop (they must never count as part of the TLS session).
   */
  upgrade(): Promise<void> {
    const plain = this.socket;
    const trust = this.trust;
    if (!plain || !trust || this.ended || plain instanceof tls.TLSSocket) return Promise.reject(new MailError('tls', 'STARTTLS needs an open connection without TLS.'));
    this.upgrading = true;
    plain.off('data', this.onData);
    plain.off('close', this.onClose);
    plain.off('error', this.onError);
    plain.on('error', () => undefined); // its errors reach us through the TLS socket from now on
    return this.within('The TLS handshake did not finish', (resolve, reject) => {
      const socket = tls.connect({ ...tlsConnectOptions(this.endpoint.host, trust), socket: plain });
      this.secure_(
        socket,
        trust,
        () => {
          this.upgrading = false;
          resolve();
        },
        reject,
      );
      this.attach(socket, reject);
    });
  }

  /** Bytes to the server (to the tap first). Ignored once the connection ended. */
  write(bytes: Buffer): void {
    if (!this.socket || this.ended || this.upgrading) return;
    this.tap.client(bytes);
    this.socket.write(bytes);
  }

  /** Closes the socket now (the caller says LOGOUT/QUIT first when it can). */
  close(reason = 'closed'): void {
    this.end(undefined, reason);
  }

  private within(what: string, start: (resolve: () => void, reject: (error: MailError) => void) => void): Promise<void> {
    const ms = this.endpoint.connectTimeoutMs;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new MailError('timeout', `${what} within ${ms} ms.`);
        reject(error);
        this.end(error);
      }, ms);
      start(
        () => {
          clearTimeout(timer);
          resolve();
        },
        (error) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  private secure_(socket: tls.TLSSocket, trust: CertificateTrust, resolve: () => void, reject: (error: MailError) => void): void {
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher();
      this.tap.info(`TLS established (${socket.getProtocol() ?? 'unknown protocol'}, ${cipher.name})`);
      const verdict = verifyPeer(socket, this.endpoint, trust);
      if (!verdict.accepted) {
        reject(verdict.error);
        this.end(verdict.error);
        return;
      }
      this.tap.info(verdict.note);
      resolve();
    });
  }

  private attach(socket: net.Socket, reject: (error: MailError) => void): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
    // Before the connection is up, a failure rejects connect()/upgrade() too.
    socket.once('error', (err) => reject(fromNodeError(err, this.upgrading || socket instanceof tls.TLSSocket ? 'tls' : 'network')));
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ended) return;
    this.tap.server(chunk);
    this.handlers.data(chunk);
  };

  private readonly onClose = (): void => this.end(undefined, 'closed by the server');

  private readonly onError = (err: Error): void => this.end(fromNodeError(err, 'network'));

  private end(error: MailError | undefined, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    this.socket?.destroy();
    if (error) this.tap.info(`failed: ${error.message}`);
    this.tap.close(reason ?? (error ? 'closed after failure' : 'closed'));
    this.handlers.closed(error);
  }
}
