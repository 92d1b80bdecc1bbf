import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ImapTransport, ImapTransportConnectOptions, ImapTransportOptions, ImapTransportSocket } from 'imapflow';
import { CertificateTrust, tlsConnectOptions, verifyPeer } from './certificateTrust';

/** Where the transport reports: the bytes of the session both ways (protocol bytes, inside TLS) and notes. A ConnectionTap. */
export interface TransportTap {
  client(bytes: Buffer): void;
  server(bytes: Buffer): void;
  info(note: string): void;
}

/** Told the first bytes the server sent (the greeting), before imapflow reads them. */
export type OnFirstRead = (bytes: Buffer) => void;

/**
 * The socket layer for imapflow: plain `net` and `tls`, as imapflow itself would use, but the
 * certificate is judged by verifyPeer() inside the handshake callback, before imapflow is told the
 * connection (implicit TLS) or the STARTTLS upgrade is up. A certificate that is refused destroys the
 * socket with the MailError, which imapflow hands back from connect(); so nothing of the session, and
 * never a credential, passes over a connection that is not trusted.
 *
 * Why a transport: imapflow 2.10.2 merges its `tls` option into the options of `tls.connect()` for
 * implicit TLS (connect()) and for STARTTLS (upgradeToSTARTTLS()), but offers no hook between the
 * handshake and its own use of the socket; with `rejectUnauthorized` Node drops the certificate
 * before it can be shown or pinned, and `checkServerIdentity` is not called when the chain fails
 * (a self-signed certificate). The `transport` option receives exactly those two calls.
 *
 * It is also where the traffic is tapped, as POP3's is: every byte imapflow writes and every byte the
 * socket reads, as they cross (see tapSocket), so the log shows LOGIN and AUTHENTICATE as sent (masked
 * by the tap) and counts them; and the TLS note comes exactly where the handshake happens.
 */
export function imapTlsTransport(trust: CertificateTrust, tap: TransportTap, onFirstRead?: OnFirstRead): ImapTransport {
  const reads = { first: onFirstRead };
  const secure = (socket: tls.TLSSocket, endpoint: { host: string; port: number }, ready: () => void): void => {
    socket.once('secureConnect', () => {
      const cipher = socket.getCipher();
      tap.info(`TLS established (${socket.getProtocol() ?? 'unknown protocol'}, ${cipher.name})`);
      const verdict = verifyPeer(socket, endpoint, trust);
      if (!verdict.accepted) {
        socket.destroy(verdict.error);
        return;
      }
      tap.info(verdict.note);
      ready();
    });
  };
  let untapPlain: (() => void) | undefined;
  return {
    connect(options: ImapTransportConnectOptions, onConnect: () => void): ImapTransportSocket {
      const { host, port } = options;
      if (!options.secure) {
        const socket = net.connect({ host, port }, onConnect);
        untapPlain = tapSocket(socket, tap, reads);
        return socket;
      }
      const socket = tls.connect({ ...tlsConnectOptions(host, trust), port });
      tapSocket(socket, tap, reads);
      secure(socket, { host, port }, onConnect);
      return socket;
    },
    upgrade(plain: ImapTransportSocket, options: ImapTransportOptions, onSecure: () => void): ImapTransportSocket {
      const { host, port } = options;
      if (!(plain instanceof net.Socket)) throw new Error('STARTTLS needs the TCP socket this transport opened.');
      // From here the plain socket carries TLS records: the protocol bytes are the TLS socket's.
      untapPlain?.();
      const socket = tls.connect({ ...tlsConnectOptions(host, trust), socket: plain });
      tapSocket(socket, tap, reads);
      secure(socket, { host, port }, onSecure);
      return socket;
    },
  };
}

type Push = (chunk: unknown, encoding?: BufferEncoding) => boolean;
type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

const asBuffer = (chunk: unknown, encoding: unknown): Buffer | undefined =>
  Buffer.isBuffer(chunk) ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk) : typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8') : undefined;

/**
 * Taps a socket without changing how it flows: its own `push` (where Node hands every read to the
 * stream, in flowing mode or not) and `write` (every write imapflow makes) report the bytes first,
 * then do what they always do. A 'data' listener would not do: added before imapflow pipes the socket,
 * it would start the flow and the greeting could be read by nobody else. Returns a function that stops
 * the tap (the STARTTLS upgrade, after which the plain socket carries TLS records).
 */
function tapSocket(socket: net.Socket, tap: TransportTap, reads: { first: OnFirstRead | undefined }): () => void {
  let tapping = true;
  const target = socket as unknown as { push: Push; write: Write };
  const push = target.push;
  const write = target.write;
  target.push = function (this: unknown, chunk: unknown, encoding?: BufferEncoding): boolean {
    const bytes = tapping && chunk !== null ? asBuffer(chunk, encoding) : undefined;
    if (bytes && bytes.length > 0) {
      tap.server(bytes);
      const first = reads.first;
      reads.first = undefined;
      first?.(bytes); // may close the connection: the push below is then ignored (the socket is destroyed)
    }
    return push.call(this, chunk, encoding);
  };
  target.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const bytes = tapping ? asBuffer(chunk, rest[0]) : undefined;
    if (bytes && bytes.length > 0) tap.client(bytes);
    return write.call(this, chunk, ...rest);
  };
  return () => {
    tapping = false;
  };
}
