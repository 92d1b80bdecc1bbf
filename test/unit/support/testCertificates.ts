import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';

/** A self-signed certificate made by openssl (EC P-256, two days), as PEM. */
export function makeCertificate(subject: string, extra: string[] = []): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'unit-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '2', '-subj', subject, ...extra], { stdio: 'ignore' });
    return readFileSync(join(dir, 'c.pem'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The certificate as Node's TLS socket describes it (getPeerCertificate()). */
export function peerCertificate(pem: Buffer): PeerCertificate {
  const x = new X509Certificate(pem);
  const name = (dn: string): Record<string, string> => Object.fromEntries(dn.split('\n').map((kv) => kv.split('=') as [string, string]));
  return { raw: x.raw, subject: name(x.subject), issuer: name(x.issuer), subjectaltname: x.subjectAltName ?? '', valid_from: x.validFrom, valid_to: x.validTo } as unknown as PeerCertificate;
}
