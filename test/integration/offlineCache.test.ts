import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { CachingPartialStore, isUnreachable, withOfflineCache } from '../../src/core/mailbox/cachingStore';
import { OfflineCache } from '../../src/core/mailbox/offlineCache';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { processesMentioning } from '../servers/dovecotProcesses';
import { ImapHandle, imapStore } from './support/imapFixture';

// The offline cache against a real Dovecot: browse through the caching store, stop the server, browse the
// same folders and messages from the cache (marked offline), start the server again, let another client
// deliver meanwhile, and see the next listing come from the server with the new message.
let server: DovecotServer;
let handle: ImapHandle;
let cacheDir: string;
let caching: CachingPartialStore;
const offlineChanges: boolean[] = [];
const USER = (): string => server.users[0]!.user;
const PASSWORD = (): string => server.users[0]!.password;

function message(tag: string, subject: string, extraHeaders: string[] = [], body = `Hello from ${tag}.`): string {
  return [`From: "${tag}" <${tag}@example.com>`, 'To: alice@example.com', `Subject: ${subject}`, 'Date: Tue, 01 Dec 2026 10:00:00 +0000', `Message-ID: <${tag}@example.com>`, 'MIME-Version: 1.0', ...extraHeaders, '', body, ''].join('\r\n');
}

const MULTIPART = message('multi', 'With attachment', ['Content-Type: multipart/mixed; boundary="b1"'], ['--b1', 'Content-Type: text/plain; charset=utf-8', '', 'Body text.', '--b1', 'Content-Type: application/octet-stream; name="a.bin"', 'Content-Transfer-Encoding: base64', '', 'AAECAwQ=', '--b1--'].join('\r\n'));

/** What is stopped now: both instances, only the main one (IMAPS, where the store connects), or nothing. */
let halted: 'all' | 'main' | undefined;
async function halt(which: 'all' | 'main' = 'all'): Promise<void> {
  await (which === 'all' ? server.halt() : server.haltMain());
  halted = which;
}
async function resume(): Promise<void> {
  await (halted === 'main' ? server.startMainAgain() : server.startAgain());
  halted = undefined;
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: server.host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** "Another device": python3's imaplib APPENDs a message over plain IMAP with LOGIN, to the main or the `ssl = no` instance (same mail). */
function appendWithImaplib(folder: string, raw: string, port = server.ports.imap): Promise<void> {
  const script = ['import imaplib, sys', 'c = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))', 'c.login(sys.argv[3], sys.argv[4])', 'typ, data = c.append(sys.argv[5], None, None, sys.stdin.buffer.read())', 'assert typ == "OK", data', 'c.logout()'].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', script, server.host, String(port), USER(), PASSWORD(), folder], (error, _stdout, stderr) => (error ? reject(new Error(`imaplib APPEND failed: ${stderr}`)) : resolve()));
    child.stdin?.end(Buffer.from(raw, 'utf8'));
  });
}

function allFileBytes(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(readFileSync(join(entry.parentPath, entry.name)));
  }
  return out;
}

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'INBOX', [
    { raw: message('one', 'First message'), flags: 'S' },
    { raw: MULTIPART, flags: '' },
    { raw: message('three', 'Third message'), flags: 'F' },
  ]);
  await server.addMessages(USER(), 'Projekte/Ärger & "Zitate"', [{ raw: message('nested', 'In a folder with odd characters'), flags: '' }]);
  handle = imapStore(server);
  cacheDir = mkdtempSync(join(tmpdir(), 'mi-offline-it-'));
  caching = withOfflineCache(handle.store, new OfflineCache({ directory: cacheDir }), { onOfflineChange: (offline) => offlineChanges.push(offline) });
});

// A test that failed while the server was halted must not leave the next one without a server.
beforeEach(async () => {
  if (halted) await resume();
});

after(async () => {
  await handle?.store.close();
  await server?.stop();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

test('browse online, stop the server: cached folders, the page and two messages still open, marked offline; after a restart the next listing shows mail delivered meanwhile', async () => {
  // Online: everything comes from the server and is written through.
  const folders = await caching.listFolders();
  assert.ok(folders.some((f) => f.path === 'Projekte/Ärger & "Zitate"'));
  assert.ok(folders.every((f) => f.offline === undefined));
  const page = await caching.listMessages('INBOX', 0, 50);
  assert.equal(page.offline, undefined);
  assert.deepEqual(page.messages.map((m) => m.subject), ['Third message', 'With attachment', 'First message']);
  assert.equal(typeof page.uidValidity, 'number');
  const nested = await caching.listMessages('Projekte/Ärger & "Zitate"', 0, 50);
  const [third, multi] = page.messages;
  const rawThird = await caching.fetchRaw('INBOX', third!.id);
  const rawMulti = await caching.fetchRaw('INBOX', multi!.id);
  const structure = await caching.fetchStructure('INBOX', multi!.id);
  assert.equal(structure.offline, undefined);
  assert.equal(rawMulti.toString('utf8'), MULTIPART);
  assert.equal(caching.offline, false);

  // The main instance stops (every connection to it drops); the `ssl = no` one serves the same mail to "another device".
  await halt('main');
  assert.equal(await refused(server.ports.imaps), true, 'nothing listens where the store connects');
  await appendWithImaplib('INBOX', message('four', 'Delivered while offline'), server.ports.imapNoTls);

  // Offline: the same answers from the cache, marked.
  const offlineFolders = await caching.listFolders();
  assert.deepEqual(
    offlineFolders.map((f) => [f.path, f.total, f.offline]),
    folders.map((f) => [f.path, f.total, true]),
  );
  const offlinePage = await caching.listMessages('INBOX', 0, 50);
  assert.equal(offlinePage.offline, true);
  assert.deepEqual(offlinePage.messages, page.messages, 'summaries (dates, flags, addresses) as the server listed them, nothing newer');
  assert.equal(offlinePage.uidValidity, page.uidValidity);
  assert.equal((await caching.listMessages('Projekte/Ärger & "Zitate"', 0, 50)).messages[0]?.subject, nested.messages[0]?.subject);
  const offlineRaw = await caching.fetchRawResult('INBOX', third!.id);
  assert.deepEqual(offlineRaw, { bytes: rawThird, offline: true });
  assert.deepEqual((await caching.fetchRawResult('INBOX', multi!.id)).bytes, rawMulti);
  const offlineStructure = await caching.fetchStructure('INBOX', multi!.id);
  assert.equal(offlineStructure.offline, true);
  assert.deepEqual(JSON.parse(JSON.stringify(offlineStructure.structure)), JSON.parse(JSON.stringify(structure.structure)));
  assert.equal(caching.offline, true);
  const uidValidity = page.uidValidity!;
  assert.deepEqual(await caching.fetchRawAt({ folder: 'INBOX', uidValidity, id: third!.id }), { bytes: rawThird, offline: true });
  await assert.rejects(caching.fetchRawAt({ folder: 'INBOX', uidValidity: uidValidity + 1, id: third!.id }), (error) => isUnreachable(error), 'an address of another generation is not served from the cache');

  // What was never fetched is not invented: the server's unreachability is reported as it came.
  const never = await caching.fetchRaw('INBOX', page.messages[2]!.id).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(isUnreachable(never), `a message never fetched fails with the network error, got ${String(never)}`);
  await assert.rejects(caching.listMessages('INBOX', 50, 50), (error) => isUnreachable(error));

  await resume();

  const back = await caching.listMessages('INBOX', 0, 50);
  assert.equal(back.offline, undefined, 'the offline mark is cleared');
  assert.equal(back.messages[0]?.subject, 'Delivered while offline');
  assert.equal(back.total, 4);
  assert.equal(caching.offline, false);
  assert.deepEqual(offlineChanges, [true, false]);
  const backFolders = await caching.listFolders();
  assert.equal(backFolders.find((f) => f.path === 'INBOX')?.total, 4);
  assert.ok(backFolders.every((f) => f.offline === undefined));

  // Offline again (the whole server this time), the cache answers with what was listed last (the new message included).
  await halt();
  assert.deepEqual(processesMentioning(basename(server.dir)), [], 'no Dovecot process is left while halted');
  const second = await caching.listMessages('INBOX', 0, 50);
  assert.equal(second.offline, true);
  assert.equal(second.messages[0]?.subject, 'Delivered while offline');
  await resume();
});

test('a folder deleted and re-created under the same name: the cache never serves the old generation\'s bytes for a UID', async () => {
  await server.addMessages(USER(), 'Generations', [{ raw: message('old-gen', 'Old generation'), flags: '' }]);
  const before = await caching.listMessages('Generations', 0, 50);
  const oldUid = before.messages[0]!.id;
  assert.match((await caching.fetchRaw('Generations', oldUid)).toString('utf8'), /Old generation/);

  await server.doveadm(['mailbox', 'delete', '-u', USER(), 'Generations']);
  await server.addMessages(USER(), 'Generations', [{ raw: message('new-gen', 'New generation'), flags: '' }]);
  // A connection that still has the deleted folder selected goes on seeing the old generation (Dovecot,
  // ImapStore's NOOP notices nothing): a fresh connection SELECTs the new one. That is the session layer's
  // concern (UIDVALIDITY events); here it is the cache's behaviour once a page reports the new generation.
  await caching.close();
  const afterPage = await caching.listMessages('Generations', 0, 50);
  assert.notEqual(afterPage.uidValidity, before.uidValidity, 'Dovecot gave the re-created folder a new UIDVALIDITY');
  assert.equal(afterPage.messages[0]!.id, oldUid, 'and the new message has the old one\'s UID');

  await halt();
  try {
    const offline = await caching.listMessages('Generations', 0, 50);
    assert.deepEqual(offline.messages.map((m) => m.subject), ['New generation']);
    // UID 1 of the new generation was never fetched; UID 1 of the old one was, and must not stand in for it.
    await assert.rejects(caching.fetchRaw('Generations', oldUid), (error) => isUnreachable(error));
    await assert.rejects(caching.fetchRawAt({ folder: 'Generations', uidValidity: before.uidValidity, id: oldUid }), (error) => isUnreachable(error));
  } finally {
    await resume();
  }
});

test('a failure that is not about reaching the server is thrown, not answered from the cache', async () => {
  const page = await caching.listMessages('INBOX', 0, 50);
  const first = page.messages.find((m) => m.subject === 'First message')!;
  assert.ok(await caching.fetchRaw('INBOX', first.id)); // now cached
  await server.doveadm(['expunge', '-u', USER(), 'mailbox', 'INBOX', 'uid', first.id]);
  await assert.rejects(caching.fetchRaw('INBOX', first.id), (error) => MailError.is(error, 'notFound'), 'the server says the message is gone: that is the answer');
  await assert.rejects(caching.listMessages('No such folder', 0, 50), (error) => error instanceof MailError && !isUnreachable(error));
  assert.equal(caching.offline, false);
});

test('after a whole session (with the traffic logged) the cache directory holds no password', async () => {
  await caching.listFolders();
  const password = PASSWORD();
  const user = USER();
  // The secret as LOGIN sends it, and as AUTHENTICATE PLAIN would (base64 of "\0user\0password").
  const forms = [Buffer.from(password, 'utf8'), Buffer.from(Buffer.from(`\0${user}\0${password}`).toString('base64'), 'utf8')];
  const files = allFileBytes(cacheDir);
  assert.ok(files.length >= 6, `the cache was written (${files.length} files)`);
  for (const bytes of files) for (const form of forms) assert.equal(bytes.includes(form), false, 'no cache file contains the password');
  assert.ok(handle.text().includes('LOGIN') || handle.text().includes('AUTHENTICATE'), 'the session did log in');
});
