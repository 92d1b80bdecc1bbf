import { AccountDefinition } from '../accounts/account';
import { MailError } from '../errors';
import { PeerKind } from './peerKind';

/** What a probe of the port found (portProbe.ts). */
export interface PortFinding {
  /** What the port sent in plain text (after a harmless line, for servers that wait for the client). */
  readonly plain?: PeerKind;
  /** The first line the port sent in plain text, as quoted. */
  readonly greeting?: string;
  /** A TLS handshake on the port completed (whatever the certificate). */
  readonly tls?: boolean;
  /** What the port sent inside TLS, when the handshake completed. */
  readonly inTls?: PeerKind;
}

const PROTOCOL_NAMES: Record<PeerKind, string> = {
  imap: 'IMAP',
  pop3: 'POP3',
  smtp: 'SMTP (a mail sending server)',
  http: 'HTTP (a web server)',
  tls: 'TLS',
  other: 'something else',
};

/** The usual ports of each protocol: with STARTTLS/STLS, and with TLS from the first byte. */
const PORTS = { imap: { starttls: 143, tls: 993 }, pop3: { starttls: 110, tls: 995 } } as const;

type Expected = Pick<AccountDefinition, 'protocol' | 'security' | 'port'>;

/**
 * The plain explanation of a connection that cannot work because the port speaks something else, or speaks it
 * with or without TLS unlike the account; undefined when the finding fits the account (the trouble is elsewhere).
 */
export function wrongPortError(expected: Expected, finding: PortFinding): MailError | undefined {
  const name = expected.protocol === 'imap' ? 'IMAP' : 'POP3';
  const ports = PORTS[expected.protocol];
  const usual = `${name} is usually on port ${ports.starttls} (STARTTLS) or ${ports.tls} (TLS)`;
  const quote = finding.greeting ? ` (it sent "${finding.greeting}")` : '';
  if (expected.security === 'tls') {
    // TLS was expected from the first byte.
    if (finding.tls) {
      if (finding.inTls && finding.inTls !== expected.protocol && finding.inTls !== 'other') {
        return new MailError('wrongPort', `Port ${expected.port} speaks ${PROTOCOL_NAMES[finding.inTls]} over TLS, not ${name}. ${usual}.`);
      }
      return undefined;
    }
    if (finding.plain === expected.protocol) {
      return new MailError('wrongPort', `Port ${expected.port} speaks ${name} without TLS${quote}, so a TLS connection fails there: choose STARTTLS for this port, or TLS on port ${ports.tls}.`);
    }
    if (finding.plain && finding.plain !== 'tls' && finding.plain !== 'other') {
      return new MailError('wrongPort', `Port ${expected.port} speaks ${PROTOCOL_NAMES[finding.plain]}${quote}, not ${name} over TLS. ${usual}.`);
    }
    return undefined;
  }
  // Plain text first (STARTTLS/STLS or none).
  if (finding.plain === expected.protocol) return undefined;
  if (finding.plain === 'tls' || (finding.plain === undefined && finding.tls)) {
    const inside = finding.inTls === expected.protocol || finding.inTls === undefined ? '' : ` (and inside TLS it speaks ${PROTOCOL_NAMES[finding.inTls]})`;
    return new MailError('wrongPort', `Port ${expected.port} expects TLS from the first byte${inside}: choose TLS for this account${expected.port === ports.tls ? '' : `, or port ${ports.starttls} for STARTTLS`}.`);
  }
  if (finding.plain && finding.plain !== 'other') {
    return new MailError('wrongPort', `Port ${expected.port} speaks ${PROTOCOL_NAMES[finding.plain]}${quote}, not ${name}. ${usual}.`);
  }
  return undefined;
}
