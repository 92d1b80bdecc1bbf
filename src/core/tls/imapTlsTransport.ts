import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ImapTransport, ImapTransportConnectOptions, ImapTransportOptions, ImapTransportSocket } from 'imapflow';
import { CertificateTrust, tlsConnectOptions, verifyPeer } from './certificateTrust';

/** Told once the server's certificate was accepted (for the traffic log), before the session may use the socket. */
export type OnTrusted = (note: string) => void;

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
 */
export function imapTlsTransport(trust: CertificateTrust, onTrusted: OnTrusted): ImapTransport {
  const secure = (socket: tls.TLSSocket, endpoint: { host: string; port: number }, ready: () => void): void => {
    socket.once('secureConnect', () => {
      const verdict = verifyPeer(socket, endpoint, trust);
      if (!verdict.accepted) {
        socket.destroy(verdict.error);
        return;
      }
      onTrusted(verdict.note);
      ready();
    });
  };
  return {
    connect(options: ImapTransportConnectOptions, onConnect: () => void): ImapTransportSocket {
      const { host, port } = options;
      if (!options.secure) return net.connect({ host, port }, onConnect);
      const socket = tls.connect({ ...tlsConnectOptions(host, trust), port });
      secure(socket, { host, port }, onConnect);
      return socket;
    },
    upgrade(plain: ImapTransportSocket, options: ImapTransportOptions, onSecure: () => void): ImapTransportSocket {
      const { host, port } = options;
      if (!(plain instanceof net.Socket)) throw new Error('STARTTLS needs the TCP socket this transport opened.');
      const socket = tls.connect({ ...tlsConnectOptions(host, trust), socket: plain });
      secure(socket, { host, port }, onSecure);
      return socket;
    },
  };
}
