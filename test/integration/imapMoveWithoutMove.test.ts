import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { formatTrafficLine } from '../../src/core/traffic/trafficTap';
import { UndoPlan } from '../../src/core/write/mailWriter';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession } from './support/liveFixture';
import { OtherClient } from './support/otherClient';

// Moving on servers that lack MOVE (RFC 6851), and also UIDPLUS (RFC 4315) and SPECIAL-USE: Dovecot with its
// CAPABILITY list narrowed (`imap_capability`), each result checked by python3 imaplib. With UIDPLUS a move is
// COPY + STORE \Deleted + UID EXPUNGE of exactly the moved messages; without it, only a plain EXPUNGE could remove
// the originals, and it would take the folder's other \Deleted messages too, so that happens only when asked.

function message(name: string): string {
  return [`From: seed@example.com`, 'To: alice@example.com', `Subject: ${name}`, `Message-ID: <${name}@example.com>`, '', `Body of ${name}.`, ''].join('\r\n');
}

interface Setup {
  server: DovecotServer;
  other: OtherClient;
  h: LiveHandle;
}

async function setUp(capabilities: string): Promise<Setup> {
  const server = await startDovecot({ imapCapability: capabilities });
  const h = liveSession(server);
  h.session.setAccess('read-write');
  return { server, other: new OtherClient(server), h };
}

async function tearDown(s: Setup | undefined): Promise<void> {
  await s?.h.session.close().catch(() => undefined);
  await s?.server.stop();
}

const trafficSince = (h: LiveHandle, from: number): string => h.lines.slice(from).map(formatTrafficLine).join('\n');

async function bytesOf(other: OtherClient, folder: string): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const row of await other.snapshot(folder)) out.set(row.uid, (await other.fetchMessage(folder, row.uid)).bytes.toString('latin1'));
  return out;
}

describe('a Dovecot without MOVE (UIDPLUS offered)', () => {
  let s: Setup;
  before(async () => {
    s = await setUp(capabilitiesWithout('MOVE'));
  });
  after(() => tearDown(s));

  test('move is UID COPY + UID STORE \\Deleted + UID EXPUNGE of exactly the moved ones: another \\Deleted message stays; Undo moves them back', async () => {
    const { server, other, h } = s;
    const user = server.users[0]!.user;
    await server.addMessages(user, 'Src', [{ raw: message('m1') }, { raw: message('m2'), flags: 'F' }, { raw: message('m3') }, { raw: message('m4-deleted'), flags: 'T' }]);
    await other.create('Dst');
    const originals = await bytesOf(other, 'Src');
    const uidValidity = (await other.status('Src')).uidValidity;
    assert.deepEqual(await h.session.writer.planMove({ folder: 'Src', uidValidity, ids: ['1', '2'] }, 'Dst'), { method: 'copyExpunge', otherDeleted: 0, uidplus: true });
    const sent = h.lines.length;
    const since = h.events.length;

    const result = await h.session.writer.moveMessages({ folder: 'Src', uidValidity, ids: ['1', '2'] }, 'Dst');

    assert.equal(result.method, 'copyExpunge');
    assert.deepEqual([...result.idMap], [['1', '1'], ['2', '2']]);
    const target = await bytesOf(other, 'Dst');
    for (const [from, to] of result.idMap) assert.equal(target.get(Number(to)), originals.get(Number(from)), `UID ${from} is at UID ${to} in the target`);
    assert.deepEqual((await other.snapshot('Src')).map((m) => [m.uid, m.flags]), [[3, []], [4, ['\\Deleted']]], 'only the moved ones were expunged');
    const traffic = trafficSince(h, sent);
    assert.match(traffic, /C: \w+ UID COPY 1:2 "Dst"\n.*S: \w+ OK \[COPYUID \d+ 1:2 1:2\][^\n]*\n[\s\S]*C: \w+ UID STORE 1:2 \+FLAGS\.SILENT \(\\Deleted\)\n[\s\S]*C: \w+ UID EXPUNGE 1:2\n/);
    assert.doesNotMatch(traffic, /MOVE|C: \w+ EXPUNGE/);
    const gone = await h.waitFor(isEvent('expunged', (e) => e.folder === 'Src'), 1000, since);
    assert.deepEqual(gone.event.ids, ['1', '2']);

    assert.equal(result.undo.possible, true);
    await h.session.writer.undo((result.undo as { plan: UndoPlan }).plan);
    assert.equal((await other.snapshot('Dst')).length, 0);
    const back = await bytesOf(other, 'Src');
    assert.deepEqual([...back.values()].sort(), [...originals.values()].sort(), 'every original is back, byte for byte; m4 still \\Deleted');
    assert.deepEqual((await other.snapshot('Src')).filter((m) => m.flags.includes('\\Deleted')).length, 1);
  });
});

describe('a Dovecot without MOVE, UIDPLUS and SPECIAL-USE', () => {
  let s: Setup;
  before(async () => {
    s = await setUp(capabilitiesWithout('MOVE', 'UIDPLUS', 'SPECIAL-USE'));
  });
  after(() => tearDown(s));

  test('planMove counts the other \\Deleted messages; without expungeOthers the originals are only marked \\Deleted and nothing is expunged; no Undo, with the reason', async () => {
    const { server, other, h } = s;
    const user = server.users[0]!.user;
    await server.addMessages(user, 'Old', [{ raw: message('o1') }, { raw: message('o2') }, { raw: message('o3-deleted'), flags: 'T' }]);
    await other.create('OldDst');
    const originals = await bytesOf(other, 'Old');
    const uidValidity = (await other.status('Old')).uidValidity;

    const plan = await h.session.writer.planMove({ folder: 'Old', uidValidity, ids: ['1'] }, 'OldDst');
    assert.deepEqual(plan, { method: 'copyMarkDeleted', otherDeleted: 1, uidplus: false });
    const sent = h.lines.length;
    const result = await h.session.writer.moveMessages({ folder: 'Old', uidValidity, ids: ['1'] }, 'OldDst');

    assert.equal(result.method, 'copyMarkDeleted');
    assert.equal(result.idMap.size, 0);
    assert.deepEqual(result.undo, { possible: false, why: 'the server did not say which UIDs the copies got (no UIDPLUS), so they cannot be found again safely' });
    assert.deepEqual((await other.snapshot('Old')).map((m) => [m.uid, m.flags]), [[1, ['\\Deleted']], [2, []], [3, ['\\Deleted']]], 'the original is marked \\Deleted, the other \\Deleted message is still there');
    assert.deepEqual([...(await bytesOf(other, 'OldDst')).values()], [originals.get(1)], 'the copy is in the target');
    const traffic = trafficSince(h, sent);
    assert.match(traffic, /C: \w+ UID COPY 1 "OldDst"\n[\s\S]*C: \w+ UID STORE 1 \+FLAGS \(\\Deleted\)\n/);
    assert.doesNotMatch(traffic, /EXPUNGE/);
    // Dovecot's imap_capability narrows only what it announces: it still answers COPYUID. A server that does not
    // announce UIDPLUS has promised nothing, so its codes are not read (idMap is empty above, and there is no Undo).
    assert.match(traffic, /S: \w+ OK \[COPYUID /);
  });

  test('with expungeOthers the move ends in a plain EXPUNGE, which also removes the other \\Deleted message (as planMove said)', async () => {
    const { server, other, h } = s;
    const user = server.users[0]!.user;
    await server.addMessages(user, 'Old2', [{ raw: message('p1') }, { raw: message('p2') }, { raw: message('p3-deleted'), flags: 'T' }]);
    const uidValidity = (await other.status('Old2')).uidValidity;
    const plan = await h.session.writer.planMove({ folder: 'Old2', uidValidity, ids: ['1'] }, 'OldDst');
    assert.equal(plan.otherDeleted, 1);
    const sent = h.lines.length;
    const since = h.events.length;

    const result = await h.session.writer.moveMessages({ folder: 'Old2', uidValidity, ids: ['1'] }, 'OldDst', { expungeOthers: true });

    assert.equal(result.method, 'copyExpunge');
    assert.deepEqual((await other.snapshot('Old2')).map((m) => m.uid), [2], 'the moved one and the other \\Deleted one are gone');
    assert.match(trafficSince(h, sent), /C: \w+ UID STORE 1 \+FLAGS \(\\Deleted\)\n[\s\S]*C: \w+ UID SEARCH DELETED\n[\s\S]*C: \w+ EXPUNGE\n/);
    const gone = await h.waitFor(isEvent('expunged', (e) => e.folder === 'Old2'), 1000, since);
    assert.deepEqual(gone.event.ids, ['1', '3']);
  });

  test('removeMessages is refused without UIDPLUS, before anything is sent', async () => {
    const { server, other, h } = s;
    await server.addMessages(server.users[0]!.user, 'Keep', [{ raw: message('k1') }]);
    const before = await other.snapshot('Keep');
    const sent = h.lines.length;
    await assert.rejects(h.session.writer.removeMessages({ folder: 'Keep', uidValidity: (await other.status('Keep')).uidValidity, ids: ['1'] }), (error: unknown) => MailError.is(error, 'unsupported') && /UIDPLUS/.test(error.message));
    assert.doesNotMatch(trafficSince(h, sent), /C: \w+ /);
    assert.deepEqual(await other.snapshot('Keep'), before);
  });

  test('delete without a server-marked Trash (no SPECIAL-USE) marks \\Deleted, even with a folder named "Trash"; Undo takes it off', async () => {
    const { server, other, h } = s;
    await server.addMessages(server.users[0]!.user, 'Del', [{ raw: message('d1') }, { raw: message('d2') }]);
    const before = await other.snapshot('Del');
    const trashBefore = await other.snapshot('Trash');
    const uidValidity = (await other.status('Del')).uidValidity;
    const sent = h.lines.length;

    const result = await h.session.writer.deleteMessages({ folder: 'Del', uidValidity, ids: ['2'] });

    assert.equal(result.method, 'flagged');
    assert.deepEqual((await other.snapshot('Del')).map((m) => [m.uid, m.flags]), [[1, []], [2, ['\\Deleted']]]);
    assert.deepEqual(await other.snapshot('Trash'), trashBefore, 'nothing was moved to the folder merely named Trash');
    assert.match(trafficSince(h, sent), /-- no folder is marked \\Trash \(SPECIAL-USE\): deleting marks \\Deleted\n[\s\S]*C: \w+ UID STORE 2 \+FLAGS \(\\Deleted\)\n/);
    assert.equal(result.undo.possible, true);
    await h.session.writer.undo((result.undo as { plan: UndoPlan }).plan);
    assert.deepEqual((await other.snapshot('Del')).map((m) => [m.uid, m.flags]), before.map((m) => [m.uid, m.flags]));
  });
});
