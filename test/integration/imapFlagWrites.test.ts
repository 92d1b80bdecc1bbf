import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { FLAG_COMMANDS, FlagCommand } from '../../src/core/write/flagCommands';
import { FlagChange, LoadedFlags } from '../../src/core/write/mailWriter';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { isEvent, LiveHandle, liveSession, seedMessages } from './support/liveFixture';
import { byUid, MessageState, OtherClient } from './support/otherClient';

// Flag writes against a real Dovecot, checked by another client (python3 imaplib): every flag command of the table
// on one and on several messages changes exactly that flag of exactly those messages (FLAGS and MODSEQ of the whole
// folder compared before and after); STORE carries UNCHANGEDSINCE and a change by another client in between is a
// conflict that overwrites nothing; Undo restores exactly the flags before; a refused STORE carries the server's words.
let server: DovecotServer;
let other: OtherClient;
const USER = (): string => server.users[0]!.user;
const handles: LiveHandle[] = [];

before(async () => {
  server = await startDovecot();
  other = new OtherClient(server);
  for (const command of FLAG_COMMANDS) await server.addMessages(USER(), folderOf(command), seedMessages(command.id, 4));
  await server.addMessages(USER(), 'Conflict', seedMessages('conflict', 3));
  await server.addMessages(USER(), 'Undo', [...seedMessages('undo read', 1, 'S'), ...seedMessages('undo unread', 2), ...seedMessages('undo flagged', 1, 'F')]);
  await server.addMessages(USER(), 'Refused', seedMessages('refused', 2));
  await server.addMessages(USER(), 'Plain', seedMessages('plain', 2));
});

after(async () => {
  for (const h of handles) await h.session.close().catch(() => undefined);
  await server?.stop();
});

function open(): LiveHandle {
  const h = liveSession(server);
  h.session.setAccess('read-write');
  handles.push(h);
  return h;
}

function folderOf(command: FlagCommand): string {
  return `Cmd ${command.id}`;
}

/** The folder as the user loaded it (listed through the session: flags and, with CONDSTORE, MODSEQ). */
async function load(h: LiveHandle, folder: string): Promise<{ folder: string; uidValidity: number | undefined; byId: Map<string, LoadedFlags> }> {
  const page = await h.session.listPage(folder, undefined, 50);
  return { folder, uidValidity: page.uidValidity, byId: new Map(page.messages.map((m) => [m.id, { id: m.id, flags: m.flags, ...(m.modseq ? { modseq: m.modseq } : {}) }])) };
}

function pick(loaded: Awaited<ReturnType<typeof load>>, uids: readonly number[]): { folder: string; uidValidity: number | undefined; messages: LoadedFlags[] } {
  return { folder: loaded.folder, uidValidity: loaded.uidValidity, messages: uids.map((uid) => loaded.byId.get(String(uid))!) };
}

/** FLAGS after the change, as a server applies +FLAGS then -FLAGS. */
function applied(flags: readonly string[], change: FlagChange): string[] {
  const lower = (f: string): string => f.toLowerCase();
  const out = flags.filter((f) => !(change.remove ?? []).some((r) => lower(r) === lower(f)));
  for (const f of change.add ?? []) if (!out.some((o) => lower(o) === lower(f))) out.push(f);
  return out.sort();
}

/** Only `targets` differ between the two snapshots, each exactly by `change`, with a higher MODSEQ; the others are untouched. */
function assertOnlyChanged(beforeState: readonly MessageState[], afterState: readonly MessageState[], targets: readonly number[], change: FlagChange, what: string): void {
  const was = byUid(beforeState);
  const now = byUid(afterState);
  assert.deepEqual([...now.keys()], [...was.keys()], `${what}: the same messages are in the folder`);
  for (const [uid, previous] of was) {
    const current = now.get(uid)!;
    if (targets.includes(uid)) {
      assert.deepEqual(current.flags, applied(previous.flags, change), `${what}: UID ${uid} changed exactly by the command`);
      assert.ok(BigInt(current.modseq!) > BigInt(previous.modseq!), `${what}: UID ${uid}'s MODSEQ rose (${previous.modseq} → ${current.modseq})`);
    } else {
      assert.deepEqual(current, previous, `${what}: UID ${uid} is untouched (FLAGS and MODSEQ)`);
    }
  }
}

const wire = (flags: readonly string[] | undefined): string => (flags ?? []).map((f) => f.replace(/[\\$]/g, (c) => `\\${c}`)).join(' ');

test('every flag command, on one and on several messages, changes exactly that flag of exactly those messages', async () => {
  const h = open();
  for (const command of FLAG_COMMANDS) {
    const folder = folderOf(command);
    // A command that removes a flag needs messages that have it: the other client sets it on every message first.
    for (const uid of [1, 2, 3, 4]) if (command.change.remove) await other.store(folder, uid, '+FLAGS', command.change.remove);
    const loaded = await load(h, folder);

    for (const targets of [[2], [3, 4]]) {
      const what = `${command.title} on UID ${targets.join(',')}`;
      const beforeState = await other.snapshot(folder);
      const since = h.lines.length;
      const eventsSince = h.events.length;
      const result = await h.session.writer.storeFlags(pick(loaded, targets), command.change);
      const afterState = await other.snapshot(folder);
      assertOnlyChanged(beforeState, afterState, targets, command.change, what);

      assert.deepEqual(result.conflicts, [], `${what}: no conflict`);
      assert.deepEqual(result.refusedFlags, [], `${what}: Dovecot keeps every flag (PERMANENTFLAGS has \\*)`);
      assert.deepEqual(result.changed.map((c) => Number(c.id)).sort(), targets, `${what}: reported as changed`);
      for (const c of result.changed) assert.deepEqual([...c.flags].sort(), byUid(afterState).get(Number(c.id))!.flags, `${what}: the flags reported are the server's`);
      assert.ok(result.undo.possible, `${what}: Undo is offered`);
      assert.deepEqual([...(result.undo.possible ? result.undo.plan.ids : [])].sort(), targets.map(String));

      const flagEvents = h.events.slice(eventsSince).filter((e) => isEvent('flags')(e.event));
      assert.deepEqual(flagEvents.map((e) => (e.event.type === 'flags' ? Number(e.event.id) : 0)).sort(), targets, `${what}: one 'flags' event per message`);

      // The traffic shows the exact commands: UNCHANGEDSINCE with the loaded MODSEQ, one STORE per distinct MODSEQ.
      const traffic = h.lines.slice(since).filter((l) => l.direction === 'client').map((l) => l.text);
      const modseqs = [...new Set(targets.map((uid) => loaded.byId.get(String(uid))!.modseq))];
      for (const [operation, flags] of [['+FLAGS', command.change.add], ['-FLAGS', command.change.remove]] as const) {
        if (!flags) continue;
        const pattern = new RegExp(`UID STORE [\\d:,]+ \\(UNCHANGEDSINCE (\\d+)\\) \\${operation} \\(${wire(flags)}\\)$`);
        const stores = traffic.filter((t) => pattern.test(t));
        assert.equal(stores.length, modseqs.length, `${what}: one ${operation} STORE per distinct loaded MODSEQ (${modseqs.join(', ')}): ${traffic.join(' | ')}`);
      }
      assert.ok(!traffic.some((t) => /STORE \S+ (\(UNCHANGEDSINCE \d+\) )?FLAGS/.test(t)), `${what}: never a plain FLAGS (replace) STORE`);
    }
  }
});

test('one STORE per distinct loaded MODSEQ, and the second half (-FLAGS) uses the MODSEQ the first half (+FLAGS) returned', async () => {
  const h = open();
  const folder = folderOf(FLAG_COMMANDS.find((c) => c.id === 'markRead')!);
  const loaded = await load(h, folder);
  const since = h.lines.length;
  const result = await h.session.writer.storeFlags(pick(loaded, [1, 2, 3]), { add: ['$Junk'], remove: ['\\Seen'] });
  const traffic = h.lines.slice(since).filter((l) => l.direction === 'client').map((l) => l.text);
  assert.deepEqual(result.conflicts, [], 'our own +FLAGS is no conflict for our -FLAGS');
  const distinct = new Set([1, 2, 3].map((uid) => loaded.byId.get(String(uid))!.modseq));
  assert.equal(traffic.filter((t) => /UID STORE .* \+FLAGS \(\$Junk\)$/.test(t)).length, distinct.size, traffic.join(' | '));
  const now = byUid(await other.snapshot(folder));
  assert.deepEqual(now.get(1)!.flags, ['$Junk']);
  assert.deepEqual(now.get(3)!.flags, ['$Junk'], 'UID 3 (marked read by the first test) lost \\Seen: the -FLAGS half was stored too');
  // Each -FLAGS STORE carries the MODSEQ its message got from our own +FLAGS (higher than the loaded one).
  const minus = traffic.filter((t) => /-FLAGS \(\\Seen\)$/.test(t)).map((t) => BigInt(/UNCHANGEDSINCE (\d+)/.exec(t)![1]!));
  const loadedMax = [1, 2, 3].map((uid) => BigInt(loaded.byId.get(String(uid))!.modseq!)).reduce((a, b) => (a > b ? a : b));
  assert.ok(minus.length > 0 && minus.every((m) => m > loadedMax), traffic.join(' | '));
});

test('UNCHANGEDSINCE: a flag another client changed since loading is a conflict with its current flags; nothing is overwritten on it', async () => {
  const h = open();
  const loaded = await load(h, 'Conflict');
  assert.ok(loaded.byId.get('1')!.modseq, 'the session loaded MODSEQs (CONDSTORE is enabled on the command connection)');
  const changedByOther = await other.store('Conflict', 1, '+FLAGS', ['$Other']);
  const beforeState = await other.snapshot('Conflict');
  const since = h.lines.length;

  const result = await h.session.writer.storeFlags(pick(loaded, [1, 2]), { add: ['\\Flagged'] });

  assert.deepEqual(result.conflicts, [{ id: '1', current: ['$Other'], modseq: changedByOther.modseq }], 'the conflict shows the flags the other client left');
  assert.deepEqual(result.changed.map((c) => c.id), ['2']);
  const afterState = byUid(await other.snapshot('Conflict'));
  assert.deepEqual(afterState.get(1), byUid(beforeState).get(1), 'UID 1: nothing overwritten (FLAGS and MODSEQ as the other client left them)');
  assert.deepEqual(afterState.get(2)!.flags, ['\\Flagged'], 'UID 2 was stored');
  assert.deepEqual(afterState.get(3), byUid(beforeState).get(3));
  const text = h.text().split('\n').slice(since).join('\n');
  assert.match(text, /C: \S+ UID STORE 1:2 \(UNCHANGEDSINCE \d+\) \+FLAGS \(\\Flagged\)/);
  assert.match(text, /S: \S+ OK \[MODIFIED 1\]/, 'the server named the conflict in its tagged OK');
  assert.ok(result.undo.possible && result.undo.plan.ids.join() === '2', 'Undo covers only the message stored');
});

test('Undo restores exactly the flags before, also on messages that already had the flag', async () => {
  const h = open();
  const original = await other.snapshot('Undo');
  const loaded = await load(h, 'Undo');
  // UID 1 is already read: Mark Read changes only 2 and 3, and Undo must not take \Seen from UID 1.
  const result = await h.session.writer.storeFlags(pick(loaded, [1, 2, 3]), { add: ['\\Seen'] });
  assert.deepEqual(result.changed.map((c) => c.id).sort(), ['2', '3']);
  assert.ok(result.undo.possible);
  assert.deepEqual(result.undo.plan, { kind: 'flags', folder: 'Undo', uidValidity: loaded.uidValidity, change: { add: ['\\Seen'] }, ids: ['2', '3'] });
  await h.session.writer.undo(result.undo.plan);
  assert.deepEqual((await other.snapshot('Undo')).map((m) => ({ uid: m.uid, flags: m.flags })), original.map((m) => ({ uid: m.uid, flags: m.flags })), 'every message has exactly its flags from before');

  // Messages that change in different ways cannot share one Undo: it is said instead of offered.
  const again = await load(h, 'Undo');
  const mixed = await h.session.writer.storeFlags(pick(again, [2, 4]), { add: ['\\Flagged', '\\Answered'] });
  assert.equal(mixed.undo.possible, false);
  assert.match(mixed.undo.possible ? '' : mixed.undo.why, /changed in different ways/);

  // A change that changes nothing offers no Undo, and says why.
  const none = await h.session.writer.storeFlags(pick(await load(h, 'Undo'), [1]), { add: ['\\Seen'] });
  assert.deepEqual(none.changed, []);
  assert.equal(none.undo.possible, false);
});

test('a STORE the server refuses: MailError with the server\'s words; +FLAGS stored then -FLAGS refused is reported as partial', async () => {
  const h = open();
  const loaded = await load(h, 'Refused');
  // Dovecot refuses keywords longer than mail_max_keyword_length (50): a valid atom, so only the server can refuse it.
  const long = `k${'x'.repeat(60)}`;
  const beforeState = await other.snapshot('Refused');
  await assert.rejects(h.session.writer.storeFlags(pick(loaded, [1]), { add: [long] }), (error: unknown) => {
    assert.ok(MailError.is(error, 'server'), String(error));
    assert.match(error.serverText ?? '', /^(NO|BAD) /, 'the server\'s own status and words');
    return true;
  });
  assert.deepEqual(await other.snapshot('Refused'), beforeState, 'nothing changed');

  await assert.rejects(h.session.writer.storeFlags(pick(loaded, [2]), { add: ['\\Flagged'], remove: [long] }), (error: unknown) => {
    assert.ok(MailError.is(error, 'partial'), String(error));
    assert.equal(error.detail?.kind, 'partial');
    if (error.detail?.kind === 'partial') {
      assert.match(error.detail.done.join(), /UID STORE 2 \(UNCHANGEDSINCE \d+\) \+FLAGS \(\\Flagged\)/);
      assert.match(error.detail.failed, /-FLAGS/);
    }
    assert.match(error.serverText ?? '', /^(NO|BAD) /);
    return true;
  });
  assert.deepEqual(byUid(await other.snapshot('Refused')).get(2)!.flags, ['\\Flagged'], 'what the partial error says was done, was done');
});

test('keywords and system flags are checked before anything is sent', async () => {
  const h = open();
  const loaded = await load(h, 'Plain');
  const since = h.lines.length;
  for (const flag of ['\\Recent', '\\Important', 'two words', 'paren(', 'star*', 'quote"', 'line\r\nA1 LOGOUT', 'Entwürfe', '']) {
    await assert.rejects(h.session.writer.storeFlags(pick(loaded, [1]), { add: [flag] }), (error: unknown) => MailError.is(error, 'config'), flag);
  }
  assert.ok(!h.lines.slice(since).some((l) => /STORE/.test(l.text)), 'no STORE was sent');
});

test('without CONDSTORE: the flags before are fetched first, STORE goes without UNCHANGEDSINCE, and Undo is still exact', async () => {
  const capabilities = capabilitiesWithout('CONDSTORE', 'QRESYNC');
  const second = await startDovecot({ imapCapability: capabilities });
  try {
    await second.addMessages(second.users[0]!.user, 'Plain', [...seedMessages('read', 1, 'S'), ...seedMessages('unread', 2)]);
    const secondOther = new OtherClient(second);
    const original = await second.flagsOf(second.users[0]!.user, 'Plain');
    const h = liveSession(second);
    handles.push(h);
    h.session.setAccess('read-write');
    const loaded = await load(h, 'Plain');
    assert.equal(loaded.byId.get('1')!.modseq, undefined, 'nothing loaded with a MODSEQ');
    const since = h.lines.length;
    const result = await h.session.writer.storeFlags(pick(loaded, [1, 2]), { add: ['\\Seen'] });
    const sent = h.lines.slice(since).filter((l) => l.direction === 'client').map((l) => l.text.replace(/^\S+ /, ''));
    assert.ok(sent.includes('UID FETCH 1:2 (UID FLAGS)') && sent.indexOf('UID FETCH 1:2 (UID FLAGS)') < sent.indexOf('UID STORE 1:2 +FLAGS (\\Seen)'), sent.join(' | '));
    assert.ok(!sent.some((l) => /UNCHANGEDSINCE/.test(l)));
    assert.deepEqual(result.changed.map((c) => c.id), ['2'], 'UID 1 was read already');
    assert.deepEqual((await secondOther.snapshot('Plain')).map((m) => m.flags), [['\\Seen'], ['\\Seen'], []]);
    assert.ok(result.undo.possible);
    await h.session.writer.undo(result.undo.plan);
    assert.deepEqual(await second.flagsOf(second.users[0]!.user, 'Plain'), original, 'doveadm: exactly the flags from before');
    await h.session.close();
  } finally {
    await second.stop();
  }
});
