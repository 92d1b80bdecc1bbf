import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import * as tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { MailError } from '../../src/core/errors';
import { fingerprintOf } from '../../src/core/tls/certificateSummary';
import { CertificateTrust, tlsConnectOptions, trustedCertificates, verifyPeer } from '../../src/core/tls/certificateTrust';
import { makeCertificate, peerCertificate } from './support/testCertificates';

// The trust decision on its own, with the socket reduced to what verifyPeer reads (Node's verdict and
// the peer certificate); the same decision against real servers is in test/integration/certificateTrust.test.ts.
const pem = makeCertificate('/CN=mail.example.com', ['-addext', 'subjectAltName=DNS:mail.example.com']);
const presented = fingerprintOf(peerCertificate(pem).raw);
const endpoint = { host: 'mail.example.com', port: 993 };

function socket(authorized: boolean, authorizationError?: string): TLSSocket {
  return { authorized, authorizationError, getPeerCertificate: () => peerCertificate(pem) } as unknown as TLSSocket;
}

const trust = (t: Partial<CertificateTrust> = {}): CertificateTrust => ({ extraCa: [], pinnedCertificate: undefined, allowInvalidCertificate: false, ...t });

test('without a pin, Node\'s verdict decides; an untrusted certificate is refused with its summary and what to do', () => {
  assert.deepEqual(verifyPeer(socket(true), endpoint, trust()).accepted, true);
  const verdict = verifyPeer(socket(false, 'DEPTH_ZERO_SELF_SIGNED_CERT'), endpoint, trust());
  assert.ok(!verdict.accepted);
  assert.ok(MailError.is(verdict.error, 'certificate'));
  assert.ok(verdict.error.detail?.kind === 'certificate');
  assert.equal(verdict.error.detail.presented.fingerprint, presented);
  assert.equal(verdict.error.detail.host, 'mail.example.com');
  assert.match(verdict.error.message, /self-signed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
  assert.match(verdict.error.message, /Trust This Certificate/);
  assert.match(verdict.error.message, /caFile/);
  const wrongName = verifyPeer(socket(false, 'ERR_TLS_CERT_ALTNAME_INVALID'), { host: 'other.example.com', port: 993 }, trust());
  assert.ok(!wrongName.accepted && /not issued for other\.example\.com/.test(wrongName.error.message));
});

test('allowInvalidCertificate accepts what does not verify, and says so for the traffic log', () => {
  const verdict = verifyPeer(socket(false, 'CERT_HAS_EXPIRED'), endpoint, trust({ allowInvalidCertificate: true }));
  assert.ok(verdict.accepted);
  assert.match(verdict.note, /not verified \(it has expired \(CERT_HAS_EXPIRED\)\), accepted because the account allows invalid certificates/);
});

test('with a pin, exactly the pinned certificate is accepted, whatever Node says; any other is refused naming both fingerprints', () => {
  assert.ok(verifyPeer(socket(false, 'DEPTH_ZERO_SELF_SIGNED_CERT'), endpoint, trust({ pinnedCertificate: presented })).accepted);
  const other = `sha256/${'00:'.repeat(31)}00`;
  for (const authorized of [false, true]) {
    // Even a certificate that verifies is refused when another one is pinned, and allowInvalidCertificate does not override the pin.
    const verdict = verifyPeer(socket(authorized, authorized ? undefined : 'DEPTH_ZERO_SELF_SIGNED_CERT'), endpoint, trust({ pinnedCertificate: other, allowInvalidCertificate: true }));
    assert.ok(!verdict.accepted);
    assert.ok(verdict.error.message.includes(other) && verdict.error.message.includes(presented), verdict.error.message);
    assert.ok(verdict.error.detail?.kind === 'certificate' && verdict.error.detail.pinned === other);
  }
});

test('TLS options: Node verifies but does not reject (the decision is verifyPeer\'s); extra CAs are added to the defaults, not instead of them', () => {
  const plain = tlsConnectOptions('mail.example.com', trust());
  assert.equal(plain.rejectUnauthorized, false);
  assert.equal(plain.servername, 'mail.example.com');
  assert.equal(plain.ca, undefined, 'no ca option: Node\'s own list (with NODE_EXTRA_CA_CERTS) applies');
  assert.equal(plain.minVersion, 'TLSv1.2');
  const withCa = tlsConnectOptions('127.0.0.1', trust({ extraCa: [pem] }));
  assert.equal(withCa.servername, undefined, 'no SNI for an address');
  const trusted = trustedCertificates([pem]);
  assert.ok(trusted.length > 1 && trusted.includes(pem.toString('utf8')) && trusted.includes(tls.rootCertificates[0]!), 'Node\'s roots and the extra CA');
  assert.ok(withCa.secureContext, 'a context made with that list');
});

test('TLS options: the context for a set of extra CAs is made once (not per connection) and a changed CA gets its own', () => {
  const first = tlsConnectOptions('127.0.0.1', trust({ extraCa: [pem] })).secureContext;
  assert.equal(tlsConnectOptions('mail.example.com', trust({ extraCa: [Buffer.from(pem)] })).secureContext, first, 'the same certificates: the same context');
  const other = makeCertificate('/CN=other.example.com');
  const second = tlsConnectOptions('127.0.0.1', trust({ extraCa: [other] })).secureContext;
  assert.ok(second && second !== first, 'other certificates (an edited caFile): another context');
  assert.equal(tlsConnectOptions('127.0.0.1', trust({ extraCa: [pem, other] })).secureContext === first, false);
});
