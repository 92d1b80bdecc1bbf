import { strict as assert } from 'node:assert';
import { AddressInfo, createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { SessionLimits } from '../../src/core/mailStore';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { FaultyProxy, startFaultyProxy } from '../servers/faultyProxy';
import { FixtureOptions, pop3Fixture } from './pop3Fixture';

// Faults a real server does not produce on demand, made by a loopback proxy in front of the real
// Dovecot (test/servers/faultyProxy.ts): replies arriving one byte per read, and a server that stops
// answering in the middle of a reply. Plain POP3, so that the proxy's splits reach the POP3 reader
// (TLS would reassemble its records first).
let server: DovecotServer;
let proxy: FaultyProxy;

const SMALL = [1, 2, 3].map((i) => Buffer.from(`From: "Sender ${i}" <s${i}@example.com>\r\nSubject: Small ${i}\r\nDate: Mon, 0${i} Jun 2026 10:00:00 +0000\r\n\r\nBody ${i}.\r\n`));
/** About 40 KB: lines starting with ".", a line that is only ".", Latin-1 bytes, a long base64 run. */
const BIG = Buffer.concat([
  Buffer.from('From: big@example.com\r\nSubject: =?ISO-8859-1?Q?Gr=F6=DFe?=\r\nContent-Type: text/plain; charset=ISO-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
  Buffer.from('.first line starts with a dot\r\n..\r\n.\r\nGr\xfc\xdfe aus M\xfcnchen\r\n', 'latin1'),
  Buffer.from(Array.from({ length: 500 }, (_, i) => `${i % 7 === 0 ? '.' : ''}${Buffer.alloc(54, i).toString('base64')}\r\n`).join('')),
  Buffer.from('.\r\nthe end\r\n'),
]);

before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', [...SMALL, BIG].map((raw) => ({ raw })));
  proxy = await startFaultyProxy({ host: server.host, port: server.ports.pop3NoTls }, { kind: 'passthrough' });
});

after(async () => {
  await proxy?.close();
  await server?.stop();
});

function direct(): ReturnType<typeof pop3Fixture> {
  return pop3Fixture(server, { account: { security: 'none', port: server.ports.pop3NoTls } });
}

function viaProxy(limits: Partial<SessionLimits> = {}, options: FixtureOptions = {}): ReturnType<typeof pop3Fixture> {
  return pop3Fixture(server, { ...options, account: { security: 'none', port: proxy.port }, limits });
}

const serverText = (lines: TrafficLine[]): string[] => lines.filter((l) => l.direction === 'server').map((l) => l.text);

async function bigId(): Promise<string> {
  const page = await direct().store.listMessages('INBOX', 0, 1);
  assert.equal(page.messages[0]!.seq, 4);
  return page.messages[0]!.id;
}

test('one byte per read: CAPA, UIDL, TOP and RETR complete with the same bytes as without the proxy', async () => {
  proxy.setMode({ kind: 'byteAtATime' });
  const slow = viaProxy();
  const fast = direct();

  assert.deepEqual(await slow.store.capabilities(), await fast.store.capabilities());
  const slowPage = await slow.store.listMessages('INBOX', 0, 10);
  assert.deepEqual(slowPage, await fast.store.listMessages('INBOX', 0, 10));
  assert.deepEqual(slowPage.messages.map((m) => m.subject), ['Größe', 'Small 3', 'Small 2', 'Small 1']);
  for (const [i, raw] of [...SMALL, BIG].entries()) {
    const id = slowPage.messages.find((m) => m.seq === i + 1)!.id;
    assert.deepEqual(await slow.store.fetchRaw('INBOX', id), raw, `message ${i + 1}`);
    await fast.store.fetchRaw('INBOX', id);
  }
  // The server said the same things both ways (the log is built from the bytes as received).
  assert.deepEqual(serverText(slow.lines), serverText(fast.lines));
  // The proxy really split the replies: most reads held a single byte.
  assert.ok(slow.tap.reads > slow.tap.bytes / 2, `${slow.tap.reads} reads for ${slow.tap.bytes} bytes`);
});

test('a server that stops answering in the middle of RETR ends in a timeout error, not a hang', async () => {
  const id = await bigId();
  proxy.setMode({ kind: 'passthrough' });
  const probe = viaProxy();
  assert.deepEqual(await probe.store.fetchRaw('INBOX', id), BIG);
  const total = probe.tap.bytes; // everything the server sends in this session; RETR's body is most of it

  proxy.setMode({ kind: 'stallAfter', bytes: total - BIG.length / 2 });
  const stalled = viaProxy({ socketTimeoutMs: 1000 });
  await assert.rejects(stalled.store.fetchRaw('INBOX', id), (err: unknown) => MailError.is(err, 'timeout'));
  assert.match(stalled.sent().at(-1)!, /^RETR \d+$/, 'it was RETR that did not finish');
  assert.ok(stalled.tap.bytes > BIG.length / 4 && stalled.tap.bytes < total);
  assert.ok(stalled.lines.some((l) => l.direction === 'info' && /^failed: .*did not answer/.test(l.text)));
});

test('a server that never greets ends in a timeout error', async () => {
  proxy.setMode({ kind: 'stallAfter', bytes: 0 });
  const { store, sent } = viaProxy({ greetingTimeoutMs: 500 });
  await assert.rejects(store.listFolders(), (err: unknown) => MailError.is(err, 'timeout') && /greeting/.test(err.message));
  assert.deepEqual(sent(), []);
});

test('cancelling (AbortSignal) or closing the store during a stalled RETR rejects with cancelled', async () => {
  const id = await bigId();
  proxy.setMode({ kind: 'stallAfter', bytes: 2000 });
  const controller = new AbortController();
  const aborted = viaProxy({}, { onLine: (l) => l.text.startsWith('RETR') && setImmediate(() => controller.abort()) });
  // 2000 bytes cover the greeting, CAPA, login, UIDL and LIST n, then the stall: RETR never completes.
  await assert.rejects(aborted.store.fetchRaw('INBOX', id, controller.signal), (err: unknown) => MailError.is(err, 'cancelled'));
  assert.match(aborted.sent().at(-1)!, /^RETR/);

  let closed = false;
  const closeOnce = (): void => {
    if (!closed) void closing.store.close();
    closed = true;
  };
  const closing = viaProxy({}, { onLine: (l) => l.text.startsWith('RETR') && setImmediate(closeOnce) });
  await assert.rejects(closing.store.fetchRaw('INBOX', id), (err: unknown) => MailError.is(err, 'cancelled'));
  // The store is usable again after close().
  proxy.setMode({ kind: 'passthrough' });
  assert.deepEqual(await closing.store.fetchRaw('INBOX', id), BIG);
});

test('an already aborted signal sends nothing', async () => {
  const { store, lines } = direct();
  await assert.rejects(store.listFolders(AbortSignal.abort()), (err: unknown) => MailError.is(err, 'cancelled'));
  assert.ok(!lines.some((l) => l.direction === 'client'));
});

test('a port where nothing listens is refused', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  for (const security of ['none', 'tls'] as const) {
    const { store } = pop3Fixture(server, { account: { security, port } });
    await assert.rejects(store.listFolders(), (err: unknown) => MailError.is(err, 'refused'), security);
  }
});

test('a message larger than maxMessageBytes is refused before RETR', async () => {
  const id = await bigId();
  const { store, sent } = pop3Fixture(server, { account: { security: 'none', port: server.ports.pop3NoTls }, maxMessageBytes: 10_000 });
  await assert.rejects(store.fetchRaw('INBOX', id), (err: unknown) => MailError.is(err, 'limit'));
  assert.ok(!sent().some((l) => l.startsWith('RETR')));
  assert.equal(sent().at(-1), 'QUIT');
});
