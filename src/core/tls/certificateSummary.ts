import { createHash, X509Certificate } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';

/** What a person needs to decide whether to trust a server certificate (the leaf the server presented). */
export interface CertificateSummary {
  /** e.g. "CN=mail.example.com, O=Example". */
  readonly subject: string;
  readonly issuer: string;
  /** DNS names and addresses the certificate is issued for, e.g. "DNS:localhost, IP Address:127.0.0.1". */
  readonly altNames: string | undefined;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** SHA-256 of the DER bytes, as a pin: "sha256/AB:CD:…" (32 upper-case hex pairs). */
  readonly fingerprint: string;
  /** Issuer and subject are the same: nobody vouches for it but the server itself. */
  readonly selfSigned: boolean;
}

const PIN_PREFIX = 'sha256/';

/** The pin of DER certificate bytes: "sha256/" and the SHA-256 digest as colon-separated upper-case hex. */
export function fingerprintOf(der: Buffer): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return PIN_PREFIX + (hex.match(/../g) ?? []).join(':');
}

/**
 * Reads a pin as a person may write it ("sha256/ab:cd…", "AB CD …", 64 hex digits) into the form
 * fingerprintOf() gives; undefined when it is not a SHA-256 fingerprint.
 */
export function normalizePin(value: string): string | undefined {
  const body = value.trim().replace(/^sha-?256[/:]?/i, '');
  const hex = body.replace(/[\s:]/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  return PIN_PREFIX + (hex.toUpperCase().match(/../g) ?? []).join(':');
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name) return '';
  // Node gives each attribute once, or an array when it repeats; keep the usual order CN first.
  const order = ['CN', 'O', 'OU', 'L', 'ST', 'C'];
  const keys = Object.keys(name).sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  return keys
    .flatMap((key) => {
      const value = (name as unknown as Record<string, string | string[] | undefined>)[key];
      return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => `${key}=${v}`);
    })
    .join(', ');
}

/** Summary of the certificate a TLS server presented (`socket.getPeerCertificate()`). */
export function summarizeCertificate(cert: PeerCertificate): CertificateSummary {
  const subject = distinguishedName(cert.subject);
  const issuer = distinguishedName(cert.issuer);
  let selfSigned = subject === issuer;
  try {
    // Same names are a strong hint; the certificate's own check is the answer.
    const x509 = new X509Certificate(cert.raw);
    selfSigned = x509.checkIssued(x509) && x509.verify(x509.publicKey);
  } catch {
    // keep the name comparison
  }
  return {
    subject,
    issuer,
    altNames: cert.subjectaltname || undefined,
    validFrom: new Date(cert.valid_from),
    validTo: new Date(cert.valid_to),
    fingerprint: fingerprintOf(cert.raw),
    selfSigned,
  };
}

/** The summary as lines for a dialog or a log: subject, issuer, names, validity, fingerprint. */
export function describeCertificate(summary: CertificateSummary): string[] {
  const day = (d: Date): string => (Number.isNaN(d.getTime()) ? 'unknown' : d.toISOString().slice(0, 10));
  return [
    `Issued to: ${summary.subject || '(no subject)'}`,
    `Issued by: ${summary.selfSigned ? 'itself (self-signed)' : summary.issuer || '(no issuer)'}`,
    ...(summary.altNames ? [`Names: ${summary.altNames}`] : []),
    `Valid: ${day(summary.validFrom)} to ${day(summary.validTo)}`,
    `SHA-256 fingerprint: ${summary.fingerprint.slice(PIN_PREFIX.length)}`,
  ];
}
