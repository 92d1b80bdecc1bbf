import { strict as assert } from 'node:assert';
import { Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { apopDigest, apopTimestamp, login, saslPlainResponse } from '../../src/core/pop3/pop3Auth';
import { Pop3Transport } from '../../src/core/pop3/pop3Transport';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { holdMaildrop, pop3Fixture } from './pop3Fixture';

// Security modes, certificates, login methods, masking and login failures against a real Dovecot.
let server: DovecotServer;
const MESSAGE = Buffer.from('From: a@example.com\r\nSubject: Security check\r\n\r\nHello.\r\n');

before(async () => {
  server = await startDovecot({ pop3LockSession: true, apop: true });
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: MESSAGE }]);
});

after(async () => {
  await server?.stop();
});

/** The password, and what a careless log could leak of it, never appears in any traffic line. */
function assertNoSecret(lines: TrafficLine[]): void {
  const { user, password } = server.users[0]!;
  const text = JSON.stringify(lines);
  assert.ok(!text.includes(password), 'password in the traffic log');
  assert.ok(!text.includes(saslPlainResponse(user, password)), 'AUTH PLAIN payload in the traffic log');
}

const isCredentialLine = (line: string): boolean => /^(USER|PASS|AUTH|APOP)\b/i.test(line);

test('STARTTLS: CAPA, STLS, CAPA again, then AUTH PLAIN inside TLS; masked; the other commands shown', async () => {
  const { store, lines, sent } = pop3Fixture(server);
  const folders = await store.listFolders();
  assert.equal(folders[0]!.total, 1);
  const client = sent();
  assert.deepEqual(client, ['CAPA', 'STLS', 'CAPA', 'AUTH PLAIN ****', 'STAT', 'QUIT']);
  const id = (await store.listMessages('INBOX', 0, 10)).messages[0]!.id;
  await store.fetchRaw('INBOX', id);
  for (const command of ['UIDL', 'LIST', 'TOP 1 0', `UIDL 1`, 'LIST 1', 'RETR 1']) assert.ok(sent().includes(command), command);
  const shown = lines.filter((l) => l.direction === 'server').map((l) => l.text);
  assert.ok(shown.includes('Subject: Security check'), 'the TOP and RETR replies are in the log');
  const tlsAt = lines.findIndex((l) => l.direction === 'info' && l.text.startsWith('TLS established'));
  const authAt = lines.findIndex((l) => l.direction === 'client' && l.text.startsWith('AUTH'));
  assert.ok(tlsAt > 0 && tlsAt < authAt, 'credentials only after the TLS handshake');
  assertNoSecret(lines);
});

test('POP3S (implicit TLS) and plain (None) both work', async () => {
  const pop3s = pop3Fixture(server, { account: { security: 'tls', port: server.ports.pop3s } });
  assert.equal((await pop3s.store.listFolders())[0]!.total, 1);
  assert.ok(pop3s.lines.findIndex((l) => l.text.startsWith('TLS established')) < pop3s.lines.findIndex((l) => l.direction === 'server'));
  assert.ok(!pop3s.sent().includes('STLS'));

  const plain = pop3Fixture(server, { account: { security: 'none', port: server.ports.pop3NoTls } });
  const id = (await plain.store.listMessages('INBOX', 0, 10)).messages[0]!.id;
  assert.deepEqual(await plain.store.fetchRaw('INBOX', id), MESSAGE);
  assert.ok(!plain.lines.some((l) => l.text.startsWith('TLS')));
  assert.ok(plain.sent().includes('AUTH PLAIN ****'));
  assertNoSecret([...pop3s.lines, ...plain.lines]);
});

test('STARTTLS asked for but the server offers no STLS: a TLS error, and no credentials were sent', async () => {
  const { store, sent } = pop3Fixture(server, { account: { security: 'starttls', port: server.ports.pop3NoTls } });
  await assert.rejects(store.listFolders(), (err: unknown) => MailError.is(err, 'tls') && /STLS/.test(err.message));
  assert.deepEqual(sent(), ['CAPA', 'QUIT']);
  assert.ok(!sent().some(isCredentialLine));
});

test('a self-signed certificate is refused (POP3S and STLS) unless the account allows invalid certificates', async () => {
  const pop3s = pop3Fixture(server, { account: { security: 'tls', port: server.ports.pop3s }, trustCa: false });
  await assert.rejects(pop3s.store.listFolders(), (err: unknown) => MailError.is(err, 'certificate'));
  const stls = pop3Fixture(server, { trustCa: false });
  await assert.rejects(stls.store.listFolders(), (err: unknown) => MailError.is(err, 'certificate'));
  assert.ok(![...pop3s.sent(), ...stls.sent()].some(isCredentialLine));

  const allowed = pop3Fixture(server, { account: { security: 'tls', port: server.ports.pop3s, allowInvalidCertificate: true }, trustCa: false });
  assert.equal((await allowed.store.listFolders())[0]!.total, 1);
  assert.ok(allowed.lines.some((l) => l.direction === 'info' && l.text.startsWith('certificate not verified')));
});

test('APOP when the account asks for it: the digest is sent, and masked in the log', async () => {
  const { store, lines, sent } = pop3Fixture(server, { account: { useApop: true } });
  assert.equal((await store.listFolders())[0]!.total, 1);
  assert.ok(sent().includes(`APOP ${server.users[0]!.user} ****`));
  const greeting = lines.find((l) => l.direction === 'server')!.text;
  const timestamp = apopTimestamp(greeting);
  assert.ok(timestamp, 'the greeting carries a timestamp');
  assert.ok(!JSON.stringify(lines).includes(apopDigest(timestamp, server.users[0]!.password)));
  assertNoSecret(lines);
});

test('USER/PASS (for servers without SASL PLAIN): PASS is masked', async () => {
  // Dovecot always offers SASL PLAIN, which the store prefers, so the USER/PASS method is driven
  // directly on a transport to the same real server.
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((line) => lines.push(line), { maxLiteralBytes: 4096 }).open('pop3');
  const transport = new Pop3Transport({ host: server.host, port: server.ports.pop3NoTls, implicitTls: false, trust: { extraCa: [], pinnedCertificate: undefined, allowInvalidCertificate: false }, limits: DEFAULT_LIMITS, tap });
  await transport.connect();
  await login(transport, 'user-pass', server.users[0]!.user, server.users[0]!.password, transport.greeting);
  assert.equal((await transport.simple('STAT')).text, `1 ${MESSAGE.length}`);
  await transport.simple('QUIT');
  transport.close();
  const client = lines.filter((l) => l.direction === 'client').map((l) => l.text);
  assert.deepEqual(client, [`USER ${server.users[0]!.user}`, 'PASS ****', 'STAT', 'QUIT']);
  assertNoSecret(lines);
});

test('a wrong password is an auth error with the server\'s words', async () => {
  const { store, lines } = pop3Fixture(server, { password: 'not-the-password' });
  await assert.rejects(store.listFolders(), (err: unknown) => MailError.is(err, 'auth') && err.serverText !== undefined && /auth/i.test(err.serverText));
  assert.ok(!JSON.stringify(lines).includes('not-the-password'));
});

test('a maildrop locked by another POP3 session gives inUse, explained as such', async () => {
  let holder: Socket | undefined;
  try {
    holder = await holdMaildrop(server);
    const { store } = pop3Fixture(server);
    // Dovecot waits about ten seconds for its session lock before answering [IN-USE].
    await assert.rejects(store.listFolders(), (err: unknown) => {
      assert.ok(MailError.is(err, 'inUse'), String(err));
      assert.match(err.explanation, /locked: another POP3 session/);
      assert.match(err.serverText ?? '', /\[IN-USE\]/);
      return true;
    });
  } finally {
    holder?.destroy();
  }
  // Released: the next session works again.
  const { store } = pop3Fixture(server);
  for (let attempt = 0; ; attempt++) {
    try {
      assert.equal((await store.listFolders())[0]!.total, 1);
      break;
    } catch (err) {
      if (!MailError.is(err, 'inUse') || attempt > 3) throw err; // the holder's lock may outlive its socket briefly
    }
  }
});
