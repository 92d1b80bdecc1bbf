import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { ImapStore } from '../../src/core/imap/imapStore';
import { PageCursor } from '../../src/core/session/accountSession';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession, OtherDevice, seedMessages } from './support/liveFixture';

// The live session core against a real Dovecot, with a second IMAP client as "another device": pushed
// changes, a new folder generation, paging by UID, IDLE re-issue and the two-connection budget.
let server: DovecotServer;
let device: OtherDevice;
const USER = () => server.users[0]!.user;
const handles: LiveHandle[] = [];

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'Live', seedMessages('live', 5));
  await server.addMessages(USER(), 'Gen', seedMessages('old generation', 3));
  await server.addMessages(USER(), 'Paging', seedMessages('page', 30));
  await server.addMessages(USER(), 'Budget', seedMessages('budget', 2));
  await server.addMessages(USER(), 'Budget2', seedMessages('budget two', 2));
  await server.addMessages(USER(), 'Gap', seedMessages('gap', 3));
  device = await OtherDevice.connect(server);
});

after(async () => {
  for (const h of handles) await h.session.close().catch(() => undefined);
  await device?.close();
  await server?.stop();
});

function open(options: Parameters<typeof liveSession>[1] = {}): LiveHandle {
  const handle = liveSession(server, options);
  handles.push(handle);
  return handle;
}

test('new mail, an expunge and a flag change by another client arrive as events while the folder is watched', async (t) => {
  const h = open();
  await h.session.watch('Live');
  assert.equal(h.session.state, 'live');
  assert.ok(h.session.supports('idle') && h.session.supports('qresync'), 'features come from the live connection');
  // Dovecot announces AUTH=PLAIN only before login: that list is kept too.
  assert.ok(h.session.supports('sasl'), 'the capabilities before login count');

  let since = h.events.length;
  const uid = await device.deliver('Live', 'Pushed one');
  const delivered = Date.now();
  const arrived = await h.waitFor(isEvent('new', (e) => e.ids.includes(String(uid))), 10_000, since);
  t.diagnostic(`delivery → 'new' event: ${arrived.at - delivered} ms`);
  assert.equal(arrived.event.folder, 'Live');
  assert.equal(arrived.event.exists, 6);

  since = h.events.length;
  await device.addFlags('Live', [2], ['\\Flagged']);
  const flagged = Date.now();
  const flags = await h.waitFor(isEvent('flags', (e) => e.id === '2'), 10_000, since);
  t.diagnostic(`flag change → 'flags' event: ${flags.at - flagged} ms`);
  assert.ok(flags.event.flags.includes('\\Flagged'));
  assert.match(flags.event.modseq ?? '', /^\d+$/, 'the flag change carries its MODSEQ');

  since = h.events.length;
  await device.expunge('Live', [1]);
  const expunged = Date.now();
  const gone = await h.waitFor(isEvent('expunged', (e) => e.ids.includes('1')), 10_000, since);
  t.diagnostic(`expunge → 'expunged' event: ${gone.at - expunged} ms`);
  assert.equal(gone.event.vanished, true, 'with QRESYNC enabled Dovecot reports VANISHED');
  assert.match(h.text(), /S: \* VANISHED 1/);
  await h.session.close();
});

test('mail that arrives after the folder was listed but before its watch began is reported as new (a window reload restores an expanded folder: listing first, watch second)', async () => {
  const h = open();
  const page = await h.session.listPage('Gap', undefined, 10);
  assert.deepEqual(page.messages.map((m) => m.subject), ['gap 3', 'gap 2', 'gap 1']);
  const uid = await device.deliver('Gap', 'arrived in the gap');
  const since = h.events.length;
  await h.session.watch('Gap');
  const arrived = await h.waitFor(isEvent('new', (e) => e.ids.includes(String(uid))), 5_000, since);
  assert.equal(arrived.event.exists, 4);
  assert.deepEqual(arrived.event.ids, [String(uid)], 'only what the listing did not have');
  await h.session.close();
});

test('a folder deleted and re-created under the same name: a uidValidity event, and the old generation is refused', async () => {
  const h = open();
  const first = await h.session.listPage('Gen', undefined, 10);
  const old = first.uidValidity!;
  assert.deepEqual(first.messages.map((m) => m.subject), ['old generation 3', 'old generation 2', 'old generation 1']);
  await h.session.watch('Gen');

  await device.recreate('Gen');
  const newUid = await device.deliver('Gen', 'new generation 1');
  assert.equal(newUid, 1, 'the re-created folder starts its UIDs at 1 again');
  const changed = await h.waitFor(isEvent('uidValidity'));
  assert.equal(changed.event.previous, old);
  assert.notEqual(changed.event.current, old);
  await h.waitFor(isEvent('anomaly', (e) => /UIDVALIDITY/.test(e.message)));

  const store = h.session.store as ImapStore;
  await assert.rejects(
    store.fetchRawAt({ folder: 'Gen', uidValidity: old, id: '1' }),
    (error: unknown) => {
      assert.ok(MailError.is(error, 'notFound'));
      assert.equal(error.detail?.kind, 'staleGeneration');
      assert.match(error.message, /earlier generation of the folder "Gen"/);
      return true;
    },
  );
  await assert.rejects(store.fetchStructureAt({ folder: 'Gen', uidValidity: old, id: '1' }), (e: unknown) => MailError.is(e, 'notFound') && e.detail?.kind === 'staleGeneration');
  await assert.rejects(store.fetchPartAt({ folder: 'Gen', uidValidity: old, id: '1' }, '1'), (e: unknown) => MailError.is(e, 'notFound') && e.detail?.kind === 'staleGeneration');
  // A cursor of the old generation is refused too: its UIDs no longer line up with the folder.
  const staleCursor: PageCursor = { kind: 'uid', beforeUid: 3, uidValidity: old };
  await assert.rejects(h.session.listPage('Gen', staleCursor, 10), (e: unknown) => MailError.is(e, 'notFound') && e.detail?.kind === 'staleGeneration');
  // The new generation is served under its own UIDVALIDITY.
  const raw = (await store.fetchRawAt({ folder: 'Gen', uidValidity: changed.event.current, id: '1' })).toString('latin1');
  assert.match(raw, /Subject: new generation 1/);
  await h.session.close();
});

test('paging by UID: 10 delivered and 5 expunged between two pages, the union has each message exactly once', async () => {
  const h = open();
  const first = await h.session.listPage('Paging', undefined, 10);
  assert.deepEqual(first.messages.map((m) => Number(m.id)), [30, 29, 28, 27, 26, 25, 24, 23, 22, 21]);
  assert.deepEqual(first.next, { kind: 'uid', beforeUid: 21, uidValidity: first.uidValidity });

  for (let i = 1; i <= 10; i++) await device.deliver('Paging', `arrived ${i}`);
  // Two from the first page (already shown), three from below the cursor (not shown yet).
  await device.expunge('Paging', [30, 22, 20, 15, 3]);

  const seen = [...first.messages.map((m) => m.id)];
  let cursor: PageCursor | undefined = first.next;
  while (cursor) {
    const page = await h.session.listPage('Paging', cursor, 10);
    seen.push(...page.messages.map((m) => m.id));
    cursor = page.next;
  }
  assert.equal(new Set(seen).size, seen.length, `no message twice: ${seen.join(',')}`);
  const expected = [30, 29, 28, 27, 26, 25, 24, 23, 22, 21, ...Array.from({ length: 20 }, (_, i) => 20 - i).filter((uid) => ![20, 15, 3].includes(uid))];
  assert.deepEqual(seen.map(Number), expected, 'every message below the first page exactly once, the expunged ones left out');
  // The offset pager on the same folder now would start its second page inside the first one's messages.
  const byOffset = await h.session.store.listMessages('Paging', 10, 10);
  assert.ok(byOffset.messages.some((m) => first.messages.some((f) => f.id === m.id)), 'offset paging repeats: why pages go by UID');
  await h.session.close();
});

test('the watcher re-issues IDLE before the configured period, and an account holds at most two connections', async () => {
  const period = 800;
  const h = open({ imap: { idleRestartMs: period } });
  await h.session.listPage('Budget', undefined, 10);
  await h.session.watch('Budget');
  // Only a watch connection ENABLEs QRESYNC.
  const watchId = h.lines.find((l) => l.direction === 'client' && / ENABLE QRESYNC$/.test(l.text))?.connection;
  assert.ok(watchId);
  await new Promise((resolve) => setTimeout(resolve, period * 4));
  const idles = h.lines.filter((l) => l.connection === watchId && l.direction === 'client' && /^\S+ IDLE$/.test(l.text));
  const dones = h.lines.filter((l) => l.connection === watchId && l.direction === 'client' && l.text === 'DONE');
  assert.ok(idles.length >= 3, `IDLE re-issued: ${idles.length} IDLE commands`);
  assert.ok(dones.length >= 2, `each IDLE ended with DONE: ${dones.length}`);
  const gaps = idles.slice(1).map((l, i) => l.at - idles[i]!.at);
  assert.ok(Math.max(...gaps) < period + 1000, `IDLE restarted about every ${period} ms: gaps ${gaps.join(', ')} ms`);

  await h.session.watch('Budget2'); // at most one watched folder: the first watch is stopped
  assert.equal(h.session.watchedFolder, 'Budget2');
  await h.session.listPage('Budget', undefined, 10);
  const who = await connectionsOf(USER());
  assert.equal(who, 2, 'one connection for commands, one idling');
  const open_ = openConnections(h);
  assert.equal(open_.length, 2, `open connections in the traffic tap: ${open_.join(', ')}`);
  await h.session.close();
  assert.equal(openConnections(h).length, 0, 'close() closes every connection');
});

/** Connections of `user` that Dovecot counts (doveadm who), other than the other device's. */
async function connectionsOf(user: string): Promise<number> {
  const out = await server.doveadm(['-f', 'tab', 'who', user]);
  let total = 0;
  for (const line of out.split('\n').slice(1)) {
    const [name, count, service] = line.split('\t');
    if (name === user && service === 'imap') total += Number(count);
  }
  return total - 1; // the other device
}

/** Connection ids of the tap that connected and have not closed. */
function openConnections(h: LiveHandle): string[] {
  const ids = new Set<string>();
  for (const l of h.lines) {
    if (l.direction !== 'info') continue;
    if (/^connected/.test(l.text)) ids.add(l.connection);
    if (/(closed|disconnected|failed)/.test(l.text)) ids.delete(l.connection);
  }
  return [...ids];
}
