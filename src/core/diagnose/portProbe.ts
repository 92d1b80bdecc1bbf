import * as net from 'node:net';
import * as tls from 'node:tls';
import { PeerKind, peerKindOf, quotedGreeting } from './peerKind';
import { PortFinding } from './wrongPort';

export interface ProbeOptions {
  /** How long to wait for each answer (the greeting, the reply to one harmless line, the TLS handshake). */
  readonly waitMs: number;
  /** The protocol the account expects: its harmless line is what a silent port is sent (IMAP CAPABILITY, POP3 CAPA). */
  readonly protocol: 'imap' | 'pop3';
}

/**
 * Looks at what a port speaks, on connections of its own (never the session's): first in plain text (the
 * greeting, or, from a port that stays silent, the answer to one harmless line), then, unless the plain text
 * already named a protocol, with a TLS handshake that accepts any certificate (nothing is sent inside it, and
 * no credential is ever sent by a probe). Bounded: at most three waits of `waitMs` plus the connects.
 */
export async function probePort(host: string, port: number, options: ProbeOptions): Promise<PortFinding> {
  const plain = await plainProbe(host, port, options);
  if (plain.kind && plain.kind !== 'tls' && plain.kind !== 'other') return { plain: plain.kind, ...(plain.greeting ? { greeting: plain.greeting } : {}) };
  const secure = await tlsProbe(host, port, options.waitMs);
  return {
    ...(plain.kind ? { plain: plain.kind } : {}),
    ...(plain.greeting && plain.kind !== 'tls' ? { greeting: plain.greeting } : {}),
    tls: secure.handshake,
    ...(secure.kind ? { inTls: secure.kind } : {}),
  };
}

interface Heard {
  kind?: PeerKind;
  greeting?: string;
}

function plainProbe(host: string, port: number, options: ProbeOptions): Promise<Heard> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let nudged = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (heard: Heard): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(heard);
    };
    const wait = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        if (nudged) return done({});
        // Silent: a web server or a TLS server waits for the client. One harmless line makes either answer.
        nudged = true;
        socket.write(options.protocol === 'imap' ? 'A1 CAPABILITY\r\n' : 'CAPA\r\n');
        wait();
      }, options.waitMs);
    };
    socket.once('connect', wait);
    socket.once('data', (first: Buffer) => done({ kind: peerKindOf(first), greeting: quotedGreeting(first) }));
    // A TLS server often closes (or resets) on plain text instead of sending an alert.
    socket.once('close', () => done(nudged ? { kind: 'tls' } : {}));
    socket.once('error', () => done({}));
  });
}

function tlsProbe(host: string, port: number, waitMs: number): Promise<{ handshake: boolean; kind?: PeerKind }> {
  return new Promise((resolve) => {
    let secured = false;
    let timer: NodeJS.Timeout | undefined;
    // The certificate is not judged here: the probe only asks whether TLS is spoken, and sends nothing inside it.
    const socket = tls.connect({ host, port, rejectUnauthorized: false, ...(net.isIP(host) ? {} : { servername: host }) });
    const done = (kind?: PeerKind): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ handshake: secured, ...(kind ? { kind } : {}) });
    };
    timer = setTimeout(() => done(), waitMs * 2);
    socket.once('secureConnect', () => {
      secured = true;
      clearTimeout(timer);
      timer = setTimeout(() => done(), waitMs);
    });
    socket.once('data', (first: Buffer) => done(peerKindOf(first)));
    socket.once('error', () => done());
    socket.once('close', () => done());
  });
}
