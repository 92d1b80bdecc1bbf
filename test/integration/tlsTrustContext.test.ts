import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Certificate, createCertificate } from '../servers/certificate';

// The context made for an account with its own CA (a caFile) must trust that CA *and* everything Node trusts by
// default: the extra CA is added to Node's list, not put in its place (certificateTrust.ts, contextTrusting).
// Checked over real TLS on 127.0.0.1, in a Node process whose default trust includes a certificate of the test's
// own (NODE_EXTRA_CA_CERTS, the one part of Node's defaults a test can hold the key of): a server with that
// certificate, one with the account's CA, and one trusted by neither.

const run = promisify(execFile);
let dir: string;
let byDefault: Certificate;
let byAccount: Certificate;
let byNobody: Certificate;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mail-inspector-trust-context-'));
  [byDefault, byAccount, byNobody] = await Promise.all([createCertificate(dir, 'default'), createCertificate(dir, 'account'), createCertificate(dir, 'nobody')]);
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const CHILD = String.raw`
const tls = require('node:tls');
const fs = require('node:fs');
const { tlsConnectOptions } = require(process.argv[1]);
const [accountCa, ...servers] = JSON.parse(process.argv[2]);
const trust = { extraCa: [fs.readFileSync(accountCa)], pinnedCertificate: undefined, allowInvalidCertificate: false };
(async () => {
  const verdicts = [];
  for (const { cert, key } of servers) {
    const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (s) => s.end());
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = tls.connect({ ...tlsConnectOptions('127.0.0.1', trust), port: server.address().port });
    verdicts.push(await new Promise((resolve, reject) => {
      socket.once('secureConnect', () => resolve(socket.authorized ? 'trusted' : String(socket.authorizationError)));
      socket.once('error', reject);
    }));
    socket.destroy();
    server.close();
  }
  process.stdout.write(JSON.stringify(verdicts));
})().catch((err) => { console.error(err); process.exit(1); });
`;

async function verdicts(nodeOptions: string[], env: Record<string, string>): Promise<string[]> {
  const module = require.resolve('../../src/core/tls/certificateTrust');
  const servers = [byDefault, byAccount, byNobody].map((c) => ({ cert: c.certFile, key: c.keyFile }));
  const clean = { ...process.env };
  delete clean.NODE_EXTRA_CA_CERTS;
  delete clean.SSL_CERT_FILE;
  delete clean.SSL_CERT_DIR;
  const { stdout } = await run(process.execPath, [...nodeOptions, '-e', CHILD, module, JSON.stringify([byAccount.caFile, ...servers])], { env: { ...clean, ...env } });
  return JSON.parse(stdout) as string[];
}

for (const [defaults, nodeOptions, env] of [
  ['NODE_EXTRA_CA_CERTS', [], () => ({ NODE_EXTRA_CA_CERTS: byDefault.caFile })],
  ['the system store (--use-openssl-ca)', ['--use-openssl-ca'], () => ({ SSL_CERT_FILE: byDefault.caFile })],
] as const) {
  test(`a context for an account CA trusts that CA and Node's defaults (${defaults}), and nothing else`, async () => {
    const [viaDefaults, viaAccount, viaNobody] = await verdicts([...nodeOptions], env());
    assert.equal(viaDefaults, 'trusted', "a certificate Node trusts by default is still trusted with the account's CA added");
    assert.equal(viaAccount, 'trusted', "the account's CA is trusted");
    assert.match(viaNobody!, /SELF_SIGNED|UNABLE/, 'a certificate neither vouches for is not');
  });
}
