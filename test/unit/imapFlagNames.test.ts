import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { ImapStore, WriteContext } from '../../src/core/imap/imapStore';
import { allowedByFolder, filterByPermanentFlags, normalizeChange, normalizeFlag } from '../../src/core/imap/write/flagNames';
import { storeFlags } from '../../src/core/imap/write/flagWrites';
import { ImapWriteDeps } from '../../src/core/imap/write/writeContext';
import { Features } from '../../src/core/session/features';
import { SessionEvent, SessionEvents } from '../../src/core/session/sessionEvents';
import { describeChange, FLAG_COMMANDS, flagCommand, keywordChange } from '../../src/core/write/flagCommands';

// Which flags a STORE may carry, and the folder's PERMANENTFLAGS filter. Dovecot lists `\*` in PERMANENTFLAGS of
// every folder it opens read-write, so a folder that refuses new keywords cannot be played by the real server: the
// filter is tested here over a mailbox object, with a recording stand-in for imapflow's exec (which is all
// runCommand uses) in place of the connection.

test('system flags are normalized; \\Recent, unknown system flags and keywords that are no atom are refused', () => {
  assert.equal(normalizeFlag('\\seen'), '\\Seen');
  assert.equal(normalizeFlag('\\DELETED'), '\\Deleted');
  assert.equal(normalizeFlag('$Forwarded'), '$Forwarded');
  assert.equal(normalizeFlag('project-x'), 'project-x');
  assert.throws(() => normalizeFlag('\\Recent'), (e: unknown) => MailError.is(e, 'config') && /server alone/.test(e.message));
  assert.throws(() => normalizeFlag('\\Important'), (e: unknown) => MailError.is(e, 'config') && /not a system flag/.test(e.message));
  for (const bad of ['', 'two words', 'a(b', 'a)b', 'a{1}', 'a%', 'a*', 'a"b', 'a\\b', 'a]b', 'line\r\nA1 LOGOUT', 'nul\0', 'Entwürfe', 'tab\t']) {
    assert.throws(() => normalizeFlag(bad), (e: unknown) => MailError.is(e, 'config') && !/[\r\n]/.test(e.message), JSON.stringify(bad));
  }
});

test('a change lists each flag once and refuses a flag both added and removed', () => {
  assert.deepEqual(normalizeChange({ add: ['\\seen', '\\Seen', '$Junk'], remove: ['$notjunk'] }), { add: ['\\Seen', '$Junk'], remove: ['$notjunk'] });
  assert.throws(() => normalizeChange({ add: ['$Junk'], remove: ['$junk'] }), (e: unknown) => MailError.is(e, 'config'));
});

test('PERMANENTFLAGS: listed flags are kept, \\* allows new keywords (not system flags), none given allows all', () => {
  const plain = new Set(['\\Seen', '\\Flagged']);
  assert.equal(allowedByFolder('\\Seen', plain), true);
  assert.equal(allowedByFolder('\\seen', plain), true, 'case-insensitive');
  assert.equal(allowedByFolder('\\Deleted', plain), false);
  assert.equal(allowedByFolder('$Junk', plain), false);
  const star = new Set(['\\Seen', '\\*']);
  assert.equal(allowedByFolder('$Junk', star), true);
  assert.equal(allowedByFolder('\\Deleted', star), false, '\\* is about keywords only');
  assert.equal(allowedByFolder('$Junk', undefined), true, 'no PERMANENTFLAGS: every flag may be changed (RFC 3501 7.1)');
  assert.deepEqual(filterByPermanentFlags({ add: ['\\Seen', '$Junk'], remove: ['$NotJunk', '\\Flagged'] }, plain), { add: ['\\Seen'], remove: ['\\Flagged'], refused: ['$Junk', '$NotJunk'] });
});

interface Sent {
  command: string;
  attributes: unknown;
}

/** A stand-in connection: records what runCommand sends and answers each STORE with the FETCH the server would send. */
function fakeDeps(permanentFlags: Set<string> | undefined): { deps: ImapWriteDeps; sent: Sent[]; events: SessionEvent[] } {
  const sent: Sent[] = [];
  const flags = new Map<number, string[]>([[1, []], [2, ['$Junk']]]);
  const client = {
    enabled: new Set<string>(),
    exec: async (command: string, attributes: unknown[], options?: { untagged?: Record<string, (r: unknown) => Promise<void>> }) => {
      sent.push({ command, attributes });
      const set = String((attributes[0] as { value: string }).value);
      const uids = set.split(',').map(Number);
      const operation = command === 'UID STORE' ? String((attributes[1] as { value: string }).value) : 'FETCH';
      const list = command === 'UID STORE' ? (attributes[2] as { value: string }[]).map((a) => a.value) : [];
      for (const uid of uids) {
        const now = flags.get(uid)!;
        const next = operation === '+FLAGS' ? [...new Set([...now, ...list])] : operation === '-FLAGS' ? now.filter((f) => !list.includes(f)) : now;
        flags.set(uid, next);
        await options?.untagged?.['FETCH']?.({ tag: '*', command: String(uid), attributes: [{ type: 'ATOM', value: 'FETCH' }, [{ type: 'ATOM', value: 'UID' }, { type: 'ATOM', value: String(uid) }, { type: 'ATOM', value: 'FLAGS' }, next.map((f) => ({ type: 'ATOM', value: f }))]] });
      }
      return { response: { tag: 'A1', command: 'OK', attributes: [] }, next: () => undefined };
    },
  };
  const mailbox = { path: 'F', uidValidity: 7n, exists: 2, permanentFlags, readOnly: false };
  const store = {
    write: <T>(_folder: string | undefined, _uv: number | undefined, _signal: unknown, work: (ctx: WriteContext) => Promise<T>): Promise<T> => work({ client, mailbox, note: () => undefined } as unknown as WriteContext),
  } as unknown as ImapStore;
  const events = new SessionEvents();
  const seen: SessionEvent[] = [];
  events.on((e) => seen.push(e));
  return { deps: { store, events, features: () => Promise.resolve(Features.imap([])) }, sent, events: seen };
}

const loaded = { folder: 'F', uidValidity: 7, messages: [{ id: '1', flags: [] }] };

test('flags the folder does not keep are left out of the STORE and returned as refused', async () => {
  const { deps, sent } = fakeDeps(new Set(['\\Seen', '\\Flagged', '\\Deleted', '\\Answered', '\\Draft']));
  const result = await storeFlags(deps, loaded, { add: ['\\Seen', '$Junk'] });
  assert.deepEqual(result.refusedFlags, ['$Junk']);
  const stores = sent.filter((s) => s.command === 'UID STORE');
  assert.equal(stores.length, 1);
  assert.deepEqual(stores[0]!.attributes, [{ type: 'SEQUENCE', value: '1' }, { type: 'ATOM', value: '+FLAGS' }, [{ type: 'ATOM', value: '\\Seen' }]]);
  assert.deepEqual(result.changed, [{ id: '1', flags: ['\\Seen'] }]);
});

test('when the folder keeps none of the flags, nothing is sent and no Undo is offered', async () => {
  const { deps, sent, events } = fakeDeps(new Set(['\\Seen']));
  const result = await storeFlags(deps, loaded, { add: ['$Junk'], remove: ['$NotJunk'] });
  assert.deepEqual(sent, []);
  assert.deepEqual(result.refusedFlags, ['$Junk', '$NotJunk']);
  assert.equal(result.undo.possible, false);
  assert.deepEqual(events, []);
});

test('with \\* in PERMANENTFLAGS new keywords are stored', async () => {
  const { deps, sent, events } = fakeDeps(new Set(['\\Seen', '\\*']));
  const result = await storeFlags(deps, { ...loaded, messages: [{ id: '2', flags: ['$Junk'] }] }, { add: ['$NotJunk'], remove: ['$Junk'] });
  assert.deepEqual(result.refusedFlags, []);
  assert.deepEqual(sent.filter((s) => s.command === 'UID STORE').map((s) => (s.attributes as { value?: string }[])[1]!.value), ['+FLAGS', '-FLAGS']);
  assert.deepEqual(result.changed, [{ id: '2', flags: ['$NotJunk'] }]);
  assert.deepEqual(events, [{ type: 'flags', folder: 'F', uidValidity: 7, id: '2', flags: ['$NotJunk'] }]);
  assert.deepEqual(result.undo, { possible: true, plan: { kind: 'flags', folder: 'F', uidValidity: 7, change: { add: ['$NotJunk'], remove: ['$Junk'] }, ids: ['2'] } });
});

test('the flag command table: every change is valid, Junk and Not Junk swap $Junk and $NotJunk', () => {
  for (const command of FLAG_COMMANDS) assert.doesNotThrow(() => normalizeChange(command.change), command.id);
  assert.deepEqual(flagCommand('markJunk').change, { add: ['$Junk'], remove: ['$NotJunk'] });
  assert.deepEqual(flagCommand('markNotJunk').change, { add: ['$NotJunk'], remove: ['$Junk'] });
  assert.deepEqual(flagCommand('markForwarded').change, { add: ['$Forwarded'] });
  assert.deepEqual(keywordChange(' project-x ', false), { remove: ['project-x'] });
  assert.equal(describeChange(flagCommand('markJunk').change), 'added $Junk, removed $NotJunk');
});
