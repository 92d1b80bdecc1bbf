// Read-write access as a person uses it (issue 10): on an account set to "read-write" a flag is set from the
// context menu, a folder is created and renamed, and a message is moved by drag and drop onto another folder; each
// change shows in the tree and its exact commands in the traffic channel, and Dovecot's own tool (doveadm, an
// independent client) sees exactly that change. A read-only account on the same mailbox offers no write command
// in its menus, changes nothing by being browsed, and "Allow Changes for This Session" switches it. Each step is a
// test; they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardMailbox, type StandardManifest } from '../servers/sampleMail';
import { useE2E, VIEW_CONTAINER } from './fixture';

const WRITABLE = 'Writable';
const READ_ONLY = 'Read-only';
const e2e = useE2E({
  seed: (dovecot) => standardMailbox(dovecot),
  settings: (dovecot) => ({
    'mailInspector.accounts': [
      { id: 'writable', label: WRITABLE, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice', access: 'read-write' },
      { id: 'read-only', label: READ_ONLY, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice' },
    ],
  }),
});
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;
const password = (): string => e2e.dovecot.users[0]!.password;

/** The context-menu entries that change the server (none of them may show on a read-only account). */
const MESSAGE_WRITES = ['Mark Read', 'Mark Unread', 'Flag', 'Unflag', 'Mark Deleted', 'Undelete', 'Flags and Keywords', 'Copy to…', 'Move to…', 'Delete'];
const FOLDER_WRITES = ['Create Folder…', 'Rename…', 'Delete Folder…', 'Subscribe', 'Unsubscribe', 'Upload Message File…', 'Expunge Folder…'];

/** Polls `check` until it holds; fails with `what` (and the rows on screen) after a generous deadline. Not a timing assertion. */
async function waitUntil(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await check()) return;
    if (Date.now() - started > ms) throw new Error(`${what}; rows: ${(await e2e.tree.rows()).map((r) => r.label).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The account's traffic channel, shown and read whole once `ready` holds. */
async function traffic(account: string, ready: (text: string) => boolean): Promise<string> {
  await e2e.tree.inlineAction(account, 'Show Traffic');
  await e2e.output.waitForChannel(`Mail Inspector: ${account}`);
  return e2e.output.waitForText(ready);
}

/** Folder names as Dovecot lists them (doveadm, UTF-8), not through the extension. */
async function serverFolders(): Promise<string[]> {
  return (await e2e.dovecot.doveadm(['mailbox', 'list', '-u', 'alice'])).split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The subjects of a folder's messages as Dovecot holds them, by UID. */
async function serverSubjects(folder: string): Promise<Map<number, string>> {
  const out = await e2e.dovecot.doveadm(['fetch', '-u', 'alice', 'uid hdr.subject', 'mailbox', folder]);
  const subjects = new Map<number, string>();
  let uid: number | undefined;
  for (const line of out.split('\n')) {
    const u = /^uid: (\d+)/.exec(line);
    if (u) uid = Number(u[1]);
    const s = /^hdr\.subject: ?(.*)$/.exec(line);
    if (s && uid !== undefined) subjects.set(uid, s[1]!.trim());
  }
  return subjects;
}

const children = async (label: string): Promise<string[]> => (await e2e.tree.children(label)).map((r) => r.label);

test('an account set to read-write says so on its row', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.files.setSectionExpanded(false);
  assert.equal(await e2e.tree.description(WRITABLE), `IMAP · 127.0.0.1:${e2e.dovecot.ports.imaps} · read-write`);
  assert.equal(await e2e.tree.description(READ_ONLY), `IMAP · 127.0.0.1:${e2e.dovecot.ports.imaps}`, 'read-only is the default and is not announced');
  await e2e.tree.expand(WRITABLE);
  await e2e.quickInput.enter(`Password for ${WRITABLE}`, password());
  await e2e.tree.scrollTo('INBOX');
});

test('Flag from the context menu: the row gets its star, the traffic shows UID STORE +FLAGS (\\Flagged), the server has exactly that change', async () => {
  const plain = manifest().named.plain;
  const before = await e2e.dovecot.flagsOf('alice', 'INBOX');
  assert.ok(!before.get(plain.uid)?.includes('\\Flagged'));
  await e2e.tree.expand('INBOX');
  await e2e.tree.scrollTo(plain.subject);
  // Features are known once the folder was listed: the row's menu offers the writes its flags allow.
  const items = await e2e.tree.contextMenuItems(plain.subject);
  for (const entry of ['Mark Unread', 'Flag', 'Mark Deleted', 'Flags and Keywords', 'Copy to…', 'Move to…', 'Delete', 'Save Message As…']) assert.ok(items.includes(entry), `"${entry}" missing from ${items.join(', ')}`);
  assert.ok(!items.includes('Mark Read') && !items.includes('Unflag'), 'the message is read and not flagged');

  const star = (): Promise<number> => e2e.tree.row(plain.subject).locator('.codicon-star-full').count();
  assert.equal(await star(), 0);
  await e2e.tree.contextMenu(plain.subject, 'Flag');
  await waitUntil('the flagged message has no star', async () => (await star()) === 1);

  const text = await traffic(WRITABLE, (t) => /UID STORE/.test(t));
  assert.match(text, new RegExp(`C: \\S+ UID STORE ${plain.uid} (\\(UNCHANGEDSINCE \\d+\\) )?\\+FLAGS \\(\\\\Flagged\\)`));
  const after = await e2e.dovecot.flagsOf('alice', 'INBOX');
  const expected = new Map(before);
  expected.set(plain.uid, [...(before.get(plain.uid) ?? []), '\\Flagged']);
  const sorted = (m: Map<number, string[]>): [number, string[]][] => [...m].map(([uid, flags]): [number, string[]] => [uid, [...flags].sort()]).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(sorted(after), sorted(expected), 'exactly one flag of one message changed');
  await e2e.tree.collapse('INBOX');
});

test('Create Folder… and Rename…: the tree and the server list the new name, the traffic shows CREATE and RENAME', async () => {
  await e2e.tree.contextMenu(WRITABLE, 'Create Folder…');
  await e2e.quickInput.enter('Folder name', 'Reports');
  await waitUntil('the new folder is not in the tree', async () => (await children(WRITABLE)).includes('Reports'));
  assert.ok((await serverFolders()).includes('Reports'));

  await e2e.tree.contextMenu('Reports', 'Rename…');
  await e2e.quickInput.enter('Rename Reports', 'Berichte Ü');
  await waitUntil('the renamed folder is not in the tree', async () => {
    const rows = await children(WRITABLE);
    return rows.includes('Berichte Ü') && !rows.includes('Reports');
  });
  const listed = await serverFolders();
  assert.ok(listed.includes('Berichte Ü') && !listed.includes('Reports'), listed.join(', '));

  const text = await traffic(WRITABLE, (t) => /RENAME/.test(t));
  assert.match(text, /C: \S+ CREATE "?Reports"?/);
  // Non-ASCII names travel as modified UTF-7 (RFC 3501), or as UTF-8 where the server accepts it (UTF8=ACCEPT).
  assert.match(text, /C: \S+ RENAME "?Reports"? "Berichte (&ANw-|Ü)"/);
});

test('a message dragged onto another folder is moved there: gone from the source, in the target, UID MOVE in the traffic', async () => {
  const subject = 'Archive message 2';
  await e2e.tree.expand('Archive');
  await e2e.tree.scrollTo(subject);
  assert.deepEqual(await children('Archive'), ['Archive message 4', 'Archive message 3', subject, 'Archive message 1']);
  await e2e.tree.dragTo(subject, 'Clients');
  await waitUntil('the moved message is still in Archive', async () => !(await children('Archive')).includes(subject));
  await e2e.tree.expand('Clients');
  await waitUntil('the moved message is not in Clients', async () => (await children('Clients')).includes(subject));

  // Dovecot holds it in Clients, and Archive lost exactly that message.
  assert.deepEqual([...(await serverSubjects('Clients')).values()], [subject]);
  assert.deepEqual([...(await serverSubjects('Archive')).entries()], [[1, 'Archive message 1'], [3, 'Archive message 3'], [4, 'Archive message 4']]);
  const text = await traffic(WRITABLE, (t) => /UID MOVE/.test(t));
  assert.match(text, /C: \S+ UID MOVE 2 "?Clients"?/);
  await e2e.screenshot('read-write-moved');
  await e2e.tree.collapse(WRITABLE);
});

test('a read-only account offers no write command on its rows, and browsing it changes nothing on the server', async () => {
  const plain = manifest().named.plain;
  const before = await e2e.dovecot.flagsOf('alice', 'INBOX');
  await e2e.tree.collapse(WRITABLE); // the same mailbox: its rows would carry the same labels
  await e2e.tree.expand(READ_ONLY);
  await e2e.quickInput.enter(`Password for ${READ_ONLY}`, password());
  await e2e.tree.expand('INBOX');
  await e2e.tree.scrollTo(plain.subject);
  // Live (IDLE) once the folder is watched: by then the row knows the connection's features, as the writable one did.
  await waitUntil('the read-only account never went live', async () => (await e2e.tree.description(READ_ONLY)).includes(' · live'));
  const messageItems = await e2e.tree.contextMenuItems(plain.subject);
  assert.ok(messageItems.includes('Save Message As…'), messageItems.join(', '));
  for (const entry of MESSAGE_WRITES) assert.ok(!messageItems.includes(entry), `"${entry}" is offered on a read-only account`);
  // A folder below the expanded INBOX (INBOX itself sits under the sticky account header once the list scrolled).
  const folderItems = await e2e.tree.contextMenuItems('Clients');
  assert.ok(folderItems.includes('Show Folder State'), folderItems.join(', '));
  for (const entry of FOLDER_WRITES) assert.ok(!folderItems.includes(entry), `"${entry}" is offered on a read-only folder`);
  const accountItems = await e2e.tree.contextMenuItems(READ_ONLY);
  assert.ok(accountItems.includes('Allow Changes for This Session'), accountItems.join(', '));
  assert.ok(!accountItems.includes('Create Folder…') && !accountItems.includes('Make Read-Only for This Session'));
  assert.deepEqual(await e2e.dovecot.flagsOf('alice', 'INBOX'), before, 'browsing the read-only account changed flags');
});

test('"Allow Changes for This Session" makes the read-only account writable until its session ends', async () => {
  await e2e.tree.contextMenu(READ_ONLY, 'Allow Changes for This Session');
  await e2e.dialog.waitFor(/Allow changes to Read-only/);
  await e2e.dialog.press('Allow Changes');
  await waitUntil('the account row does not say read-write', async () => (await e2e.tree.description(READ_ONLY)).endsWith(' · read-write'));
  const items = await e2e.tree.contextMenuItems(manifest().named.plain.subject);
  assert.ok(items.includes('Unflag') && items.includes('Move to…'), items.join(', '));
});
