import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { formatTrafficLine } from '../../src/core/traffic/trafficTap';
import { transferBetweenAccounts } from '../../src/core/write/crossAccount';
import { UndoPlan } from '../../src/core/write/mailWriter';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession } from './support/liveFixture';
import { FetchedMessage, OtherClient } from './support/otherClient';

// Copy and move between two accounts (two users of one Dovecot) by FETCH + APPEND: python3 imaplib, logged in as
// each user, sees in the target exactly the source's bytes, flags and INTERNALDATE, and for a move the source
// without exactly the transferred messages.
let server: DovecotServer;
let alice: LiveHandle;
let bob: LiveHandle;
let aliceImap: OtherClient;
let bobImap: OtherClient;

const message = (name: string): string =>
  [`From: alice@example.com`, 'To: bob@example.com', `Subject: ${name}`, `Message-ID: <${name}@example.com>`, 'Content-Type: text/plain; charset=ISO-8859-1', '', `Body of ${name} with 8-bit: \u00e9.`, ''].join('\r\n');
const DATES = [new Date('2019-03-01T08:00:00Z'), new Date('2020-07-15T12:30:45Z'), new Date('2021-12-31T23:59:59Z'), new Date('2022-01-02T03:04:05Z'), new Date('2023-05-06T07:08:09Z')];

before(async () => {
  server = await startDovecot({ users: [{ user: 'alice', password: 'alice-secret-pw' }, { user: 'bob', password: 'bob-secret-pw' }] });
  await server.addMessages('alice', 'Outgoing', [
    { raw: Buffer.from(message('t1'), 'latin1'), flags: 'S', date: DATES[0] },
    { raw: Buffer.from(message('t2'), 'latin1'), flags: 'FR', date: DATES[1] },
    { raw: Buffer.from(message('t3'), 'latin1'), flags: '', date: DATES[2] },
    { raw: Buffer.from(message('t4'), 'latin1'), flags: 'T', date: DATES[3] },
    { raw: Buffer.from(message('t5'), 'latin1'), flags: 'S', date: DATES[4] },
  ]);
  aliceImap = new OtherClient(server);
  bobImap = new OtherClient(server, server.ports.imap, server.users[1]!);
  await bobImap.create('Incoming');
  alice = liveSession(server);
  bob = liveSession(server, {}, server.users[1]!);
  alice.session.setAccess('read-write');
  bob.session.setAccess('read-write');
});

after(async () => {
  await alice?.session.close().catch(() => undefined);
  await bob?.session.close().catch(() => undefined);
  await server?.stop();
});

const trafficSince = (h: LiveHandle, from: number): string => h.lines.slice(from).map(formatTrafficLine).join('\n');

function assertSameMessage(copy: FetchedMessage, original: FetchedMessage, what: string): void {
  assert.ok(copy.bytes.equals(original.bytes), `${what}: same bytes`);
  assert.deepEqual([...copy.flags].sort(), [...original.flags].sort(), `${what}: same flags`);
  assert.equal(copy.internalDate.getTime(), original.internalDate.getTime(), `${what}: same internal date`);
}

test('copy to another account: FETCH BODY.PEEK[] + APPEND keeps bytes, flags and internal date; the source is untouched; Undo removes the copies', async () => {
  const uidValidity = (await aliceImap.status('Outgoing')).uidValidity;
  const sourceBefore = await aliceImap.snapshot('Outgoing');
  const progress: [number, number][] = [];
  const aliceSent = alice.lines.length;
  const bobSent = bob.lines.length;

  const result = await transferBetweenAccounts(alice.session, { folder: 'Outgoing', uidValidity, ids: ['1', '2'] }, bob.session, 'Incoming', { move: false, onProgress: (done, total) => progress.push([done, total]) });

  assert.deepEqual(progress, [[0, 2], [1, 2], [2, 2]]);
  assert.equal(result.cancelled, false);
  assert.deepEqual(result.removed, []);
  assert.deepEqual(result.transferred, [{ sourceId: '1', targetId: '1' }, { sourceId: '2', targetId: '2' }]);
  assert.equal(result.target.uidValidity, (await bobImap.status('Incoming')).uidValidity);
  for (const t of result.transferred) assertSameMessage(await bobImap.fetchMessage('Incoming', Number(t.targetId)), await aliceImap.fetchMessage('Outgoing', Number(t.sourceId)), `UID ${t.sourceId}`);
  assert.deepEqual(await aliceImap.snapshot('Outgoing'), sourceBefore, 'the source is unchanged (no \\Seen set, MODSEQs the same)');
  assert.match(trafficSince(alice, aliceSent), /C: \w+ UID FETCH 1 \(UID FLAGS INTERNALDATE BODY\.PEEK\[\]( MODSEQ)?\)\n/);
  assert.doesNotMatch(trafficSince(alice, aliceSent), /C: \w+ (SELECT|UID STORE|UID EXPUNGE|APPEND)/);
  assert.match(trafficSince(bob, bobSent), /C: \w+ APPEND "Incoming" \(\\Seen\) "01-Mar-2019 08:00:00 \+0000" \{\d+\+?\}/);
  assert.match(trafficSince(bob, bobSent), /C: \w+ APPEND "Incoming" \(\\Answered \\Flagged\) "15-Jul-2020 12:30:45 \+0000" \{\d+\+?\}/);

  assert.equal(result.undo.possible, true);
  await bob.session.writer.undo((result.undo as { plan: UndoPlan }).plan);
  assert.equal((await bobImap.snapshot('Incoming')).length, 0);
});

test('move to another account: the transferred messages (and only they) leave the source, by UID EXPUNGE', async () => {
  const uidValidity = (await aliceImap.status('Outgoing')).uidValidity;
  const originals = new Map<string, FetchedMessage>();
  for (const id of ['3', '4']) originals.set(id, await aliceImap.fetchMessage('Outgoing', Number(id)));
  const bobBefore = (await bobImap.snapshot('Incoming')).length;
  const aliceSent = alice.lines.length;
  const since = alice.events.length;

  const result = await transferBetweenAccounts(alice.session, { folder: 'Outgoing', uidValidity, ids: ['3', '4'] }, bob.session, 'Incoming', { move: true });

  assert.deepEqual(result.removed, ['3', '4']);
  assert.equal(result.undo.possible, false);
  assert.equal((await bobImap.snapshot('Incoming')).length, bobBefore + 2);
  for (const t of result.transferred) assertSameMessage(await bobImap.fetchMessage('Incoming', Number(t.targetId)), originals.get(t.sourceId)!, `UID ${t.sourceId}`);
  assert.deepEqual((await aliceImap.snapshot('Outgoing')).map((m) => m.uid), [1, 2, 5], 'only the moved ones are gone');
  assert.match(trafficSince(alice, aliceSent), /C: \w+ UID STORE 3:4 \+FLAGS\.SILENT \(\\Deleted\)\n[\s\S]*C: \w+ UID EXPUNGE 3:4\n/);
  const gone = await alice.waitFor(isEvent('expunged', (e) => e.folder === 'Outgoing'), 1000, since);
  assert.deepEqual(gone.event.ids, ['3', '4']);
});

test('cancel between messages: what was transferred stays transferred (a move removes exactly those originals); the rest stays in the source', async () => {
  await server.addMessages('alice', 'Batch', [{ raw: message('b1') }, { raw: message('b2') }, { raw: message('b3') }]);
  const uidValidity = (await aliceImap.status('Batch')).uidValidity;
  const bobBefore = (await bobImap.snapshot('Incoming')).length;
  const controller = new AbortController();

  const result = await transferBetweenAccounts(alice.session, { folder: 'Batch', uidValidity, ids: ['1', '2', '3'] }, bob.session, 'Incoming', {
    move: true,
    signal: controller.signal,
    onProgress: (done) => {
      if (done === 1) controller.abort();
    },
  });

  assert.equal(result.cancelled, true);
  assert.deepEqual(result.transferred.map((t) => t.sourceId), ['1']);
  assert.deepEqual(result.notTransferred, ['2', '3']);
  assert.deepEqual(result.removed, ['1']);
  assert.equal((await bobImap.snapshot('Incoming')).length, bobBefore + 1);
  assert.deepEqual((await aliceImap.snapshot('Batch')).map((m) => m.uid), [2, 3]);
});

test('a failure part way is MailError partial naming what was transferred; the source keeps what was not', async () => {
  await server.addMessages('alice', 'Fails', [{ raw: message('f1') }, { raw: message('f2') }]);
  const uidValidity = (await aliceImap.status('Fails')).uidValidity;
  const bobBefore = (await bobImap.snapshot('Incoming')).length;
  // UID 9 does not exist: the transfer stops there after UID 1 went over.
  await assert.rejects(transferBetweenAccounts(alice.session, { folder: 'Fails', uidValidity, ids: ['1', '9', '2'] }, bob.session, 'Incoming', { move: true }), (error: unknown) => {
    assert.ok(MailError.is(error, 'partial'));
    assert.match(error.message, /^1 of 3 message\(s\) were moved to "Incoming" on "live"\. Stopped at UID 9: Message UID 9 is no longer in Fails\. The other 2 are still only in "Fails"\.$/);
    assert.equal(error.detail?.kind, 'partial');
    return true;
  });
  assert.equal((await bobImap.snapshot('Incoming')).length, bobBefore + 1);
  assert.deepEqual((await aliceImap.snapshot('Fails')).map((m) => m.uid), [2]);
});

test('refused before anything is sent: a read-only target, or a move from a read-only source', async () => {
  const uidValidity = (await aliceImap.status('Outgoing')).uidValidity;
  const before = await aliceImap.snapshot('Outgoing');
  bob.session.setAccess('read-only');
  try {
    await assert.rejects(transferBetweenAccounts(alice.session, { folder: 'Outgoing', uidValidity, ids: ['1'] }, bob.session, 'Incoming', { move: false }), (error: unknown) => MailError.is(error, 'readOnly'));
  } finally {
    bob.session.setAccess('read-write');
  }
  alice.session.setAccess('read-only');
  try {
    const bobBefore = (await bobImap.snapshot('Incoming')).length;
    await assert.rejects(transferBetweenAccounts(alice.session, { folder: 'Outgoing', uidValidity, ids: ['1'] }, bob.session, 'Incoming', { move: true }), (error: unknown) => MailError.is(error, 'readOnly'));
    assert.equal((await bobImap.snapshot('Incoming')).length, bobBefore);
  } finally {
    alice.session.setAccess('read-write');
  }
  assert.deepEqual(await aliceImap.snapshot('Outgoing'), before);
});
