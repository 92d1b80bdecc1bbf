import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountDefinition, AfterDownload } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { Clock, DownloadLedger, KeyValueStore } from '../../src/core/pop3/downloadLedger';
import { DeletionPlan, downloadMaildrop, DownloadOptions, DownloadResult, fileNameFor, folderSink, maildropOf } from '../../src/core/pop3/maildropDownload';
import { SessionEvent } from '../../src/core/session/sessionEvents';
import { createAccountSession } from '../../src/core/sessionFactory';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { WRITE_OPERATIONS } from '../../src/core/write/mailWriter';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';
import { pop3Fixture } from './pop3Fixture';

// "Download Maildrop…" on a real Dovecot, checked by an independent POP3 client (python3 poplib): for each
// afterDownload policy exactly the expected messages remain on the server, the files hold exactly the bytes
// poplib's RETR gets, a second download fetches only new mail, a read-only account refuses a deleting policy
// before anything is retrieved, and cancel deletes nothing. "N days" use a fake clock. POP3 deletion through
// the session's writer is refused on a read-only account and deletes exactly the given UIDLs on a read-write one.
const USERS = ['keep', 'deleter', 'leaver', 'readonly', 'canceller', 'writer'].map((user) => ({ user, password: `${user}-pop3-pw` }));
let server: DovecotServer;
let counter = 0;
const dirs: string[] = [];

before(async () => {
  server = await startDovecot({ users: USERS });
});

after(async () => {
  await server?.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const DAY = 86_400_000;
const DAY_0 = Date.UTC(2026, 2, 1, 9, 0, 0);

class FakeClock implements Clock {
  constructor(private at = DAY_0) {}
  now(): Date {
    return new Date(this.at);
  }
  setDay(n: number): void {
    this.at = DAY_0 + n * DAY;
  }
}

/** Seeds `count` messages; one of every batch has lines starting with dots and 8-bit bytes (dot-stuffing, byte-exactness). */
async function deliver(user: string, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, i) => {
    const n = ++counter;
    if (i === 0) return { raw: `Subject: Dots ${n}\r\nFrom: a@example.com\r\nMessage-ID: <dots.${n}@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n.leading dot\r\n..two dots\r\nGrüße ${n}\r\n` };
    return { raw: generateMessage(n + 500) };
  });
  await server.addMessages(user, 'INBOX', messages);
}

/** The other POP3 client: python3 poplib (USER/PASS in clear on the plain port), prints JSON and QUITs after RSET. */
const POPLIB = `
import poplib, sys, json, base64
host, port, user, password, command = sys.argv[1:6]
p = poplib.POP3(host, int(port), timeout=60)
p.user(user)
p.pass_(password)
out = []
for line in p.uidl()[1]:
    n, uid = line.decode().split()
    if command == 'retr':
        lines = p.retr(int(n))[1]
        out.append([uid, base64.b64encode(b''.join(l + b'\\r\\n' for l in lines)).decode()])
    else:
        out.append(uid)
p.rset()
p.quit()
print(json.dumps(out))
`;

function poplib(user: string, command: 'uidl' | 'retr'): Promise<unknown> {
  const password = USERS.find((u) => u.user === user)!.password;
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', POPLIB, server.host, String(server.ports.pop3), user, password, command], { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 poplib ${command} failed: ${stderr.trim() || error.message}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

/** UIDLs on the server, in order, as poplib sees them. */
async function uidlsOnServer(user: string): Promise<string[]> {
  return (await poplib(user, 'uidl')) as string[];
}

/** Every message's bytes as poplib's RETR gets them, by UIDL. */
async function retrByPoplib(user: string): Promise<Map<string, Buffer>> {
  return new Map(((await poplib(user, 'retr')) as [string, string][]).map(([uid, b64]) => [uid, Buffer.from(b64, 'base64')]));
}

function memoryState(): KeyValueStore {
  const data = new Map<string, unknown>();
  return { get: (k) => (data.has(k) ? JSON.parse(JSON.stringify(data.get(k))) : undefined), update: async (k, v) => void data.set(k, JSON.parse(JSON.stringify(v))) };
}

async function newFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mi-download-'));
  dirs.push(dir);
  return dir;
}

interface Downloader {
  account: AccountDefinition;
  lines: TrafficLine[];
  folder: string;
  ledger: DownloadLedger;
  clock: FakeClock;
  run(policy: AfterDownload, extra?: Partial<DownloadOptions>): Promise<DownloadResult>;
  /** Client lines of the sessions opened since `from` lines. */
  sentSince(from: number): string[];
}

/** A POP3 store for `user` with its traffic, a ledger on a fake globalState, a fake clock and a download folder. */
async function downloader(user: string, access: AccountDefinition['access'] = 'read-write'): Promise<Downloader> {
  const password = USERS.find((u) => u.user === user)!.password;
  const fixture = pop3Fixture(server, { account: { id: `dl-${user}`, label: `POP3 ${user}`, user, access }, password });
  const ledger = new DownloadLedger(fixture.account, memoryState());
  const clock = new FakeClock();
  const folder = await newFolder();
  return {
    account: fixture.account,
    lines: fixture.lines,
    folder,
    ledger,
    clock,
    run: (policy, extra = {}) => downloadMaildrop({ store: fixture.store, ledger, clock, sink: folderSink(folder), policy, access: access ?? 'read-only', ...extra }),
    sentSince: (from) => fixture.lines.slice(from).filter((l) => l.direction === 'client').map((l) => l.text),
  };
}

/** The files of the folder, by name, with their bytes. */
async function filesIn(folder: string): Promise<Map<string, Buffer>> {
  const names = (await readdir(folder)).sort();
  return new Map(await Promise.all(names.map(async (name): Promise<[string, Buffer]> => [name, await readFile(join(folder, name))])));
}

async function assertFilesMatchServer(result: DownloadResult, onServer: Map<string, Buffer>): Promise<void> {
  for (const m of result.downloaded) {
    const bytes = await readFile(m.file);
    assert.ok(bytes.equals(onServer.get(m.id)!), `${basename(m.file)} differs from poplib's RETR of ${m.id}`);
    assert.equal(bytes.length, m.bytes);
  }
}

test('keep: every message saved byte for byte (as poplib RETR gets it), nothing deleted or marked; a second download fetches only new mail', async () => {
  await deliver('keep', 3);
  const d = await downloader('keep', 'read-only'); // keeping changes nothing, so a read-only account may download
  const before = await uidlsOnServer('keep');
  const onServer = await retrByPoplib('keep');
  // A file already holding the first message's name is never overwritten: the download takes "… (1).eml".
  const taken = join(d.folder, fileNameFor(before[0]!));
  await writeFile(taken, 'precious, not mail');

  const first = await d.run({ policy: 'keep' });
  assert.deepEqual(first.downloaded.map((m) => m.id), before);
  assert.equal(first.downloadedBytes, [...onServer.values()].reduce((sum, b) => sum + b.length, 0));
  assert.equal(first.skipped, 0);
  assert.deepEqual(first.deleted, []);
  assert.equal(first.kept, 3);
  await assertFilesMatchServer(first, onServer);
  assert.equal(await readFile(taken, 'utf8'), 'precious, not mail');
  assert.equal(basename(first.downloaded[0]!.file), fileNameFor(before[0]!).replace(/\.eml$/, ' (1).eml'));
  assert.match(first.notices.join(' '), /1 file was saved under another name.*no file was overwritten/);
  assert.deepEqual(await uidlsOnServer('keep'), before);
  // RETR then RSET: Dovecot marks nothing \Seen for IMAP clients.
  for (const flags of (await server.flagsOf('keep', 'INBOX')).values()) assert.ok(!flags.includes('\\Seen'), `a message was marked ${flags.join(' ')}`);
  const sent = d.sentSince(0);
  assert.equal(sent.filter((l) => l.startsWith('RETR')).length, 3);
  assert.ok(!sent.some((l) => l.startsWith('DELE')));
  assert.deepEqual(sent.slice(-2), ['RSET', 'QUIT']);
  assert.equal(sent.filter((l) => l === 'CAPA').length, 3, 'one session only (CAPA, STLS, CAPA, login, CAPA)');

  let from = d.lines.length;
  const second = await d.run({ policy: 'keep' });
  assert.deepEqual(second.downloaded, []);
  assert.equal(second.skipped, 3);
  assert.ok(!d.sentSince(from).some((l) => l.startsWith('RETR')));

  await deliver('keep', 2);
  const now = await uidlsOnServer('keep');
  from = d.lines.length;
  const third = await d.run({ policy: 'keep' });
  assert.deepEqual(third.downloaded.map((m) => m.id), now.slice(3));
  assert.equal(third.skipped, 3);
  assert.equal(d.sentSince(from).filter((l) => l.startsWith('RETR')).length, 2);
  await assertFilesMatchServer(third, await retrByPoplib('keep'));
  assert.equal((await filesIn(d.folder)).size, 6); // five messages and the file that was there
  assert.deepEqual(await uidlsOnServer('keep'), now);
});

test('delete: exactly the messages downloaded now are deleted (verified written first); ones saved by an earlier download stay', async () => {
  await deliver('deleter', 3);
  const d = await downloader('deleter');
  const old = await uidlsOnServer('deleter');
  await d.run({ policy: 'keep' });
  await deliver('deleter', 2);
  const all = await uidlsOnServer('deleter');
  const fresh = all.slice(3);
  const onServer = await retrByPoplib('deleter');

  const plans: DeletionPlan[] = [];
  const from = d.lines.length;
  const result = await d.run({ policy: 'delete' }, { confirmDeletion: async (plan) => (plans.push(plan), true) });
  assert.deepEqual(result.downloaded.map((m) => m.id), fresh);
  assert.deepEqual(result.deleted, fresh);
  assert.deepEqual(plans.map((p) => p.ids), [fresh]);
  assert.equal(result.kept, 3);
  await assertFilesMatchServer(result, onServer);
  assert.deepEqual(await uidlsOnServer('deleter'), old);
  // RETR …, RSET (nothing marked), then UIDL n + DELE n for each, QUIT.
  const sent = d.sentSince(from);
  const rset = sent.indexOf('RSET');
  assert.ok(rset > sent.lastIndexOf(sent.filter((l) => l.startsWith('RETR')).at(-1)!));
  assert.deepEqual(sent.slice(rset + 1).map((l) => l.replace(/\d+$/, 'n')), ['UIDL n', 'DELE n', 'UIDL n', 'DELE n', 'QUIT']);
  // The ledger forgets what is gone; a new download fetches nothing.
  assert.equal(d.ledger.size, 3);
  const again = await d.run({ policy: 'delete' });
  assert.deepEqual([again.downloaded.length, again.deleted.length, again.skipped], [0, 0, 3]);
  assert.deepEqual(await uidlsOnServer('deleter'), old);
});

test('leave a copy for 7 days (fake clock): day 0 and day 3 delete nothing; day 10 deletes only what was first downloaded on day 0', async () => {
  const d = await downloader('leaver');
  const policy: AfterDownload = { policy: 'leaveCopy', days: 7 };
  await deliver('leaver', 3);
  const day0 = await uidlsOnServer('leaver');
  d.clock.setDay(0);
  const r0 = await d.run(policy);
  assert.deepEqual([r0.downloaded.length, r0.deleted.length], [3, 0]);

  await deliver('leaver', 2);
  d.clock.setDay(3);
  const r3 = await d.run(policy);
  const day3 = (await uidlsOnServer('leaver')).slice(3);
  assert.deepEqual(r3.downloaded.map((m) => m.id), day3);
  assert.deepEqual(r3.deleted, []);
  assert.deepEqual(await uidlsOnServer('leaver'), [...day0, ...day3]);

  await deliver('leaver', 1);
  d.clock.setDay(10);
  // The user says no first: nothing is deleted, and the new message is still saved and recorded.
  const asked: DeletionPlan[] = [];
  const declined = await d.run(policy, { confirmDeletion: async (plan) => (asked.push(plan), false) });
  assert.equal(declined.declined, true);
  assert.equal(declined.downloaded.length, 1);
  assert.deepEqual(declined.deleted, []);
  assert.deepEqual(asked.map((p) => p.ids), [day0]);
  const all = await uidlsOnServer('leaver');
  assert.equal(all.length, 6);

  const r10 = await d.run(policy, { confirmDeletion: async () => true });
  assert.deepEqual(r10.downloaded, []);
  assert.deepEqual(r10.deleted, day0); // day 0 is 10 days ago: more than 7; day 3 is exactly 7: kept
  assert.deepEqual(await uidlsOnServer('leaver'), all.slice(3));
  assert.deepEqual(d.ledger.firstDownloaded(day3[0]!), new Date(DAY_0 + 3 * DAY));
});

test('read-only account with a deleting policy: refused before anything is sent, retrieved, written or deleted', async () => {
  await deliver('readonly', 2);
  const before = await uidlsOnServer('readonly');
  const d = await downloader('readonly', 'read-only');
  for (const policy of [{ policy: 'delete' }, { policy: 'leaveCopy', days: 7 }] as const) {
    await assert.rejects(d.run(policy), (err: unknown) => MailError.is(err, 'readOnly') && /POP3 readonly" is read-only/.test(err.message) && /deletes messages on the server/.test(err.message));
  }
  assert.equal(d.lines.length, 0, 'a connection was made');
  assert.equal((await filesIn(d.folder)).size, 0);
  assert.equal(d.ledger.size, 0);
  assert.deepEqual(await uidlsOnServer('readonly'), before);
});

test('cancel: retrieving stops, RSET and QUIT, nothing is deleted; the files saved so far stay and are recorded', async () => {
  await deliver('canceller', 4);
  const before = await uidlsOnServer('canceller');
  const d = await downloader('canceller');
  const cancel = new AbortController();
  const result = await d.run(
    { policy: 'delete' },
    {
      signal: cancel.signal,
      confirmDeletion: async () => assert.fail('asked to delete after a cancel'),
      progress: (p) => {
        if (p.done === 2) cancel.abort();
      },
    },
  );
  assert.equal(result.cancelled, true);
  assert.deepEqual(result.downloaded.map((m) => m.id), before.slice(0, 2));
  assert.deepEqual(result.deleted, []);
  assert.deepEqual([...(await filesIn(d.folder)).keys()].sort(), before.slice(0, 2).map(fileNameFor).sort());
  assert.ok(d.ledger.has(before[0]!) && d.ledger.has(before[1]!) && !d.ledger.has(before[2]!));
  const sent = d.sentSince(0);
  assert.equal(sent.filter((l) => l.startsWith('RETR')).length, 2);
  assert.ok(!sent.some((l) => l.startsWith('DELE')));
  assert.deepEqual(sent.slice(-2), ['RSET', 'QUIT']);
  assert.deepEqual(await uidlsOnServer('canceller'), before);
  // The next download goes on where the cancelled one stopped.
  const rest = await d.run({ policy: 'keep' });
  assert.deepEqual(rest.downloaded.map((m) => m.id), before.slice(2));
});

test("POP3 deletion through the session's writer: refused on a read-only account (nothing sent), exactly those UIDLs on a read-write one", async () => {
  await deliver('writer', 5);
  const before = await uidlsOnServer('writer');
  const lines: TrafficLine[] = [];
  const user = USERS.find((u) => u.user === 'writer')!;
  const account: AccountDefinition = { id: 'writer', label: 'POP3 writer', protocol: 'pop3', host: server.host, port: server.ports.pop3, security: 'starttls', user: user.user, allowInvalidCertificate: false, useApop: false };
  const session = await createAccountSession(account, user.password, new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 4096 }), { limits: DEFAULT_LIMITS, ca: server.ca, pollSeconds: 3600 });
  const events: SessionEvent[] = [];
  session.events.on((e) => events.push(e));
  try {
    assert.equal(session.access, 'read-only');
    const set = { folder: 'INBOX', uidValidity: undefined, ids: [before[1]!, before[3]!] };
    await assert.rejects(session.writer.deleteMessages(set), (err: unknown) => MailError.is(err, 'readOnly') && /"POP3 writer" is read-only/.test(err.message));
    await assert.rejects(session.writer.removeMessages(set), (err: unknown) => MailError.is(err, 'readOnly'));
    assert.equal(lines.length, 0, 'a connection was made');
    assert.deepEqual(await uidlsOnServer('writer'), before);

    session.setAccess('read-write');
    // Every write POP3 cannot make says so; none opens a connection.
    for (const name of WRITE_OPERATIONS.filter((op) => op !== 'deleteMessages' && op !== 'removeMessages')) {
      const method = session.writer[name] as (...args: unknown[]) => Promise<unknown>;
      await assert.rejects(method.call(session.writer, set, 'Archive', {}), (err: unknown) => MailError.is(err, 'unsupported') && /POP3/.test(err.message), name);
    }
    assert.equal(lines.length, 0, 'a connection was made');
    // One of the UIDLs is gone: nothing at all is deleted.
    await assert.rejects(session.writer.deleteMessages({ ...set, ids: [before[0]!, 'no-such-uidl'] }), (err: unknown) => MailError.is(err, 'notFound') && /nothing was deleted/.test(err.message));
    assert.deepEqual(await uidlsOnServer('writer'), before);

    const result = await session.writer.deleteMessages(set);
    assert.equal(result.method, 'removed');
    assert.equal(result.undo.possible, false);
    assert.deepEqual(await uidlsOnServer('writer'), before.filter((id) => id !== before[1] && id !== before[3]));
    const byConnection = new Map<string, string[]>();
    for (const l of lines) if (l.direction === 'client') byConnection.set(l.connection, [...(byConnection.get(l.connection) ?? []), l.text]);
    const deleting = [...byConnection.values()].filter((c) => c.some((t) => t.startsWith('DELE')));
    assert.equal(deleting.length, 1, 'one session');
    assert.deepEqual(deleting[0]!.filter((t) => t.startsWith('DELE')).length, 2);
    assert.deepEqual(deleting[0]!.slice(-5).map((t) => t.replace(/\d+$/, 'n')), ['UIDL n', 'DELE n', 'UIDL n', 'DELE n', 'QUIT']);
    const expunged = events.filter((e): e is Extract<SessionEvent, { type: 'expunged' }> => e.type === 'expunged');
    assert.deepEqual(expunged.map((e) => [...e.ids]), [[before[1], before[3]]]);
    assert.ok(events.some((e) => e.type === 'counts' && e.total === 3));
    assert.ok(maildropOf(session.store), 'the download finds the POP3 store behind the session');
  } finally {
    await session.close();
  }
});
