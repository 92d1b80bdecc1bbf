import { generateKeyPairSync } from 'node:crypto';
import { sealMessage } from 'mailauth/lib/arc';
import { dkimSign } from 'mailauth/lib/dkim/sign';
import type { DnsRecord } from './dnsServer';

// Signed test messages: keys generated in the test (RSA and Ed25519), their DKIM key records for the local
// DNS server, and messages signed (DKIM) or sealed (ARC) with mailauth's signer.

export interface SigningKey {
  readonly domain: string;
  readonly selector: string;
  readonly algorithm: 'rsa-sha256' | 'ed25519-sha256';
  readonly privateKey: string;
  /** The key record's text, e.g. "v=DKIM1; k=rsa; p=MIIB…". */
  readonly record: string;
}

export function rsaKey(domain: string, selector: string, bits = 2048): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const p = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return { domain, selector, algorithm: 'rsa-sha256', privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), record: `v=DKIM1; k=rsa; p=${p}` };
}

/** RFC 8463: the record's p= is the raw 32-byte public key, not its SPKI wrapping. */
export function ed25519Key(domain: string, selector: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const p = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64');
  return { domain, selector, algorithm: 'ed25519-sha256', privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), record: `v=DKIM1; k=ed25519; p=${p}` };
}

/** The key's record at selector._domainkey.domain, named relative to `origin`; `extra` goes in front (e.g. "t=y; "). */
export function keyRecord(key: SigningKey, origin: string, extra = ''): DnsRecord {
  return { name: relative(`${key.selector}._domainkey.${key.domain}`, origin), type: 'TXT', value: `${extra}${key.record}` };
}

/** A name relative to a zone's origin ("@" for the origin itself). */
export function relative(name: string, origin: string): string {
  if (name === origin) return '@';
  if (!name.endsWith(`.${origin}`)) throw new Error(`${name} is not in the zone ${origin}`);
  return name.slice(0, -origin.length - 1);
}

export interface TestMessage {
  from: string;
  to?: string;
  subject?: string;
  returnPath?: string;
  /** Received fields, topmost first. */
  received?: string[];
  /** Other header lines, as written ("Name: value"). */
  headers?: string[];
  body?: string;
}

/** A message with CRLF line ends. */
export function testMessage(m: TestMessage): Buffer {
  const lines = [
    ...(m.returnPath !== undefined ? [`Return-Path: <${m.returnPath}>`] : []),
    ...(m.received ?? []).map((r) => `Received: ${r}`),
    ...(m.headers ?? []),
    `From: ${m.from}`,
    `To: ${m.to ?? 'bob@receiver.test'}`,
    `Subject: ${m.subject ?? 'Signed test message'}`,
    'Date: Mon, 01 Jun 2026 10:00:00 +0000',
    'Message-ID: <signed-1@example.test>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body ?? 'Hello,\r\nthis message is signed.\r\n',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** The message with a DKIM-Signature prepended (below any Return-Path and Received fields is not needed: verifiers ignore order). */
export async function signMessage(raw: Buffer, key: SigningKey, options: { canonicalization?: string; headerList?: string[]; expires?: Date; signTime?: Date } = {}): Promise<Buffer> {
  const { signatures, errors } = await dkimSign(raw, {
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey, algorithm: key.algorithm, canonicalization: options.canonicalization ?? 'relaxed/relaxed' }],
    ...(options.headerList ? { headerList: options.headerList } : {}),
    ...(options.expires ? { expires: options.expires } : {}),
    ...(options.signTime ? { signTime: options.signTime } : {}),
  });
  if (errors.length > 0) throw new Error(`signing failed: ${JSON.stringify(errors)}`);
  return Buffer.concat([Buffer.from(signatures), raw]);
}

/** The message with one more ARC set (and optionally a Received field above it), as a forwarding hop adds. */
export async function arcSealMessage(raw: Buffer, key: SigningKey, authResults: string, cv: 'none' | 'pass' | 'fail'): Promise<Buffer> {
  const headers = await sealMessage(raw, { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey, algorithm: key.algorithm, authResults, cv });
  return Buffer.concat([headers, raw]);
}

/** Replaces the first occurrence of `from` by `to` in the message (a byte changed in transit). */
export function tamper(raw: Buffer, from: string, to: string): Buffer {
  const text = raw.toString('latin1');
  const at = text.indexOf(from);
  if (at < 0) throw new Error(`"${from}" is not in the message`);
  return Buffer.from(text.slice(0, at) + to + text.slice(at + from.length), 'latin1');
}
