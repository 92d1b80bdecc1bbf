import { strict as assert } from 'node:assert';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { SessionEvent } from '../../src/core/session/sessionEvents';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';
import { holdMaildrop, pop3Fixture } from './pop3Fixture';

// "Check for New Mail" and the poll on a real Dovecot, with `pop3_lock_session = yes`: a POP3
// session left open would keep every other POP3 client out (Dovecot answers -ERR [IN-USE]). The
// other clients are real ones: `doveadm save` / `doveadm expunge` (a delivery and another device's
// deletion) and a python3 poplib session (another POP3 client that logs in, lists and deletes).
let server: DovecotServer;
let seeded = 0;

before(async () => {
  server = await startDovecot({ pop3LockSession: true });
  await server.addMessages(server.users[0]!.user, 'INBOX', [1, 2, 3, 4, 5, 6].map((i) => ({ raw: message(`Seed ${i}`) })));
  seeded = 6;
});

after(async () => {
  await server?.stop();
});

function message(subject: string): string {
  return generateMessage(++seeded + 100, { subject });
}

/** The other POP3 client: python3's poplib logs in with USER/PASS, does one thing and QUITs. */
const POPLIB = `
import poplib, sys
host, port, user, password, command = sys.argv[1:6]
p = poplib.POP3(host, int(port), timeout=60)
p.user(user)
p.pass_(password)
if command == 'stat':
    print(p.stat()[0])
elif command == 'uidl':
    for line in p.uidl()[1]:
        print(line.decode().split()[1])
elif command == 'dele':
    for line in p.uidl()[1]:
        n, uid = line.decode().split()
        if uid == sys.argv[6]:
            p.dele(int(n))
            break
    else:
        sys.exit('no message with UIDL ' + sys.argv[6])
p.quit()
`;

function poplib(command: 'stat' | 'uidl' | 'dele', ...args: string[]): Promise<string> {
  const { user, password } = server.users[0]!;
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', POPLIB, server.host, String(server.ports.pop3), user, password, command, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 poplib ${command} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** The maildrop's UIDLs in order, as python's poplib sees them. */
async function uidlsByPython(): Promise<string[]> {
  return (await poplib('uidl')).split('\n').filter((line) => line !== '');
}

/** Delivers a message with `doveadm save` (through Dovecot's storage, as a delivery agent would). */
function doveadmSave(raw: string): Promise<void> {
  const configFile = join(server.dir, 'dovecot.conf');
  assert.ok(existsSync(configFile), `no ${configFile}`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/doveadm', ['-c', configFile, 'save', '-u', server.users[0]!.user, '-m', 'INBOX'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`doveadm save failed (${code}): ${stderr.trim()}`))));
    child.stdin.end(raw);
  });
}

function doveadmExpunge(subject: string): Promise<string> {
  return server.doveadm(['expunge', '-u', server.users[0]!.user, 'mailbox', 'INBOX', 'header', 'subject', subject]);
}

/** Every event the store emits, in order. */
function recorder(store: Pop3Store): { events: SessionEvent[]; dispose(): void } {
  const events: SessionEvent[] = [];
  const subscription = store.events.on((event) => events.push(event));
  return { events, dispose: () => subscription.dispose() };
}

/** Waits for an event (no timing asserted: a generous deadline only turns a hang into a readable failure). */
async function waitFor<T extends SessionEvent>(events: SessionEvent[], what: string, match: (e: SessionEvent) => e is T, from = 0): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = events.slice(from).find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${what} event; got ${JSON.stringify(events)}`);
    await sleep(25);
  }
}

const newIds = (e: SessionEvent): e is Extract<SessionEvent, { type: 'new' }> => e.type === 'new';
const expungedIds = (e: SessionEvent): e is Extract<SessionEvent, { type: 'expunged' }> => e.type === 'expunged';

test('a message added by doveadm save and one deleted by another POP3 client (poplib) appear as events after checkForNewMail', async () => {
  const { store } = pop3Fixture(server);
  const rec = recorder(store);
  // What the tree shows: the first page. The check compares with it, so mail that arrived since the page was listed is new.
  const page = await store.listMessages('INBOX', 0, 3);
  const doomed = page.messages[1]!; // shown on the page, deleted by the other client
  await doveadmSave(message('Delivered while the tree was open'));
  await poplib('dele', doomed.id);
  const onServer = await uidlsByPython();
  const added = onServer.at(-1)!;
  assert.ok(!page.messages.some((m) => m.id === added) && !onServer.includes(doomed.id));

  const check = await store.checkForNewMail();
  assert.deepEqual(check, { added: [added], removed: [doomed.id], total: onServer.length, baseline: false });
  assert.deepEqual(rec.events, [
    { type: 'expunged', folder: 'INBOX', uidValidity: undefined, ids: [doomed.id], vanished: false },
    { type: 'new', folder: 'INBOX', uidValidity: undefined, ids: [added], exists: onServer.length },
    { type: 'counts', folder: 'INBOX', total: onServer.length, unseen: undefined },
    { type: 'resynced', folder: 'INBOX', method: 'uidl', added: [added], removed: [doomed.id], flagsChanged: [] },
  ]);
  // The new id names the delivered message (fetchRaw leaves what the check compares with alone; a page at offset 0 would start it over).
  assert.match((await store.fetchRaw('INBOX', added)).toString('latin1'), /^Subject: Delivered while the tree was open\r$/m);

  // From the whole list of that check on: two arrivals (newest first in the event) and an expunge by doveadm.
  rec.events.length = 0;
  await doveadmSave(message('Second arrival'));
  await doveadmSave(message('Third arrival'));
  await doveadmExpunge('Seed 1');
  const now = await uidlsByPython();
  const second = await store.checkForNewMail();
  assert.deepEqual(second.added, [now.at(-1), now.at(-2)]);
  assert.equal(second.removed.length, 1, JSON.stringify({ second, now, onServer }));
  assert.ok(!now.includes(second.removed[0]!) && onServer.includes(second.removed[0]!));
  assert.deepEqual(rec.events.map((e) => e.type), ['expunged', 'new', 'counts', 'resynced']);
  rec.dispose();
});

test('an unchanged maildrop: the check emits one resynced with empty lists and nothing else', async () => {
  const { store } = pop3Fixture(server);
  const rec = recorder(store);
  const first = await store.checkForNewMail();
  // Nothing shown and nothing checked before: the first check only sets what the next one compares with.
  assert.equal(first.baseline, true);
  assert.deepEqual([first.added, first.removed], [[], []]);
  const second = await store.checkForNewMail();
  assert.deepEqual(second, { added: [], removed: [], total: first.total, baseline: false });
  const quiet = { type: 'resynced', folder: 'INBOX', method: 'uidl', added: [], removed: [], flagsChanged: [] };
  assert.deepEqual(rec.events, [quiet, quiet]);
  rec.dispose();
});

test('no session is held between checks: with the maildrop lock on, poplib logs in after every check; a check is log in, UIDL, QUIT', async () => {
  const { store, sent, lines } = pop3Fixture(server);
  for (let i = 0; i < 3; i++) {
    await store.checkForNewMail();
    // A POP3 session of ours still open would hold Dovecot's lock: this login would end in -ERR [IN-USE].
    assert.match(await poplib('stat'), /^\d+\n$/);
  }
  const perCheck = ['CAPA', 'STLS', 'CAPA', 'AUTH PLAIN ****', 'UIDL', 'QUIT'];
  assert.deepEqual(sent(), [...perCheck, ...perCheck, ...perCheck]);
  // Every connection the store opened is closed.
  const connections = new Set(lines.map((l) => l.connection));
  assert.equal(connections.size, 3);
  for (const id of connections) assert.ok(lines.some((l) => l.connection === id && l.direction === 'info' && /closed/.test(l.text)), `connection ${id} not closed`);
});

test('the poll reports arrivals and deletions without a call, while poplib logs in at any moment', async () => {
  const { store } = pop3Fixture(server);
  const rec = recorder(store);
  await store.listMessages('INBOX', 0, 5);
  const poll = store.startPolling(0.2);
  assert.deepEqual(rec.events[0], { type: 'connection', state: 'polling' });
  assert.equal(store.polling, true);

  await doveadmSave(message('Arrived during the poll'));
  const arrival = await waitFor(rec.events, 'new', newIds);
  assert.deepEqual(arrival.ids, [(await uidlsByPython()).at(-1)]);

  // Another POP3 client logs in again and again while checks run every 0.2 s: each login succeeds
  // (at worst it waits for a check's short session to QUIT), and no check fails for the lock.
  const checksBefore = rec.events.filter((e) => e.type === 'resynced').length;
  for (let i = 0; i < 6; i++) assert.match(await poplib('stat'), /^\d+\n$/);
  await waitFor(rec.events, 'resynced', (e): e is SessionEvent => e.type === 'resynced', rec.events.length);
  assert.ok(rec.events.filter((e) => e.type === 'resynced').length > checksBefore);

  const mark = rec.events.length;
  await doveadmExpunge('Arrived during the poll');
  const gone = await waitFor(rec.events, 'expunged', expungedIds, mark);
  assert.deepEqual(gone.ids, arrival.ids);

  poll.dispose();
  assert.equal(store.polling, false);
  assert.deepEqual(rec.events.at(-1), { type: 'connection', state: 'closed' });
  assert.ok(!rec.events.some((e) => e.type === 'connection' && e.state === 'offline'), JSON.stringify(rec.events));
  rec.dispose();
});

test('a refused password stops the poll after one attempt, with the reason', async () => {
  const { store, sent } = pop3Fixture(server, { password: 'not-the-password' });
  const rec = recorder(store);
  store.startPolling(0.05);
  const closed = await waitFor(rec.events, 'connection closed', (e): e is Extract<SessionEvent, { type: 'connection' }> => e.type === 'connection' && e.state === 'closed');
  assert.match(closed.reason ?? '', /^Polling stopped: /);
  assert.equal(store.polling, false);
  assert.equal(sent().filter((l) => l.startsWith('AUTH') || l.startsWith('PASS')).length, 1);
  assert.ok(!rec.events.some((e) => e.type === 'resynced'));
  rec.dispose();
});

test('another client holding the maildrop lock: the poll reports offline with the server\'s words, goes on, and is back to polling once the lock is released', async () => {
  const { store } = pop3Fixture(server);
  const rec = recorder(store);
  await store.checkForNewMail();
  const holder = await holdMaildrop(server); // a raw POP3 session that stays logged in
  let released = false;
  try {
    store.startPolling(0.1);
    // Dovecot waits about ten seconds for its lock, then answers -ERR [IN-USE].
    const offline = await waitFor(rec.events, 'connection offline', (e): e is Extract<SessionEvent, { type: 'connection' }> => e.type === 'connection' && e.state === 'offline');
    assert.match(offline.reason ?? '', /\[IN-USE\]/);
    assert.equal(offline.retryInMs, 100);
    assert.equal(store.polling, true);
    holder.destroy();
    released = true;
    const mark = rec.events.indexOf(offline);
    await waitFor(rec.events, 'connection polling', (e): e is SessionEvent => e.type === 'connection' && e.state === 'polling', mark);
    await waitFor(rec.events, 'resynced', (e): e is SessionEvent => e.type === 'resynced', mark);
  } finally {
    if (!released) holder.destroy();
    store.stopPolling();
    rec.dispose();
  }
});

test('close() stops the poll', async () => {
  const { store } = pop3Fixture(server);
  const rec = recorder(store);
  store.startPolling(30);
  await store.close();
  assert.equal(store.polling, false);
  assert.deepEqual(rec.events, [
    { type: 'connection', state: 'polling' },
    { type: 'connection', state: 'closed' },
  ]);
  assert.throws(() => store.startPolling(0), RangeError);
  rec.dispose();
});

test('features() come from the session\'s CAPA; with STARTTLS both lists are kept, before and after STLS', async () => {
  const starttls = pop3Fixture(server).store;
  assert.equal(starttls.features(), undefined); // nothing asked of the server yet
  await starttls.checkForNewMail();
  const lists = starttls.capabilityLists()!;
  assert.equal(lists.afterStls, true);
  assert.ok(lists.beforeTls?.includes('STLS'), JSON.stringify(lists));
  assert.ok(lists.current?.includes('UIDL') && lists.current.includes('TOP'), JSON.stringify(lists));
  const features = starttls.features()!;
  assert.deepEqual(features.announced, lists.current);
  for (const f of ['uidl', 'top', 'pipelining', 'deleteOnServer'] as const) assert.ok(features.supports(f), f);
  assert.ok(!features.supports('folders') && !features.supports('flags'));

  const implicit = pop3Fixture(server, { account: { security: 'tls', port: server.ports.pop3s } }).store;
  await implicit.listFolders();
  assert.deepEqual(implicit.capabilityLists()?.beforeTls, undefined);
  assert.equal(implicit.capabilityLists()?.afterStls, false);
  assert.ok(implicit.features()?.supports('uidl'));

  const plain = pop3Fixture(server, { account: { security: 'none' } }).store;
  await plain.listFolders();
  assert.ok(plain.features()?.supports('startTls'), 'STLS is offered in clear');
});
