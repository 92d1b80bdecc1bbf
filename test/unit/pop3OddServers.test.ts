import { strict as assert } from 'node:assert';
import { Server } from 'node:net';
import { after, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { NO_TOP_WARNING, NO_UIDL_WARNING, Pop3Store } from '../../src/core/pop3/pop3Store';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { scriptedPop3 } from './support/scriptedPop3';

// Servers Dovecot cannot imitate: no CAPA and no UIDL (an RFC 1939 minimum), CAPA without TOP, STLS
// advertised but refused, plaintext injected after "+OK" to STLS, a DELE that fails, TOP refused for
// one message. A scripted fake
// server on loopback plays them; every other POP3 behaviour is tested against Dovecot in
// test/integration/pop3*.test.ts.
interface Script {
  capa?: string[];
  uidl?: boolean;
  top?: false;
  /** TOP is answered -ERR for this message number only. */
  topRefusedFor?: number;
  stls?: 'refuse' | 'inject';
  dele?: 'fail';
}

const MESSAGES = [1, 2, 3].map((i) => Buffer.from(`Subject: Message ${i}\r\nFrom: m${i}@example.com\r\n\r\n.dot line ${i}\r\n`));
const servers: Server[] = [];

after(() => {
  for (const s of servers) s.close();
});

/** Starts a fake server; returns its port and the commands it received. */
function fake(script: Script): Promise<{ port: number; received: string[] }> {
  return scriptedPop3(servers, (verb, arg, { reply, multi, write, end }) => {
    const n = Number(arg);
    const message = MESSAGES[n - 1];
    switch (verb.toUpperCase()) {
      case 'CAPA':
        if (script.capa) multi(script.capa);
        else reply('-ERR unknown command');
        break;
      case 'STLS':
        if (script.stls === 'inject') write('+OK go ahead\r\n+OK injected before the handshake\r\n');
        else reply('-ERR TLS is not available right now');
        break;
      case 'USER':
      case 'PASS':
      case 'RSET':
      case 'QUIT':
        reply('+OK');
        if (verb === 'QUIT') end();
        break;
      case 'STAT':
        reply(`+OK ${MESSAGES.length} ${MESSAGES.reduce((sum, m) => sum + m.length, 0)}`);
        break;
      case 'LIST':
        if (arg) reply(message ? `+OK ${n} ${message.length}` : '-ERR no such message');
        else multi(MESSAGES.map((m, i) => `${i + 1} ${m.length}`));
        break;
      case 'UIDL':
        if (!script.uidl) reply('-ERR unknown command');
        else if (arg) reply(`+OK ${n} uid-${n}`);
        else multi(MESSAGES.map((_, i) => `${i + 1} uid-${i + 1}`));
        break;
      case 'TOP':
        if (script.top === false) reply('-ERR unknown command');
        else if (n === script.topRefusedFor) reply('-ERR [SYS/TEMP] cannot read message');
        else if (message) multi(message.toString('latin1').split('\r\n\r\n')[0]!.split('\r\n').concat(''));
        else reply('-ERR no such message');
        break;
      case 'RETR':
        if (message) multi(message.toString('latin1').replace(/\r\n$/, '').split('\r\n'));
        else reply('-ERR no such message');
        break;
      case 'DELE':
        reply(script.dele === 'fail' ? '-ERR [SYS/TEMP] cannot delete now' : '+OK');
        break;
      default:
        reply('-ERR unknown command');
    }
  });
}

function store(port: number, security: AccountDefinition['security'] = 'none'): { store: Pop3Store; lines: TrafficLine[] } {
  const lines: TrafficLine[] = [];
  const account: AccountDefinition = { id: 'fake', label: 'fake', protocol: 'pop3', host: '127.0.0.1', port, security, user: 'u', allowInvalidCertificate: false, useApop: false };
  return { store: new Pop3Store(account, 'secret-pw', new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 1000 }), { limits: DEFAULT_LIMITS }), lines };
}

test('a server without CAPA and UIDL: USER/PASS, ids are message numbers with a warning, delete is refused', async () => {
  const { port, received } = await fake({});
  const { store: s } = store(port);
  const page = await s.listMessages('INBOX', 0, 2);
  assert.deepEqual(page.messages.map((m) => [m.id, m.seq, m.subject]), [['3', 3, 'Message 3'], ['2', 2, 'Message 2']]);
  assert.equal(page.warning, NO_UIDL_WARNING);
  assert.equal(page.nextOffset, 2);
  assert.deepEqual(await s.fetchRaw('INBOX', '2'), MESSAGES[1]);
  await assert.rejects(s.fetchRaw('INBOX', '9'), (err: unknown) => MailError.is(err, 'notFound'));
  await assert.rejects(s.deleteMessage('2'), (err: unknown) => MailError.is(err, 'server') && /UIDL/.test(err.message));
  assert.ok(received.includes('USER u') && received.includes('PASS secret-pw'));
  assert.ok(!received.some((l) => l.startsWith('DELE')));
});

test('CAPA without TOP: no TOP is sent, headers stay empty and the page says why', async () => {
  const { port, received } = await fake({ capa: ['USER', 'UIDL'], uidl: true });
  const page = await store(port).store.listMessages('INBOX', 0, 10);
  assert.deepEqual(page.messages.map((m) => [m.id, m.subject]), [['uid-3', ''], ['uid-2', ''], ['uid-1', '']]);
  assert.equal(page.warning, NO_TOP_WARNING);
  assert.ok(!received.some((l) => l.startsWith('TOP')));
});

test('no CAPA, no UIDL and no TOP: the first -ERR to TOP stops asking, both caveats are shown', async () => {
  const { port, received } = await fake({ top: false });
  const page = await store(port).store.listMessages('INBOX', 0, 10);
  assert.deepEqual(page.messages.map((m) => [m.id, m.subject, m.size]), MESSAGES.map((m, i) => [String(i + 1), '', m.length]).reverse());
  assert.equal(page.warning, `${NO_UIDL_WARNING} ${NO_TOP_WARNING}`);
  assert.equal(received.filter((l) => l.startsWith('TOP')).length, 1);
});

test('STLS advertised but refused: a TLS error, and no credentials sent', async () => {
  const { port, received } = await fake({ capa: ['STLS', 'USER'], stls: 'refuse' });
  await assert.rejects(store(port, 'starttls').store.listFolders(), (err: unknown) => MailError.is(err, 'tls') && err.serverText === 'TLS is not available right now');
  assert.deepEqual(received, ['CAPA', 'STLS', 'QUIT']);
});

test('plaintext injected after "+OK" to STLS is refused before any handshake or credentials', async () => {
  const { port, received } = await fake({ capa: ['STLS', 'USER'], stls: 'inject' });
  await assert.rejects(store(port, 'starttls').store.listFolders(), (err: unknown) => MailError.is(err, 'protocol'));
  assert.deepEqual(received, ['CAPA', 'STLS']);
});

test('a DELE that fails is undone with RSET before QUIT', async () => {
  const { port, received } = await fake({ capa: ['USER', 'UIDL', 'TOP'], uidl: true, dele: 'fail' });
  await assert.rejects(store(port).store.deleteMessage('uid-2'), (err: unknown) => MailError.is(err, 'server') && /SYS\/TEMP/.test(err.serverText ?? ''));
  assert.deepEqual(received.slice(-4), ['UIDL 2', 'DELE 2', 'RSET', 'QUIT']);
});

test('TOP refused for one message: it is listed without headers and the page says so; the others keep theirs', async () => {
  const { port, received } = await fake({ capa: ['USER', 'UIDL', 'TOP'], uidl: true, topRefusedFor: 2 });
  const page = await store(port).store.listMessages('INBOX', 0, 10);
  assert.deepEqual(page.messages.map((m) => [m.id, m.subject]), [['uid-3', 'Message 3'], ['uid-2', ''], ['uid-1', 'Message 1']]);
  assert.equal(page.warning, 'Message 2: the server refused TOP for it ([SYS/TEMP] cannot read message), so its subject and sender are not shown.');
  assert.deepEqual(received.filter((l) => l.startsWith('TOP')), ['TOP 3 0', 'TOP 2 0', 'TOP 1 0']);
});
