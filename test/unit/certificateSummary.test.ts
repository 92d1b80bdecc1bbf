import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { describeCertificate, fingerprintOf, normalizePin, summarizeCertificate } from '../../src/core/tls/certificateSummary';
import { makeCertificate, peerCertificate } from './support/testCertificates';

test('the fingerprint is SHA-256 of the DER bytes, written as sha256/ and colon-separated upper-case hex (as Node and Thunderbird show it)', () => {
  const pem = makeCertificate('/CN=mail.example.com/O=Example');
  const x = new X509Certificate(pem);
  assert.equal(fingerprintOf(x.raw), `sha256/${x.fingerprint256}`);
  assert.match(fingerprintOf(x.raw), /^sha256\/([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('a pin written in any usual way reads as the canonical form; anything else is not a pin', () => {
  const canonical = `sha256/${'0F:'.repeat(31)}0F`;
  for (const written of [canonical, canonical.toLowerCase(), '0f'.repeat(32), `SHA256:${'0f'.repeat(32)}`, ` ${'0F '.repeat(32)}`]) assert.equal(normalizePin(written), canonical, written);
  for (const bad of ['', 'sha256/', '0f'.repeat(31), '0f'.repeat(33), `sha1/${'0f'.repeat(20)}`, 'zz'.repeat(32)]) assert.equal(normalizePin(bad), undefined, bad);
});

test('the summary names subject, issuer, names, validity and fingerprint, and tells a self-signed certificate', () => {
  const pem = makeCertificate('/CN=mail.example.com/O=Example', ['-addext', 'subjectAltName=DNS:mail.example.com']);
  const summary = summarizeCertificate(peerCertificate(pem));
  assert.equal(summary.subject, 'CN=mail.example.com, O=Example');
  assert.equal(summary.issuer, 'CN=mail.example.com, O=Example');
  assert.equal(summary.selfSigned, true);
  assert.equal(summary.altNames, 'DNS:mail.example.com');
  assert.ok(summary.validTo.getTime() > summary.validFrom.getTime());
  const lines = describeCertificate(summary);
  assert.deepEqual(lines.map((l) => l.split(':')[0]), ['Issued to', 'Issued by', 'Names', 'Valid', 'SHA-256 fingerprint']);
  assert.equal(lines[1], 'Issued by: itself (self-signed)');
  assert.ok(lines[4]!.endsWith(summary.fingerprint.slice('sha256/'.length)));
});
