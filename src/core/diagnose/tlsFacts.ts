import { createPublicKey, X509Certificate } from 'node:crypto';
import * as tls from 'node:tls';
import { summarizeCertificate } from '../tls/certificateSummary';
import { verificationProblem } from '../tls/certificateTrust';

/** One certificate of the chain the server presented, as a diagnosis shows it. */
export interface ChainCertificate {
  readonly subject: string;
  readonly issuer: string;
  /** "DNS:mail.example.com, IP Address:127.0.0.1". */
  readonly altNames?: string;
  readonly validFrom: Date;
  readonly validTo: Date;
  /** Whole days until validTo (negative: expired that many days ago). */
  readonly daysToExpiry: number;
  /** "RSA 2048 bits", "EC prime256v1", "Ed25519". */
  readonly key: string;
  readonly fingerprint: string;
  readonly selfSigned: boolean;
}

/** What a TLS handshake showed: version, cipher, ALPN, the chain and how it verifies. */
export interface TlsFacts {
  readonly protocol: string;
  readonly cipher: string;
  /** The protocol negotiated by ALPN, or undefined when none was (mail servers rarely use it). */
  readonly alpn?: string;
  /** Leaf first, then its issuers as the server sent them. */
  readonly chain: readonly ChainCertificate[];
  /** Node verified the chain against the trusted authorities (and the account's caFile). */
  readonly chainTrusted: boolean;
  /** Why not, in words (with Node's code), when it is not. */
  readonly chainProblem?: string;
  /** The leaf is issued for the host name (or address) connected to. */
  readonly hostnameMatches: boolean;
  readonly hostnameProblem?: string;
}

/** The facts of a socket whose handshake completed (any verdict: Node verifies without rejecting here). */
export function tlsFacts(socket: tls.TLSSocket, host: string, now = new Date()): TlsFacts {
  const cipher = socket.getCipher();
  const leaf = socket.getPeerCertificate(true);
  const chain: ChainCertificate[] = [];
  const seen = new Set<string>();
  for (let cert: tls.DetailedPeerCertificate | undefined = leaf; cert?.raw && !seen.has(cert.fingerprint256); cert = cert.issuerCertificate) {
    seen.add(cert.fingerprint256);
    chain.push(chainCertificate(cert, now));
  }
  const identity = leaf?.raw ? tls.checkServerIdentity(host, leaf) : new Error('no certificate');
  const alpn = socket.alpnProtocol;
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher ? `${cipher.standardName ?? cipher.name}` : 'unknown',
    ...(typeof alpn === 'string' ? { alpn } : {}),
    chain,
    chainTrusted: socket.authorized,
    ...(socket.authorized ? {} : { chainProblem: verificationProblem(socket.authorizationError, host) }),
    hostnameMatches: identity === undefined,
    ...(identity ? { hostnameProblem: identity.message } : {}),
  };
}

function chainCertificate(cert: tls.PeerCertificate, now: Date): ChainCertificate {
  const summary = summarizeCertificate(cert);
  return {
    subject: summary.subject,
    issuer: summary.issuer,
    ...(summary.altNames ? { altNames: summary.altNames } : {}),
    validFrom: summary.validFrom,
    validTo: summary.validTo,
    daysToExpiry: Math.floor((summary.validTo.getTime() - now.getTime()) / 86_400_000),
    key: keyDescription(cert.raw),
    fingerprint: summary.fingerprint,
    selfSigned: summary.selfSigned,
  };
}

/** "RSA 2048 bits", "EC prime256v1", "Ed25519": from the certificate's public key. */
function keyDescription(der: Buffer): string {
  try {
    const key = createPublicKey(new X509Certificate(der).publicKey.export({ type: 'spki', format: 'pem' }));
    const type = key.asymmetricKeyType ?? 'unknown';
    const details = key.asymmetricKeyDetails;
    if (type === 'rsa' || type === 'rsa-pss' || type === 'dsa') return `${type.toUpperCase()} ${details?.modulusLength ?? '?'} bits`;
    if (type === 'ec') return `EC ${details?.namedCurve ?? ''}`.trim();
    return type.charAt(0).toUpperCase() + type.slice(1);
  } catch {
    return 'unknown';
  }
}
