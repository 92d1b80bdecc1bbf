import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { MessageSummary } from '../../src/core/mailStore';
import { accessOf } from '../../src/core/accounts/account';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { pop3Writer } from '../../src/core/pop3/pop3Writer';
import { guardedWriter } from '../../src/core/write/guardedWriter';
import { MailWriter } from '../../src/core/write/mailWriter';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { StandardManifest, standardMailbox } from '../servers/sampleMail';
import { pop3Fixture } from './pop3Fixture';

// Browsing a POP3 maildrop on a real Dovecot: STAT, paging with TOP, UIDL ids, byte-exact RETR, and
// that browsing deletes nothing while deleting (the writer of a read-write account) deletes exactly one message.
let server: DovecotServer;
let manifest: StandardManifest;

before(async () => {
  server = await startDovecot();
  manifest = await standardMailbox(server);
});

after(async () => {
  await server?.stop();
});

async function listAll(store: Pop3Store, pageSize: number): Promise<MessageSummary[]> {
  const all: MessageSummary[] = [];
  let offset: number | undefined = 0;
  while (offset !== undefined) {
    const page = await store.listMessages('INBOX', offset, pageSize);
    all.push(...page.messages);
    offset = page.nextOffset;
  }
  return all;
}

/** Messages in the maildrop according to Dovecot itself, not through our client. */
async function messageIdsOnServer(): Promise<string[]> {
  const out = await server.doveadm(['-f', 'tab', 'fetch', '-u', manifest.user, 'hdr.message-id', 'mailbox', 'INBOX', 'all']);
  return out.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '');
}

/** The writer a read-write account's session hands out: pop3Writer behind the access guard. */
function writerOf(fixture: ReturnType<typeof pop3Fixture>): MailWriter {
  return guardedWriter(pop3Writer(fixture.store), () => accessOf(fixture.account), () => fixture.account.label);
}

const inbox = (id: string): { folder: string; uidValidity: undefined; ids: string[] } => ({ folder: 'INBOX', uidValidity: undefined, ids: [id] });

function byConnection(lines: TrafficLine[]): Map<string, TrafficLine[]> {
  const map = new Map<string, TrafficLine[]>();
  for (const line of lines) map.set(line.connection, [...(map.get(line.connection) ?? []), line]);
  return map;
}

test('INBOX is the only folder, with the count and size from STAT', async () => {
  const { store, sent } = pop3Fixture(server);
  const size = manifest.inbox.reduce((sum, m) => sum + m.raw.length, 0);
  assert.deepEqual(await store.listFolders(), [
    { path: 'INBOX', name: 'Inbox', delimiter: undefined, parentPath: undefined, specialUse: 'inbox', selectable: true, total: manifest.inbox.length, unseen: undefined, size },
  ]);
  assert.ok(sent().includes('STAT'));
});

test('the first page holds the newest messages, with subject, sender, date and size', async () => {
  const { store, sent } = pop3Fixture(server);
  const page = await store.listMessages('INBOX', 0, 10);
  const expected = manifest.inbox.slice(-10).reverse();
  assert.equal(page.total, manifest.inbox.length);
  assert.equal(page.nextOffset, 10);
  assert.equal(page.warning, undefined);
  assert.deepEqual(page.messages.map((m) => m.seq), expected.map((m) => m.position));
  assert.deepEqual(page.messages.map((m) => m.subject), expected.map((m) => m.subject));
  assert.deepEqual(page.messages.map((m) => m.size), expected.map((m) => m.raw.length));
  assert.deepEqual(page.messages.map((m) => m.date?.getTime()), expected.map((m) => m.date.getTime()));
  assert.ok(page.messages.every((m) => m.flags.length === 0 && m.from.length === 1 && m.from[0]!.address.includes('@')));
  // Headers come from TOP n 0 for this page only; no message is downloaded whole.
  const tops = sent().filter((l) => l.startsWith('TOP '));
  assert.deepEqual(tops, expected.map((m) => `TOP ${m.position} 0`));
  assert.ok(!sent().some((l) => l.startsWith('RETR')));
});

test('encoded subjects are decoded (RFC 2047 B and Q, raw UTF-8, folded, none)', async () => {
  const { store } = pop3Fixture(server);
  const all = await listAll(store, 50);
  const subjectOf = (position: number): string | undefined => all.find((m) => m.seq === position)?.subject;
  for (const name of ['encodedSubject', 'qEncodedSubject', 'rawUtf8Subject', 'folded', 'noSubject'] as const) {
    assert.equal(subjectOf(manifest.named[name].position), manifest.named[name].subject, name);
  }
});

test('paging walks from the newest to message 1; UIDL ids are unique and the same in another session', async () => {
  const first = await listAll(pop3Fixture(server).store, 7);
  assert.deepEqual(first.map((m) => m.seq), manifest.inbox.map((m) => m.position).reverse());
  assert.equal(new Set(first.map((m) => m.id)).size, manifest.inbox.length);
  const second = await listAll(pop3Fixture(server).store, 50);
  assert.deepEqual(second.map((m) => m.id), first.map((m) => m.id));
});

test('RETR returns every message byte for byte: CRLF, dot-stuffed lines and Latin-1 bytes intact', async () => {
  const { store } = pop3Fixture(server);
  const listed = await listAll(store, 50);
  const dot = manifest.named.dotLines.raw.toString('latin1');
  assert.match(dot, /\r\n\.hidden line\r\n\.\.two dots\r\n\.\r\n/); // the fixture really has what we test
  assert.ok(manifest.named.latin1Body.raw.includes(0xfc)); // "ü" in ISO-8859-1
  for (const message of manifest.inbox) {
    const id = listed.find((m) => m.seq === message.position)!.id;
    assert.deepEqual(await store.fetchRaw('INBOX', id), message.raw, `message ${message.position}`);
  }
  // A fresh store (no number hints) finds the message by UIDL alone.
  const fresh = pop3Fixture(server);
  const dotId = listed.find((m) => m.seq === manifest.named.dotLines.position)!.id;
  assert.deepEqual(await fresh.store.fetchRaw('INBOX', dotId), manifest.named.dotLines.raw);
  assert.ok(fresh.sent().includes('UIDL'));
});

test('after browsing and reading everything, every message is still in the maildrop with its flags; no session sent DELE', async () => {
  const flagsBefore = await server.flagsOf(server.users[0]!.user, 'INBOX');
  const { store, lines } = pop3Fixture(server);
  const listed = await listAll(store, 10);
  for (const m of listed) await store.fetchRaw('INBOX', m.id);
  await store.capabilities();
  assert.equal((await messageIdsOnServer()).length, manifest.inbox.length);
  // Dovecot marks RETR'd messages \Seen at QUIT unless the session RSETs first: reading changed no flag.
  assert.deepEqual(await server.flagsOf(server.users[0]!.user, 'INBOX'), flagsBefore);
  assert.equal((await store.listFolders())[0]!.total, manifest.inbox.length);
  for (const [connection, conversation] of byConnection(lines)) {
    const client = conversation.filter((l) => l.direction === 'client').map((l) => l.text);
    assert.ok(!client.some((l) => /^DELE/i.test(l)), connection);
    assert.equal(client.at(-1), 'QUIT', `${connection} ends with QUIT`);
  }
});

test('capabilities come from CAPA', async () => {
  const caps = await pop3Fixture(server).store.capabilities();
  for (const name of ['TOP', 'UIDL', 'RESP-CODES']) assert.ok(caps.includes(name), name);
});

test('unknown ids and folders are notFound', async () => {
  const { store } = pop3Fixture(server);
  await assert.rejects(store.fetchRaw('INBOX', 'no-such-uidl'), (err: unknown) => MailError.is(err, 'notFound'));
  await assert.rejects(store.listMessages('Sent', 0, 10), (err: unknown) => MailError.is(err, 'notFound'));
  await assert.rejects(writerOf(pop3Fixture(server, { account: { access: 'read-write' } })).deleteMessages(inbox('no-such-uidl')), (err: unknown) => MailError.is(err, 'notFound'));
  assert.equal((await messageIdsOnServer()).length, manifest.inbox.length);
});

test('deleting (read-write account) removes exactly that message, matched by UIDL, and nothing else', async () => {
  const browsing = pop3Fixture(server, { account: { access: 'read-write' } });
  const before = await listAll(browsing.store, 50);
  const idAt = (position: number): string => before.find((m) => m.seq === position)!.id;
  const serverBefore = await messageIdsOnServer();

  // From the store that listed it (number hint checked with UIDL n) …
  const first = idAt(manifest.named.plain.position);
  await writerOf(browsing).deleteMessages(inbox(first));
  // … and from a fresh store, which finds it through the whole UIDL list.
  const fresh = pop3Fixture(server, { account: { access: 'read-write' } });
  const second = idAt(manifest.named.flagged.position);
  await writerOf(fresh).deleteMessages(inbox(second));

  const afterIds = (await listAll(pop3Fixture(server).store, 50)).map((m) => m.id);
  assert.deepEqual(afterIds, before.map((m) => m.id).filter((id) => id !== first && id !== second));
  const gone = [`<inbox.${manifest.named.plain.position}@example.com>`, `<inbox.${manifest.named.flagged.position}@example.com>`];
  assert.deepEqual(await messageIdsOnServer(), serverBefore.filter((id) => !gone.some((g) => id.includes(g))));
  assert.equal((await messageIdsOnServer()).length, manifest.inbox.length - 2);

  // Exactly one DELE per delete session, re-checked with UIDL n right before it, then QUIT.
  for (const fixture of [browsing, fresh]) {
    const sessions = [...byConnection(fixture.lines).values()].map((c) => c.filter((l) => l.direction === 'client').map((l) => l.text));
    const deleting = sessions.filter((client) => client.some((l) => l.startsWith('DELE')));
    assert.equal(deleting.length, 1);
    const client = deleting[0]!;
    const dele = client.findIndex((l) => l.startsWith('DELE'));
    assert.equal(client.filter((l) => l.startsWith('DELE')).length, 1);
    assert.match(client[dele - 1]!, /^UIDL \d+$/);
    assert.equal(client[dele - 1]!.slice(5), client[dele]!.slice(5));
    assert.deepEqual(client.slice(dele + 1), ['QUIT']);
  }

  // The deleted message is gone for good; deleting it again changes nothing.
  await assert.rejects(fresh.store.fetchRaw('INBOX', first), (err: unknown) => MailError.is(err, 'notFound'));
  await assert.rejects(writerOf(fresh).deleteMessages(inbox(first)), (err: unknown) => MailError.is(err, 'notFound'));
  assert.equal((await messageIdsOnServer()).length, manifest.inbox.length - 2);
});

test('a page that is a small part of the maildrop asks UIDL n and LIST n for its own messages only', async () => {
  const { store, sent } = pop3Fixture(server);
  const page = await store.listMessages('INBOX', 0, 5);
  const total = page.total; // an earlier test deleted one message
  assert.ok(total > 20, 'the maildrop is larger than four pages of 5');
  assert.equal(page.messages.length, 5);
  const client = sent();
  assert.ok(!client.includes('UIDL') && !client.includes('LIST'), `no whole listing: ${client.join(' | ')}`);
  for (let n = total; n > total - 5; n--) {
    assert.ok(client.includes(`UIDL ${n}`) && client.includes(`LIST ${n}`) && client.includes(`TOP ${n} 0`), `message ${n}`);
  }
  assert.ok(!client.includes(`TOP ${total - 5} 0`), 'nothing outside the page');
});
