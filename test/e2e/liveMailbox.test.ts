// The Accounts tree is live: while a folder is expanded its account keeps one connection in IDLE on it, so a
// message delivered by another client (here Dovecot's own tools, as a delivery agent would) appears at the top
// of the folder with no click, one expunged by another client goes, and "Load more…" (by UID) neither skips nor
// repeats a message after arrivals. The account row says "live". Each step is a test; they run in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useE2E, VIEW_CONTAINER } from './fixture';

const PASSWORD = 'alice-live-pw';
const ACCOUNT = 'Live';
const PAGE_SIZE = 2;
const SEEDED = 5;

function message(subject: string, day: number): string {
  return `From: sender@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nDate: Sat, ${String(day).padStart(2, '0')} Aug 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W+/g, '.')}@example.com>\r\n\r\nHello.\r\n`;
}

const seededSubject = (i: number): string => `Seeded message ${i}`;

const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: (dovecot) => dovecot.addMessages('alice', 'INBOX', Array.from({ length: SEEDED }, (_, i) => ({ raw: message(seededSubject(i + 1), i + 1), flags: 'S' }))),
  settings: (dovecot) => ({
    'mailInspector.accounts': [{ id: 'live', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice' }],
    'mailInspector.pageSize': PAGE_SIZE,
    // The shortest the setting allows: the last test hides the view that long.
    'mailInspector.idleCloseMinutes': 1,
  }),
});

/** Polls `check` until it holds; fails with `what` (and the last rows) after a generous deadline. Not a timing assertion. */
async function waitUntil(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`${what}; rows: ${(await e2e.tree.rows()).map((r) => r.label).join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** IMAP connections Dovecot holds for alice now (`doveadm who -1`: one line per connection), asked directly, not through the extension. */
async function imapConnections(): Promise<number> {
  const out = await e2e.dovecot.doveadm(['who', '-1']);
  return out.split('\n').filter((line) => /^alice\s/.test(line) && /\simap\s/.test(line)).length;
}

const inboxRows = async (): Promise<string[]> => (await e2e.tree.children('INBOX')).map((r) => r.label);

test('an expanded folder is watched: the account row says "live"', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.files.setSectionExpanded(false);
  // Nothing connects before the account is used: the row shows no state, the server sees no connection.
  assert.equal(await e2e.tree.description(ACCOUNT), `IMAP · 127.0.0.1:${e2e.dovecot.ports.imaps}`);
  assert.equal(await imapConnections(), 0, 'a connection was opened at activation');
  await e2e.tree.expand(ACCOUNT);
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, PASSWORD);
  await e2e.tree.expand('INBOX');
  await e2e.tree.scrollTo(seededSubject(SEEDED));
  assert.deepEqual(await inboxRows(), [seededSubject(5), seededSubject(4), 'Load more…']);
  await waitUntil('the account row never said "live"', async () => (await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
  assert.equal(await e2e.tree.description(ACCOUNT), `IMAP · 127.0.0.1:${e2e.dovecot.ports.imaps} · live`);
});

test('a message delivered by another client appears at the top of the expanded folder with no click', async (t) => {
  const subject = 'Pushed while the folder was open';
  const delivered = Date.now();
  await e2e.dovecot.addMessages('alice', 'INBOX', [{ raw: message(subject, 20) }]);
  await waitUntil('the delivered message did not appear in the tree', async () => (await inboxRows())[0] === subject);
  const latency = Date.now() - delivered;
  // Measured, not asserted (speed belongs to npm run bench): delivery (files + doveadm) to the row on screen.
  t.diagnostic(`delivery to row: ${latency} ms`);
  assert.deepEqual(await inboxRows(), [subject, seededSubject(5), seededSubject(4), 'Load more…']);
  // The folder's counts follow: the total from the watch (EXISTS), the unseen count by STATUS right after.
  await waitUntil('the INBOX counts did not follow', async () => (await e2e.tree.description('INBOX')) === `${SEEDED + 1} messages · 1 unseen`);
  await e2e.screenshot('live-new-mail');
});

test('"Load more…" by UID after an arrival neither skips nor repeats a message', async () => {
  await e2e.tree.click('Load more…');
  await waitUntil('the second page did not load', async () => (await inboxRows()).includes(seededSubject(2)));
  await e2e.tree.click('Load more…');
  await waitUntil('the last page did not load', async () => (await inboxRows()).includes(seededSubject(1)));
  assert.deepEqual(await inboxRows(), ['Pushed while the folder was open', ...[5, 4, 3, 2, 1].map(seededSubject)]);
});

test('a message expunged by another client disappears from the expanded folder', async () => {
  // UID 3 is "Seeded message 3" (a new folder numbers its messages 1..n in order).
  await e2e.dovecot.doveadm(['expunge', '-u', 'alice', 'mailbox', 'INBOX', 'uid', '3']);
  await waitUntil('the expunged message is still shown', async () => !(await inboxRows()).includes(seededSubject(3)));
  assert.deepEqual(await inboxRows(), ['Pushed while the folder was open', ...[5, 4, 2, 1].map(seededSubject)]);
});

test('a flag set by another client shows on the row', async () => {
  // UID 4 is "Seeded message 4"; its row is drawn with a star once it is \Flagged.
  const star = (): Promise<number> => e2e.tree.row(seededSubject(4)).locator('.codicon-star-full').count();
  assert.equal(await star(), 0);
  await e2e.dovecot.doveadm(['flags', 'add', '-u', 'alice', '\\Flagged', 'mailbox', 'INBOX', 'uid', '4']);
  await waitUntil('the flagged message has no star', async () => (await star()) === 1);
});

test('collapsing the folder stops the watch: the account row no longer says "live"', async () => {
  await e2e.tree.collapse('INBOX');
  await waitUntil('the account row still says "live"', async () => !(await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
});

test('at most two connections for the account; all closed once the view was hidden for mailInspector.idleCloseMinutes, open again when shown', async () => {
  await e2e.tree.expand('INBOX');
  await waitUntil('the account row never said "live" again', async () => (await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
  assert.equal(await imapConnections(), 2, 'one connection idling on INBOX and one for commands');
  await e2e.workbench.runCommand('View: Show Explorer');
  await waitUntil('connections stayed open after the view was hidden for a minute', async () => (await imapConnections()) === 0, 150_000);
  const whileHidden = 'Arrived while nothing was watched';
  await e2e.dovecot.addMessages('alice', 'INBOX', [{ raw: message(whileHidden, 21) }]);
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await waitUntil('the account row did not say "live" once the view was shown again', async () => (await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
  assert.ok((await imapConnections()) <= 2, 'more than two connections for one account');
  // What changed while nothing was watched shows: the expanded folder is listed again.
  await waitUntil('the message delivered while the view was hidden did not appear', async () => (await inboxRows())[0] === whileHidden);
  assert.deepEqual((await inboxRows()).slice(0, 2), [whileHidden, 'Pushed while the folder was open']);
});
