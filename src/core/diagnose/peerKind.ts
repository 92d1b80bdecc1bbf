/**
 * What answers on a port, judged from the first bytes it sends (or the lack of them): the mail protocols,
 * the usual neighbours a wrong port number lands on (SMTP on 25/465/587, a web server), and TLS where plain
 * text was expected. Pure, so every case is unit-tested.
 */
export type PeerKind = 'imap' | 'pop3' | 'smtp' | 'http' | 'tls' | 'other';

/** The protocol that the first bytes a server sent belong to. */
export function peerKindOf(first: Buffer): PeerKind {
  // A TLS record: handshake (0x16) or alert (0x15), then version 3.x.
  if (first.length >= 2 && (first[0] === 0x16 || first[0] === 0x15) && first[1] === 0x03) return 'tls';
  const text = first.subarray(0, 512).toString('latin1');
  if (/^\* (?:OK|PREAUTH|BYE)\b/i.test(text)) return 'imap';
  if (/^(?:\+OK|-ERR)\b/.test(text)) return 'pop3';
  if (/^HTTP\/\d/i.test(text) || /^<(?:!DOCTYPE|html)/i.test(text)) return 'http';
  if (/^(?:220|421|554)[ -]/.test(text)) return 'smtp';
  return 'other';
}

/** The first line of what the server sent, for quoting (printable, at most 100 characters). */
export function quotedGreeting(first: Buffer): string {
  const line = first.toString('latin1').split(/\r?\n/)[0] ?? '';
  // eslint-disable-next-line no-control-regex -- control bytes are exactly what is replaced
  const printable = line.replace(/[\x00-\x1f\x7f-\xff]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}
