// Search on the server (issue 11), as a person runs it: "Search…" on a folder, a field and a value in the quick
// inputs (by keyboard), "Search now"; the result node under the folder says how many messages match and how long
// the server took, lists them newest first, and one opens like any message; the traffic shows the search command
// (ESEARCH's RETURN where Dovecot offers it). The search is saved: after a window reload it is there again, run
// again, and live (mail delivered meanwhile appears in it); Remove forgets it. On the account it searches every
// folder, grouped by folder; on a POP3 Inbox it searches on the client and states the cost. Each step is a test;
// they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { standardMailbox, type StandardManifest } from '../servers/sampleMail';
import { useE2E, VIEW_CONTAINER } from './fixture';

const PASSWORD = 'alice-search-pw';
const ACCOUNT = 'Search';
const POP3_ACCOUNT = 'Search POP3';
const TERM = 'Welcome';
const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: (dovecot) => standardMailbox(dovecot, 'alice'),
  settings: (dovecot) => ({
    'mailInspector.accounts': [
      { id: 'search', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice' },
      { id: 'search-pop3', label: POP3_ACCOUNT, protocol: 'pop3', host: '127.0.0.1', port: dovecot.ports.pop3, security: 'starttls', user: 'alice' },
    ],
  }),
});
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;

/** Matching messages delivered during the test, newest first. */
const delivered: string[] = [];

/** The INBOX messages whose subject holds the term (IMAP SUBJECT: a case-insensitive substring), newest first. */
function expectedMatches(): string[] {
  const seeded = manifest()
    .inbox.filter((m) => m.subject.toLowerCase().includes(TERM.toLowerCase()))
    .sort((a, b) => b.uid - a.uid)
    .map((m) => m.subject);
  return [...delivered, ...seeded];
}

/** The label of the result node once the search is done: "Search: subject "Invoice" — N results (server X ms)". */
function resultPattern(count: number): RegExp {
  return new RegExp(`^Search: subject "${TERM}" — ${count.toLocaleString('en-US')} results? \\(server \\d+ ms\\)$`);
}

/** Waits until a rendered row's label matches `pattern` and answers that label. Not a timing assertion: a generous deadline. */
async function waitForRow(pattern: RegExp, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const label = (await e2e.tree.rows()).map((r) => r.label).find((l) => pattern.test(l));
    if (label) return label;
    if (Date.now() > deadline) throw new Error(`no row matches ${pattern}; rows: ${(await e2e.tree.rows()).map((r) => r.label).join(' | ')}`);
    await e2e.page.waitForTimeout(250);
  }
}

/** Expands the account, entering the password if it is asked for (it is kept in the secret storage once given). */
async function openAccount(account = ACCOUNT, inbox = 'INBOX'): Promise<void> {
  await e2e.tree.expand(account);
  const prompt = e2e.quickInput.widget.locator('.quick-input-title', { hasText: /^\s*Password for/ });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if ((await e2e.quickInput.widget.isVisible()) && (await prompt.isVisible())) {
      await e2e.quickInput.enter(`Password for ${account}`, PASSWORD);
      break;
    }
    if ((await e2e.tree.row(inbox).count()) > 0) break;
    if (Date.now() > deadline) throw new Error(`neither a password prompt nor INBOX; rows: ${(await e2e.tree.rows()).map((r) => r.label).join(' | ')}`);
    await e2e.page.waitForTimeout(250);
  }
  await e2e.tree.scrollTo(inbox);
}

/** Shows the Mail Inspector side bar (after a reload the workbench may restore its entry checked with the side bar hidden). */
async function showMailInspector(): Promise<void> {
  const title = e2e.page.locator('.part.sidebar .composite.title').filter({ hasText: /Mail Inspector/i });
  for (let attempt = 1; !(await title.isVisible()); attempt++) {
    if (attempt > 4) throw new Error('the Mail Inspector side bar does not show');
    await e2e.workbench.activityBarItem(VIEW_CONTAINER).click();
    await title.waitFor({ timeout: 10_000 }).catch(() => undefined);
  }
}

/** Runs "Search…" from a row's context menu: the Subject field, the term, "Search now", all by keyboard. */
async function searchSubject(row: string): Promise<void> {
  await e2e.tree.contextMenu(row, 'Search…');
  await e2e.quickInput.waitForStep('Search messages by…');
  await e2e.page.keyboard.type('Subject');
  await e2e.quickInput.pick('Subject');
  await e2e.quickInput.enter('Text to find in the subject', TERM);
  await e2e.quickInput.waitForStep('Search now, or add a condition');
  await e2e.page.keyboard.press('Enter'); // "Search now" is the first item
  await e2e.quickInput.waitClosed();
}

let resultLabel = '';

test('Search… on a folder, finished by keyboard in the quick inputs, shows the result node with its count and the server time', async () => {
  const expected = expectedMatches();
  assert.ok(expected.length > 1, 'the sample mailbox has messages to find');
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(520);
  await e2e.files.setSectionExpanded(false);
  await openAccount();
  await searchSubject('INBOX');
  resultLabel = await waitForRow(resultPattern(expected.length));
  // The result node sits under the folder it searched, and lists the matches newest first.
  const inboxChildren = (await e2e.tree.children('INBOX')).map((r) => r.label);
  assert.ok(inboxChildren.includes(resultLabel), inboxChildren.join(' | '));
  await e2e.tree.expand(resultLabel);
  await e2e.tree.scrollTo(expected[0]!);
  const shown = (await e2e.tree.children(resultLabel)).map((r) => r.label);
  assert.deepEqual(shown.slice(0, Math.min(expected.length, 5)), expected.slice(0, 5), 'the matches, newest first');
  await e2e.screenshot('search-result');
});

test('a result opens like any message, and the traffic shows the search command', async () => {
  const newest = expectedMatches()[0]!;
  // The result node's rows come before the folder's own message rows: the first row with this label is the match.
  await e2e.tree.click(newest);
  await e2e.editor.waitForActiveTab(/\.eml$/);
  const text = await e2e.editor.text();
  assert.match(text, new RegExp(`^Subject: ${newest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  await e2e.tree.inlineAction(ACCOUNT, 'Show Traffic');
  await e2e.output.waitForChannel(`Mail Inspector: ${ACCOUNT}`);
  const traffic = await e2e.output.waitForText((t) => /C: \S+ UID SEARCH /.test(t));
  // Dovecot offers ESEARCH: the search asks for the count, the lowest and highest UID and the set in one reply.
  assert.match(traffic, /C: \S+ UID SEARCH RETURN \(COUNT MIN MAX ALL\) SUBJECT "?Welcome"?/);
  assert.match(traffic, /S: \* ESEARCH \(TAG "\S+"\) UID\b.*\bCOUNT \d+/);
  assert.match(traffic, /-- search in "INBOX": \d+ results?, server \d+ ms/);
  assert.doesNotMatch(traffic, /C: \S+ SELECT "?INBOX"?/, 'a search opens the folder read-only (EXAMINE)');
});

test('the saved search comes back after a window reload, run again', async () => {
  // The page loaded again is a new window: a new extension host, which knows the search only from the global state.
  await e2e.workbench.load(e2e.codeServer.url, e2e.workspace);
  await showMailInspector();
  await e2e.tree.scrollTo(ACCOUNT, 60_000);
  await openAccount();
  await e2e.tree.expand('INBOX');
  const label = await waitForRow(resultPattern(expectedMatches().length));
  assert.match(label, resultPattern(expectedMatches().length));
});

test('the result is live like its folder: matching mail delivered by another client appears, newest first', async () => {
  const before = expectedMatches().length;
  const subject = `${TERM} back, delivered while searching`;
  await e2e.dovecot.addMessages('alice', 'INBOX', [{ raw: `From: late@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nDate: Sat, 01 Aug 2026 10:00:00 +0000\r\n\r\nHello.\r\n` }]);
  delivered.unshift(subject);
  const label = await waitForRow(resultPattern(before + 1));
  await e2e.tree.expand(label);
  await e2e.tree.scrollTo(subject);
  assert.equal((await e2e.tree.children(label))[0]?.label, subject);
});

test('Search… on the account searches every folder, grouped by folder', async () => {
  await e2e.tree.collapse('INBOX');
  await searchSubject(ACCOUNT);
  const label = await waitForRow(new RegExp(`^Search: subject "${TERM}" — ([\\d,]+) results in (\\d+) of (\\d+) folders \\(server \\d+ ms\\)$`), 180_000);
  const [, total, hit] = /— ([\d,]+) results in (\d+) of/.exec(label) ?? [];
  assert.ok((await e2e.tree.children(ACCOUNT)).some((r) => r.label === label), 'the result node sits under the account');
  await e2e.tree.expand(label);
  await e2e.tree.scrollTo(`INBOX — ${expectedMatches().length} results`);
  const groups = (await e2e.tree.children(label)).map((r) => r.label);
  assert.equal(groups.length, Number(hit), groups.join(' | '));
  const sum = groups.reduce((n, g) => n + Number(/— ([\d,]+) results?$/.exec(g)?.[1]?.replace(/,/g, '') ?? NaN), 0);
  assert.equal(sum, Number(total?.replace(/,/g, '')), 'the groups add up to the total');
  await e2e.screenshot('search-all-folders');
  await e2e.tree.contextMenu(label, 'Remove Search');
  await e2e.tree.row(label).waitFor({ state: 'detached' });
});

test('Remove Search forgets it', async () => {
  await e2e.tree.expand('INBOX');
  const label = await waitForRow(resultPattern(expectedMatches().length));
  await e2e.tree.contextMenu(label, 'Remove Search');
  await e2e.tree.row(label).waitFor({ state: 'detached' });
  const left = (await e2e.tree.children('INBOX')).map((r) => r.label);
  assert.ok(!left.some((l) => l.startsWith('Search: ')), left.join(' | '));
});

test('POP3: Search… on the Inbox searches on this computer and states what it downloaded', async () => {
  await e2e.tree.collapse(ACCOUNT);
  await openAccount(POP3_ACCOUNT, 'Inbox');
  await e2e.tree.contextMenu('Inbox', 'Search…');
  await e2e.quickInput.waitForStep('Search messages by…');
  // A search on the client offers only what POP3 can answer: no flags, keywords, UIDs or raw IMAP criteria.
  for (const absent of ['Seen', 'Unseen', 'Keyword…', 'UID range…', 'Raw criteria…']) assert.equal(await e2e.quickInput.item(absent).count(), 0, absent);
  await e2e.page.keyboard.press('Escape');
  await e2e.quickInput.waitClosed();
  await searchSubject('Inbox');
  const expected = expectedMatches();
  const label = await waitForRow(new RegExp(`^Search: subject "${TERM}" — ${expected.length} results$`));
  const description = (await e2e.tree.rows()).find((r) => r.label === label)?.description ?? '';
  assert.match(description, new RegExp(`^searched ${manifest().inbox.length + delivered.length} headers: .+ downloaded in 1 session$`));
  await e2e.tree.expand(label);
  await e2e.tree.scrollTo(expected[0]!);
  const shown = (await e2e.tree.children(label)).map((r) => r.label);
  assert.deepEqual(shown, expected, 'the matches, newest first');
  await e2e.screenshot('search-pop3');
});
