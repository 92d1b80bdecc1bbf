// A person's session with a POP3 account: add it through the quick inputs (STARTTLS, sent as STLS), see its one
// Inbox, page back through older messages, read a message's source, watch the masked traffic, and delete one
// message from the server after a confirmation. Each step is a test; they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes } from '../../src/core/format';
import { standardMailbox, type SeededMessage, type StandardManifest } from '../servers/sampleMail';
import { useE2E, VIEW_CONTAINER } from './fixture';
import { AccountWizard } from './pages/accountWizard';

const PASSWORD = 'alice-pop3-pw';
const PAGE_SIZE = 10;
const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: (dovecot) => standardMailbox(dovecot, 'alice'),
  // Pages of 10, so the ~30 messages of the standard INBOX need "Load more…".
  settings: () => ({ 'mailInspector.pageSize': PAGE_SIZE }),
});
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;
const ACCOUNT = 'alice@127.0.0.1';
const INBOX = 'Inbox';

/** The label the tree gives a message. */
function label(message: SeededMessage): string {
  return message.subject || '(no subject)';
}

/** Messages of page `page` (0 = newest) of `messages` (oldest first), newest first. */
function pageOf(messages: readonly SeededMessage[], page: number): SeededMessage[] {
  const end = messages.length - page * PAGE_SIZE;
  return messages.slice(Math.max(0, end - PAGE_SIZE), end).reverse();
}

/** How many messages Dovecot holds in the maildrop, asked directly (not through the extension). */
async function countOnServer(): Promise<number> {
  const out = await e2e.dovecot.doveadm(['-f', 'tab', 'mailbox', 'status', '-u', 'alice', 'messages', 'INBOX']);
  // "mailbox\tmessages\nINBOX\t29\n"
  return Number(out.trim().split('\n').at(-1)?.split('\t').at(-1));
}

async function messageIdsOnServer(): Promise<string[]> {
  const out = await e2e.dovecot.doveadm(['-f', 'tab', 'fetch', '-u', 'alice', 'hdr.message-id', 'mailbox', 'INBOX', 'all']);
  return out.split('\n').slice(1).map((line) => line.trim()).filter((line) => line !== '');
}

function messageIdOf(message: SeededMessage): string {
  return /^Message-ID: (.*)$/im.exec(message.raw.toString('utf8'))?.[1]?.trim() ?? '';
}

test('adds a POP3 account with STARTTLS through the quick inputs', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.files.setSectionExpanded(false); // the room goes to the Accounts view
  await e2e.tree.welcomeButton('Add Account').click();
  const name = await new AccountWizard(e2e.quickInput, e2e.dialog).answer({
    protocol: 'POP3', host: '127.0.0.1', security: 'STARTTLS', port: e2e.dovecot.ports.pop3, certificate: 'Verify the server certificate', user: 'alice', password: PASSWORD,
    access: 'Read-write', // "Delete from Server…" below is a write: a read-only account refuses it in the core
  });
  assert.equal(name, ACCOUNT);
  // The row says the account may change the server.
  assert.equal(await e2e.tree.description(ACCOUNT), `POP3 · 127.0.0.1:${e2e.dovecot.ports.pop3} · read-write`);
});

test('shows exactly one folder, Inbox, with the count and size of the maildrop', async () => {
  await e2e.tree.expand(ACCOUNT);
  await e2e.tree.scrollTo(INBOX);
  assert.deepEqual((await e2e.tree.children(ACCOUNT)).map((r) => r.label), [INBOX]);
  const inbox = manifest().inbox;
  const bytes = inbox.reduce((sum, m) => sum + m.raw.length, 0);
  assert.equal(await e2e.tree.description(INBOX), `${inbox.length} messages · ${formatBytes(bytes)}`);
});

test('lists the newest page first, and older messages after "Load more…"', async () => {
  const inbox = manifest().inbox;
  const first = pageOf(inbox, 0);
  await e2e.tree.expand(INBOX);
  await e2e.tree.scrollTo(label(first[0]));
  await e2e.tree.scrollTo('Load more…');
  assert.deepEqual((await e2e.tree.children(INBOX)).map((r) => r.label), [...first.map(label), 'Load more…']);
  await e2e.screenshot('pop3-inbox');

  await e2e.tree.click('Load more…');
  const second = pageOf(inbox, 1);
  await e2e.tree.scrollTo(label(second.at(-1) as SeededMessage)); // the oldest of the second page
  await e2e.tree.scrollTo(label(second[0]));
  const rows = (await e2e.tree.children(INBOX)).map((r) => r.label);
  const at = rows.indexOf(label(second[0]));
  assert.deepEqual(rows.slice(at, at + second.length), second.map(label), 'the second page is not in order, newest first');

  // A third page reaches the oldest messages, among them one whose lines start with dots (dot-stuffed by POP3).
  await e2e.tree.click('Load more…');
  await e2e.tree.scrollTo(label(manifest().named.oldest));
});

test("opens a message's raw source, byte for byte after POP3's dot-stuffing is undone", async () => {
  const message = manifest().named.dotLines;
  await e2e.tree.click(label(message));
  const title = await e2e.editor.waitForActiveTab(/\.eml$/);
  assert.match(title, /\.eml$/);
  const normalize = (s: string): string => s.replace(/\r\n/g, '\n').trimEnd();
  assert.equal(normalize(await e2e.editor.text()), normalize(message.raw.toString('utf8')));
});

test('shows the POP3 traffic: STLS, CAPA, UIDL, TOP, RETR, RSET, QUIT, no DELE and never the password', async () => {
  await e2e.tree.inlineAction(ACCOUNT, 'Show Traffic');
  const channel = `Mail Inspector: ${ACCOUNT}`;
  await e2e.output.waitForChannel(channel);
  const text = await e2e.output.waitForText((t) => / C: RETR \d+/.test(t) && / C: RSET/.test(t) && / C: QUIT/.test(t));
  for (const command of ['STLS', 'CAPA', 'UIDL', 'TOP \\d+ 0', 'RETR \\d+', 'RSET', 'QUIT']) {
    assert.match(text, new RegExp(` C: ${command}\\b`), `no "C: ${command}" line in the traffic`);
  }
  assert.match(text, / S: \+OK/);
  assert.doesNotMatch(text, / C: DELE/, 'browsing sent DELE');
  for (const secret of secretForms('alice', PASSWORD)) {
    assert.ok(!text.includes(secret), `the traffic channel shows the password (${secret})`);
    assert.ok(!e2e.logs().includes(secret), `a log file of the editor holds the password (${secret})`);
  }
});

test('"Delete from Server…" deletes exactly the confirmed message', async () => {
  const inbox = manifest().inbox;
  const victim = manifest().named.rawUtf8Subject; // on the first page
  assert.equal(await countOnServer(), inbox.length);
  await e2e.tree.contextMenu(label(victim), 'Delete from Server…');
  const question = await e2e.dialog.waitFor(/Delete .* from the server\?/);
  assert.ok(question.includes(victim.subject), `the confirmation does not name the message: ${question}`);
  await e2e.dialog.press('Delete from Server');

  // The tree reloads the account: the Inbox count drops and the first page no longer holds the message.
  const remaining = inbox.filter((m) => m !== victim);
  await waitFor(async () => (await e2e.tree.description(INBOX)).startsWith(`${remaining.length} messages`), 'the Inbox count did not drop by one');
  const expected = [...pageOf(remaining, 0).map(label), 'Load more…'];
  let shown: string[] = [];
  await waitFor(async () => {
    await e2e.tree.scrollTo(INBOX);
    shown = (await e2e.tree.children(INBOX)).map((r) => r.label);
    return shown.join('\n') === expected.join('\n');
  }, 'the Inbox does not show the first page without the deleted message').catch(() => assert.deepEqual(shown, expected));
  assert.ok(!shown.includes(label(victim)));

  assert.equal(await countOnServer(), remaining.length);
  const ids = await messageIdsOnServer();
  assert.ok(!ids.includes(messageIdOf(victim)), 'the message is still on the server');
  assert.deepEqual([...ids].sort(), remaining.map(messageIdOf).sort(), 'another message than the confirmed one is gone');

  const traffic = await e2e.output.waitForText((t) => / C: DELE \d+/.test(t));
  assert.equal(traffic.match(/ C: DELE /g)?.length, 1, 'more than one DELE was sent');
});

async function waitFor(condition: () => Promise<boolean>, message: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await e2e.page.waitForTimeout(200);
  }
}

/** The password as it would appear on the wire: in clear (PASS), and inside AUTH PLAIN's base64. */
function secretForms(user: string, password: string): string[] {
  return [password, Buffer.from(`\0${user}\0${password}`).toString('base64'), Buffer.from(password).toString('base64')];
}
