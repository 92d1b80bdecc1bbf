// The server goes away while a folder is watched (Dovecot's main instance stopped, as a crash or restart would):
// the account row says so and the tree keeps what it showed; another client changes the mailbox meanwhile (python3
// imaplib on the `ssl = no` instance, which serves the same mail); when the server is back the session reconnects,
// resyncs, and the tree shows what changed while away. The extension host stays up throughout. Folders that are not
// watched get their counts on the poll timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { useE2E, VIEW_CONTAINER } from './fixture';

const USER = 'dave';
const PASSWORD = 'dave-reconnect-pw';
const ACCOUNT = 'Restarting';

function message(subject: string, day: number): string {
  return `From: sender@example.com\r\nTo: dave@example.com\r\nSubject: ${subject}\r\nDate: Sun, ${String(day).padStart(2, '0')} Aug 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W+/g, '.')}@example.com>\r\n\r\nHello.\r\n`;
}
const seeded = (i: number): string => `Before the restart ${i}`;

const e2e = useE2E({
  users: [{ user: USER, password: PASSWORD }],
  seed: (dovecot) => dovecot.addMessages(USER, 'INBOX', [1, 2, 3].map((i) => ({ raw: message(seeded(i), i), flags: 'S' }))),
  settings: (dovecot) => ({
    'mailInspector.accounts': [{ id: 'restarting', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: USER }],
    // The shortest the setting allows: the counts of folders that are not watched refresh on this timer.
    'mailInspector.pollSeconds': 5,
  }),
});

/** Polls `check` until it holds; fails with `what` after a generous deadline. Not a timing assertion. */
async function waitUntil(what: string, check: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > ms) {
      const log = e2e.logs().split('\n').filter((l) => /Mail Inspector|INBOX|could not|loading again|warn|error/i.test(l)).slice(-30).join('\n');
      throw new Error(`${what}; account row: "${await e2e.tree.description(ACCOUNT).catch(() => '?')}"; rows: ${(await e2e.tree.rows()).map((r) => r.label).join(' | ')}\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** "Another device": python3's imaplib on the plain `ssl = no` instance (same mail) appends one message and expunges UID 1. */
function otherClientChanges(subject: string): Promise<void> {
  const script = [
    'import imaplib, sys',
    'c = imaplib.IMAP4(sys.argv[1], int(sys.argv[2]))',
    'c.login(sys.argv[3], sys.argv[4])',
    'typ, data = c.append("INBOX", None, None, sys.stdin.buffer.read())',
    'assert typ == "OK", data',
    'c.select("INBOX")',
    'c.uid("STORE", "1", "+FLAGS.SILENT", "(\\\\Deleted)")',
    'c.expunge()',
    'c.logout()',
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', script, '127.0.0.1', String(e2e.dovecot.ports.imapNoTls), USER, PASSWORD], (error, _stdout, stderr) => (error ? reject(new Error(`imaplib failed: ${stderr}`)) : resolve()));
    child.stdin?.end(Buffer.from(message(subject, 20), 'utf8'));
  });
}

const inboxRows = async (): Promise<string[]> => (await e2e.tree.children('INBOX')).map((r) => r.label);

test('a watched folder says "live"', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.files.setSectionExpanded(false);
  await e2e.tree.expand(ACCOUNT);
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, PASSWORD);
  await e2e.tree.expand('INBOX');
  await e2e.tree.scrollTo(seeded(3));
  await waitUntil('the account row never said "live"', async () => (await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
});

test('the server stops: the account row says it is reconnecting or offline, and the tree keeps what it showed', async () => {
  await e2e.dovecot.haltMain();
  await waitUntil('the account row did not show the lost connection', async () => / · (reconnecting…|offline)$/.test(await e2e.tree.description(ACCOUNT)));
  assert.deepEqual(await inboxRows(), [3, 2, 1].map(seeded));
});

test('another client changes the mailbox meanwhile; once the server is back the tree shows it, with no click', async () => {
  const subject = 'Delivered while the server was down';
  await otherClientChanges(subject);
  await e2e.dovecot.startMainAgain();
  await waitUntil('the account row did not say "live" again', async () => (await e2e.tree.description(ACCOUNT)).endsWith(' · live'));
  await waitUntil('the tree did not show what changed while away', async () => {
    const rows = await inboxRows();
    return rows[0] === subject && !rows.includes(seeded(1));
  });
  assert.deepEqual(await inboxRows(), [subject, seeded(3), seeded(2)]);
  assert.doesNotMatch(e2e.logs(), /Extension host (terminated|exited) unexpectedly/i, 'the extension host went down');
});

test('a folder that is not watched gets its counts on the timer: mail delivered to it shows in its description with no click', async () => {
  assert.equal(await e2e.tree.description('Archive'), '0 messages');
  await e2e.dovecot.addMessages(USER, 'Archive', [{ raw: message('Archived by another client', 22) }]);
  await waitUntil('the Archive counts did not refresh on the timer', async () => (await e2e.tree.description('Archive')) === '1 message · 1 unseen', 30_000);
});
