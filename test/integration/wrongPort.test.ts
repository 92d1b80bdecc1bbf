import { strict as assert } from 'node:assert';
import * as http from 'node:http';
import * as net from 'node:net';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { probePort } from '../../src/core/diagnose/portProbe';
import { wrongPortError } from '../../src/core/diagnose/wrongPort';
import { MailError } from '../../src/core/errors';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';
import { pop3Fixture } from './pop3Fixture';

// Wrong port, wrong protocol (issue 13, point 2): what answers on a port is recognised and explained instead of
// a timeout. The mail cases are real (Dovecot's IMAP, IMAPS, POP3 and POP3S listeners reached the wrong way);
// an SMTP greeter and a web server are tiny fakes, because no real server of those kinds runs here.
let server: DovecotServer;
let smtp: net.Server;
let web: http.Server;
const WAIT_MS = 700;

const listen = async (s: net.Server): Promise<number> => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
};
let smtpPort = 0;
let webPort = 0;

before(async () => {
  server = await startDovecot();
  // Fake: an SMTP server greets first, as RFC 5321 says.
  smtp = net.createServer((socket) => socket.end('220 mx.example.test ESMTP ready\r\n'));
  smtpPort = await listen(smtp);
  // Fake: a web server stays silent until a request, then answers "400 Bad Request" to an IMAP line.
  web = http.createServer((_req, res) => res.end('hello'));
  webPort = await listen(web);
});

after(async () => {
  smtp?.close();
  web?.close();
  await server?.stop();
});

async function explain(expected: Pick<AccountDefinition, 'protocol' | 'security' | 'port'>): Promise<{ message?: string; ms: number }> {
  const started = Date.now();
  const finding = await probePort('127.0.0.1', expected.port, { protocol: expected.protocol, waitMs: WAIT_MS });
  const error = wrongPortError(expected, finding);
  if (error) assert.equal(error.reason, 'wrongPort');
  return { ...(error ? { message: error.message } : {}), ms: Date.now() - started };
}

test('the right port with the right security: nothing to explain', async () => {
  assert.equal((await explain({ protocol: 'imap', security: 'starttls', port: server.ports.imap })).message, undefined);
  assert.equal((await explain({ protocol: 'imap', security: 'tls', port: server.ports.imaps })).message, undefined);
  assert.equal((await explain({ protocol: 'pop3', security: 'starttls', port: server.ports.pop3 })).message, undefined);
  assert.equal((await explain({ protocol: 'pop3', security: 'tls', port: server.ports.pop3s })).message, undefined);
});

test('a POP3 greeting on the "IMAP" port, and an IMAP greeting on the "POP3" port', async () => {
  const imapOnPop3 = await explain({ protocol: 'imap', security: 'starttls', port: server.ports.pop3 });
  assert.match(imapOnPop3.message ?? '', /^Port \d+ speaks POP3 \(it sent "\+OK .*"\), not IMAP\. IMAP is usually on port 143 \(STARTTLS\) or 993 \(TLS\)\.$/);
  const pop3OnImap = await explain({ protocol: 'pop3', security: 'starttls', port: server.ports.imap });
  assert.match(pop3OnImap.message ?? '', /^Port \d+ speaks IMAP \(it sent "\* OK .*"\), not POP3\. POP3 is usually on port 110 \(STARTTLS\) or 995 \(TLS\)\.$/);
});

test('TLS spoken to a plain-text port, and plain text to a TLS port (real listeners), within the connect timeout', async () => {
  const plainToTls = await explain({ protocol: 'imap', security: 'starttls', port: server.ports.imaps });
  assert.match(plainToTls.message ?? '', /^Port \d+ expects TLS from the first byte: choose TLS for this account, or port 143 for STARTTLS\.$/);
  const tlsToPlain = await explain({ protocol: 'imap', security: 'tls', port: server.ports.imap });
  assert.match(tlsToPlain.message ?? '', /^Port \d+ speaks IMAP without TLS \(it sent "\* OK .*"\), so a TLS connection fails there: choose STARTTLS for this port, or TLS on port 993\.$/);
  const pop3 = await explain({ protocol: 'pop3', security: 'tls', port: server.ports.pop3 });
  assert.match(pop3.message ?? '', /speaks POP3 without TLS .* or TLS on port 995\.$/);
  for (const r of [plainToTls, tlsToPlain, pop3]) assert.ok(r.ms < 15_000, `explained in ${r.ms} ms, within the default connect timeout`);
});

test('an SMTP greeting and a web server on the port are named (fakes: no such servers run here)', async () => {
  const toSmtp = await explain({ protocol: 'imap', security: 'starttls', port: smtpPort });
  assert.match(toSmtp.message ?? '', /speaks SMTP \(a mail sending server\) \(it sent "220 mx\.example\.test ESMTP ready"\), not IMAP/);
  const toWeb = await explain({ protocol: 'pop3', security: 'starttls', port: webPort });
  assert.match(toWeb.message ?? '', /speaks HTTP \(a web server\) \(it sent "HTTP\/1\.1 400 Bad Request"\), not POP3/);
  const webWithTls = await explain({ protocol: 'imap', security: 'tls', port: webPort });
  assert.match(webWithTls.message ?? '', /speaks HTTP \(a web server\)/);
});

async function failure(run: () => Promise<unknown>): Promise<{ error: MailError; ms: number }> {
  const started = Date.now();
  try {
    await run();
  } catch (error) {
    assert.ok(MailError.is(error), String(error));
    return { error, ms: Date.now() - started };
  }
  assert.fail('it connected');
}

test("the account's own connections say it too, instead of a timeout or a TLS error (real Dovecot ports)", async () => {
  // STARTTLS account on the IMAPS port: the server waits for a TLS ClientHello, imapflow for a greeting; the
  // silence is probed after 2 s, long before the 15 s greeting timeout.
  const plainOnTls = imapStore(server, { security: 'starttls', port: server.ports.imaps });
  const silent = await failure(() => plainOnTls.store.listFolders());
  assert.equal(silent.error.reason, 'wrongPort');
  assert.match(silent.error.message, /expects TLS from the first byte/);
  assert.ok(silent.ms < 15_000, `said in ${silent.ms} ms`);
  await plainOnTls.store.close();
  // TLS account on the plain IMAP port: the handshake fails at once, and the probe says why.
  const tlsOnPlain = imapStore(server, { security: 'tls', port: server.ports.imap });
  const handshake = await failure(() => tlsOnPlain.store.listFolders());
  assert.equal(handshake.error.reason, 'wrongPort');
  assert.match(handshake.error.message, /speaks IMAP without TLS .*choose STARTTLS for this port, or TLS on port 993/);
  await tlsOnPlain.store.close();
  // An IMAP account on the POP3 port, and a POP3 account on the IMAP port.
  const imapOnPop3 = imapStore(server, { security: 'starttls', port: server.ports.pop3 });
  assert.match((await failure(() => imapOnPop3.store.listFolders())).error.message, /speaks POP3 .*not IMAP/);
  await imapOnPop3.store.close();
  const pop3OnImap = pop3Fixture(server, { account: { port: server.ports.imap } });
  const wrong = await failure(() => pop3OnImap.store.listFolders());
  assert.equal(wrong.error.reason, 'wrongPort');
  assert.match(wrong.error.message, /speaks IMAP .*not POP3/);
  await pop3OnImap.store.close();
  // A POP3 STLS account on the POP3S port: silence, probed.
  const pop3PlainOnTls = pop3Fixture(server, { account: { port: server.ports.pop3s } });
  const pop3Silent = await failure(() => pop3PlainOnTls.store.listFolders());
  assert.match(pop3Silent.error.message, /expects TLS from the first byte.*port 110 for STARTTLS/);
  assert.ok(pop3Silent.ms < 15_000, `said in ${pop3Silent.ms} ms`);
  await pop3PlainOnTls.store.close();
});
