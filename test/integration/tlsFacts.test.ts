import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tls from 'node:tls';
import { TlsFacts, tlsFacts } from '../../src/core/diagnose/tlsFacts';
import { Finding, tlsFindings } from '../../src/core/diagnose/tlsFindings';
import { createCertificate } from '../servers/certificate';
import { createDatedCa, DatedCa } from '../servers/datedCertificates';
import { DovecotServer, startDovecot } from '../servers/dovecot';

// The TLS part of "Diagnose Connection" (issue 13): version, cipher, the chain with its dates and keys, the
// host name check, and the findings. Dovecot's TLS listener is the real case; the odd certificates (expired,
// expiring in 10 days, wrong host name, self-signed, signed by a test CA) are generated here with openssl and
// served by Node TLS listeners that greet like IMAP, because Dovecot would need one instance per certificate.
let server: DovecotServer;
let dir: string;
let ca: DatedCa;
const listeners: tls.Server[] = [];
const DAY = 86_400_000;

before(async () => {
  server = await startDovecot();
  dir = await mkdtemp(join(tmpdir(), 'mi-tlsfacts-'));
  ca = await createDatedCa(join(dir, 'ca'));
});

after(async () => {
  for (const l of listeners) l.close();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function serve(cert: Buffer, key: Buffer): Promise<number> {
  const listener = tls.createServer({ cert, key }, (socket) => socket.end('* OK test server ready\r\n'));
  listeners.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return (listener.address() as net.AddressInfo).port;
}

async function inspect(port: number, host: string, trusted: Buffer[] = []): Promise<{ facts: TlsFacts; findings: Finding[] }> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...(trusted.length > 0 ? { ca: trusted } : {}), ...(net.isIP(host) ? {} : { servername: host }) });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const facts = tlsFacts(socket, host);
  socket.destroy();
  return { facts, findings: tlsFindings(facts, host) };
}

const texts = (findings: Finding[]): string => findings.map((f) => `${f.severity}: ${f.text}`).join('\n');

test("Dovecot's TLS listener: version, cipher, the chain with key and dates, trusted with its certificate as caFile", async () => {
  const { facts, findings } = await inspect(server.ports.imaps, '127.0.0.1', [server.ca]);
  assert.match(facts.protocol, /^TLSv1\.[23]$/);
  assert.match(facts.cipher, /^TLS_|_WITH_/);
  assert.ok(facts.chain.length >= 1);
  assert.match(facts.chain[0]!.subject, /CN=localhost/);
  assert.match(facts.chain[0]!.altNames ?? '', /IP Address:127\.0\.0\.1/);
  assert.equal(facts.chain[0]!.key, 'EC prime256v1');
  assert.ok(facts.chain[0]!.daysToExpiry > 0);
  assert.equal(facts.chainTrusted, true);
  assert.equal(facts.hostnameMatches, true);
  // The harness's certificate is self-signed and valid for 30 days: both are said, neither is an error.
  assert.deepEqual(findings.map((f) => f.severity), ['warning', 'info'], texts(findings));
  assert.match(texts(findings), /^warning: The certificate expires in (29|30) days/m);
  assert.match(texts(findings), /^info: The certificate is self-signed, and trusted because/m);
});

test('an expired certificate, and one that expires in 10 days', async () => {
  const now = Date.now();
  const expired = await ca.issue({ name: 'expired', notBefore: new Date(now - 400 * DAY), notAfter: new Date(now - 35 * DAY) });
  const old = await inspect(await serve(expired.cert, expired.key), 'localhost', [ca.pem]);
  assert.ok(old.facts.chain[0]!.daysToExpiry <= -35);
  assert.match(texts(old.findings), /^error: The certificate expired (35|36) days ago/m);
  const soon = await ca.issue({ name: 'soon', notBefore: new Date(now - DAY), notAfter: new Date(now + 10 * DAY + 3_600_000) });
  const expiring = await inspect(await serve(soon.cert, soon.key), 'localhost', [ca.pem]);
  assert.equal(expiring.facts.chainTrusted, true);
  assert.match(texts(expiring.findings), /^warning: The certificate expires in 10 days/m);
});

test('a certificate for another host name', async () => {
  const other = await ca.issue({ name: 'other', commonName: 'mail.example.org', altNames: 'DNS:mail.example.org', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 200 * DAY), rsaBits: 2048 });
  const { facts, findings } = await inspect(await serve(other.cert, other.key), 'localhost', [ca.pem]);
  assert.equal(facts.hostnameMatches, false);
  assert.equal(facts.chain[0]!.key, 'RSA 2048 bits');
  assert.match(texts(findings), /^error: The certificate is not issued for localhost \(it names DNS:mail\.example\.org\)/m);
  assert.match(texts(findings), /^info: "allowInvalidCertificate": true would make the account connect anyway/m);
});

test('a self-signed certificate, and one signed by an authority nobody trusts', async () => {
  const self = await createCertificate(dir, 'self');
  const { readFile } = await import('node:fs/promises');
  const selfSigned = await inspect(await serve(await readFile(self.certFile), await readFile(self.keyFile)), 'localhost');
  assert.equal(selfSigned.facts.chain[0]!.selfSigned, true);
  assert.equal(selfSigned.facts.chainTrusted, false);
  assert.match(texts(selfSigned.findings), /^warning: The certificate is self-signed/m);
  const signed = await ca.issue({ name: 'unknown-ca', notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 200 * DAY) });
  const unknown = await inspect(await serve(signed.cert, signed.key), 'localhost');
  assert.equal(unknown.facts.chainTrusted, false);
  assert.match(texts(unknown.findings), /^error: The certificate is not trusted: its issuer is not a trusted certificate authority/m);
  // The same chain with the authority trusted (an account's caFile): no findings but the informational ones.
  const trusted = await inspect(await serve(signed.cert, signed.key), 'localhost', [ca.pem]);
  assert.equal(trusted.facts.chainTrusted, true);
  assert.deepEqual(trusted.findings, []);
});
