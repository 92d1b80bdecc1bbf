import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { MailError } from '../errors';
import { CertificateSummary, summarizeCertificate } from './certificateSummary';

/** How one account decides whether to trust a server's certificate. */
export interface CertificateTrust {
  /** Extra CA certificates (PEM), trusted besides Node's own (the account's caFile, a test server's CA). */
  readonly extraCa: readonly Buffer[];
  /** "sha256/AB:…": only the certificate with this fingerprint is accepted (name and issuer not checked). */
  readonly pinnedCertificate: string | undefined;
  /** Accept a certificate that does not verify. */
  readonly allowInvalidCertificate: boolean;
}

/** What an account brings to the trust decision. */
export interface TrustSource {
  readonly caFile?: string | undefined;
  readonly pinnedCertificate?: string | undefined;
  readonly allowInvalidCertificate: boolean;
}

/** Reads a PEM CA file when connecting; an unreadable or non-PEM file is a config error that names it. */
export async function readCaFile(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code || String(error);
    throw new MailError('config', `The account's CA file (caFile) "${path}" could not be read: ${why}. Nothing was sent to the server.`, undefined, { cause: error });
  }
  if (!bytes.toString('latin1').includes('-----BEGIN CERTIFICATE-----')) {
    throw new MailError('config', `The account's CA file (caFile) "${path}" holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). Nothing was sent to the server.`);
  }
  return bytes;
}

/** The account's trust settings, with its caFile read now (so an edit of the file applies on the next connection). */
export async function certificateTrust(source: TrustSource, extraCa?: Buffer): Promise<CertificateTrust> {
  const fromFile = source.caFile ? [await readCaFile(source.caFile)] : [];
  return {
    extraCa: [...(extraCa ? [extraCa] : []), ...fromFile],
    pinnedCertificate: source.pinnedCertificate,
    allowInvalidCertificate: source.allowInvalidCertificate,
  };
}

/** Node's default CA list: with NODE_EXTRA_CA_CERTS (and system CAs) where Node can say so (22.15+), else the bundled roots. */
function defaultCertificates(): readonly string[] {
  const get = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  return typeof get === 'function' ? get('default') : tls.rootCertificates;
}

/**
 * Options for tls.connect. Node verifies the chain and the name as usual, but does not reject:
 * verifyPeer() decides right after the handshake, before any byte of the session is read or sent,
 * so that an untrusted certificate can be shown to the user (and pinned), which a rejected
 * handshake does not allow.
 */
export function tlsConnectOptions(host: string, trust: CertificateTrust): tls.ConnectionOptions {
  return {
    host,
    ...(net.isIP(host) === 0 ? { servername: host } : {}),
    minVersion: MIN_VERSION,
    rejectUnauthorized: false,
    ...(trust.extraCa.length > 0 ? { secureContext: secureContextWith(trust.extraCa) } : {}),
  };
}

const MIN_VERSION = 'TLSv1.2';

/**
 * The TLS context that trusts Node's CAs and `extraCa`, made once per set of extra CAs. Made per connection, it
 * parsed Node's ~140 root certificates every time: 20–30 ms of every connect to a server with its own CA
 * (a caFile), a third of a cold first page. Keyed by the certificates' text, so an edited caFile makes a new one.
 */
function secureContextWith(extraCa: readonly Buffer[]): tls.SecureContext {
  const key = extraCa.map((b) => b.toString('utf8')).join('\n');
  let context = contexts.get(key);
  if (context === undefined) {
    context = contextTrusting(extraCa);
    if (contexts.size >= CONTEXTS_KEPT) contexts.delete(contexts.keys().next().value!);
  } else {
    contexts.delete(key); // most recently used last
  }
  contexts.set(key, context);
  return context;
}

/**
 * A context with Node's default trust and `extraCa` added to it. Passing the whole list as `ca`
 * (trustedCertificates) parses every root certificate from its text again: 30 ms in one synchronous stretch on the
 * bench machine, at the first connection to such a server (issue 15: no pause over 50 ms); and on Node 20 it
 * loses the system store of `--use-openssl-ca` and NODE_EXTRA_CA_CERTS. Node's own default context starts from the
 * root store it has parsed once per process, and its native context's addCACert (what tls.createSecureContext
 * calls for each `ca`) copies that store's defaults (Mozilla's list, or the system's) and adds to them: about 1 ms.
 * The copy leaves out NODE_EXTRA_CA_CERTS, which Node adds to its shared store only, so those are added again.
 * Where Node's context no longer has that method, the whole list is passed as before.
 * test/integration/tlsTrustContext.test.ts checks every part over real TLS.
 */
function contextTrusting(extraCa: readonly Buffer[]): tls.SecureContext {
  const context = tls.createSecureContext({ minVersion: MIN_VERSION });
  const native = (context as { context?: { addCACert?: (pem: string | Buffer) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ minVersion: MIN_VERSION, ca: trustedCertificates(extraCa) });
  for (const ca of [...nodeExtraCertificates(), ...extraCa]) native.addCACert(ca);
  return context;
}

/** The certificates of NODE_EXTRA_CA_CERTS, which Node trusts besides its defaults (read by Node at start-up; Node 22.15+ says which). */
function nodeExtraCertificates(): readonly (string | Buffer)[] {
  const get = (tls as { getCACertificates?: (type: 'extra') => string[] }).getCACertificates;
  if (typeof get === 'function') return get('extra');
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return [];
  try {
    return [readFileSync(file)];
  } catch {
    return []; // Node warned at start-up and trusts none of it either
  }
}

/** The CA certificates a connection with `extraCa` trusts: Node's own and the extra ones, added to them, not instead. */
export function trustedCertificates(extraCa: readonly Buffer[]): string[] {
  return [...defaultCertificates(), ...extraCa.map((b) => b.toString('utf8'))];
}

const CONTEXTS_KEPT = 16;
const contexts = new Map<string, tls.SecureContext>();

const WHY: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it was issued by a certificate authority that is not trusted (a self-signed one in the chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not a trusted certificate authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not a trusted certificate authority',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not a trusted certificate authority',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is not issued for this host name',
  CERT_REVOKED: 'it was revoked',
};

/** Why Node did not verify the certificate, in words (Node's code in brackets). */
export function verificationProblem(authorizationError: unknown, host: string): string {
  const code = authorizationError instanceof Error ? ((authorizationError as NodeJS.ErrnoException).code ?? authorizationError.message) : String(authorizationError ?? 'unknown');
  const why = WHY[code];
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames|hostname/i.test(code)) return `it is not issued for ${host} (${code})`;
  return why ? `${why} (${code})` : code;
}

export type PeerVerdict = { readonly accepted: true; readonly note: string; readonly certificate: CertificateSummary } | { readonly accepted: false; readonly error: MailError };

const TRUST_HINT = 'To trust it, use "Trust This Certificate…" after checking its fingerprint, or set the account\'s caFile to your certificate authority\'s PEM file.';

/**
 * The trust decision, right after the handshake. With a pin, the presented leaf certificate is
 * accepted exactly when its SHA-256 fingerprint equals the pin (Node's verdict does not matter, as
 * with a Thunderbird exception); a different certificate is refused and both fingerprints are named.
 * Without a pin, Node's verification decides, unless the account allows invalid certificates.
 */
export function verifyPeer(socket: tls.TLSSocket, endpoint: { host: string; port: number }, trust: CertificateTrust): PeerVerdict {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) return { accepted: false, error: new MailError('certificate', `${new MailError('certificate').explanation} (the server presented no certificate)`) };
  const certificate = summarizeCertificate(peer);
  const { host, port } = endpoint;
  const pin = trust.pinnedCertificate;
  if (pin) {
    if (certificate.fingerprint === pin) return { accepted: true, note: `certificate matches the pinned fingerprint ${pin}`, certificate };
    const message =
      `The server's certificate is not the one trusted for this account: it has changed. Trusted (pinned): ${pin}. Presented: ${certificate.fingerprint}. ` +
      'No credentials were sent. If the server\'s administrator confirms the new certificate, trust it instead.';
    return { accepted: false, error: new MailError('certificate', message, undefined, { detail: { kind: 'certificate', host, port, presented: certificate, pinned: pin } }) };
  }
  if (socket.authorized) return { accepted: true, note: 'certificate verified', certificate };
  const problem = verificationProblem(socket.authorizationError, host);
  if (trust.allowInvalidCertificate) {
    return { accepted: true, note: `certificate not verified (${problem}), accepted because the account allows invalid certificates`, certificate };
  }
  const message = `${new MailError('certificate').explanation} The certificate of ${host}:${port} is refused: ${problem}. Its SHA-256 fingerprint is ${certificate.fingerprint}. No credentials were sent. ${TRUST_HINT}`;
  return { accepted: false, error: new MailError('certificate', message, undefined, { detail: { kind: 'certificate', host, port, presented: certificate } }) };
}
