// A person's first session with Mail Inspector against an IMAP server: add the account through the quick inputs,
// browse folders and pages, read a message's source, watch the traffic, get a wrong password explained, and
// remove the accounts. Each step is a test; they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateMessage, standardMailbox, type StandardManifest } from '../servers/sampleMail';
import { useE2E, VIEW_CONTAINER } from './fixture';
import { AccountWizard } from './pages/accountWizard';

const PASSWORD = 'alice-secret-pw';
const e2e = useE2E({ users: [{ user: 'alice', password: PASSWORD }], seed: (dovecot) => standardMailbox(dovecot, 'alice') });
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;
const wizard = (): AccountWizard => new AccountWizard(e2e.quickInput, e2e.dialog);
const ACCOUNT = 'alice@127.0.0.1';
const WRONG = 'Wrong password';

/** The subject of message `i` of the generated "Bulk" folder, as the tree shows it. */
function bulkSubject(i: number): string {
  return /^Subject: (.*)$/m.exec(generateMessage(i))?.[1].trim() ?? '';
}

test('the Mail Inspector view offers to add an account', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440); // room for descriptions in the screenshots
  await e2e.tree.welcomeButton('Add Account').waitFor();
  await e2e.screenshot('welcome');
});

test('adds an IMAP account through the quick inputs', async () => {
  await e2e.tree.welcomeButton('Add Account').click();
  const name = await wizard().answer({ protocol: 'IMAP', host: '127.0.0.1', security: 'STARTTLS', port: e2e.dovecot.ports.imap, user: 'alice', password: PASSWORD });
  assert.equal(name, ACCOUNT);
  assert.equal(await e2e.tree.description(ACCOUNT), `IMAP · 127.0.0.1:${e2e.dovecot.ports.imap}`);
});

test('lists the folders, nested and non-ASCII, with their counts', async () => {
  await e2e.tree.expand(ACCOUNT);
  await e2e.tree.scrollTo('INBOX');
  const top = (await e2e.tree.children(ACCOUNT)).map((r) => r.label);
  for (const folder of ['INBOX', 'Sent', 'Drafts', 'Bulk', 'Entwürfe Ärger', '日本語', 'Projects']) {
    assert.ok(top.includes(folder), `folder ${folder} missing from ${top.join(', ')}`);
  }
  const inbox = manifest().folders.find((f) => f.path === 'INBOX');
  assert.equal(await e2e.tree.description('INBOX'), `${inbox?.total} messages · ${inbox?.unseen} unseen`);
  // "Lists" is \Noselect: no count of its own, what its subfolder holds, labelled so.
  const lists = manifest().folders.filter((f) => f.path.startsWith('Lists/') && f.selectable);
  const held = lists.reduce((n, f) => n + (f.total ?? 0), 0);
  const unseen = lists.reduce((n, f) => n + (f.unseen ?? 0), 0);
  assert.equal(await e2e.tree.description('Lists'), `in subfolders: ${held} message${held === 1 ? '' : 's'}${unseen ? ` · ${unseen} unseen` : ''}`);
  await e2e.tree.expand('Projects');
  await e2e.tree.scrollTo('2026');
  await e2e.screenshot('folders');
});

test('pages through a large folder with "Load more…"', async () => {
  const count = manifest().bulkCount;
  await e2e.tree.collapse('Projects');
  await e2e.tree.expand('Bulk');
  await e2e.tree.scrollTo(bulkSubject(count)); // newest first
  await e2e.tree.click('Load more…');
  await e2e.tree.scrollTo(bulkSubject(count - 50)); // the first message of the second page of 50
  await e2e.tree.collapse('Bulk');
});

test("opens a message's raw source in a read-only editor tab", async () => {
  const message = manifest().named.encodedSubject;
  await e2e.tree.expand('INBOX');
  await e2e.tree.click(message.subject);
  const title = await e2e.editor.waitForActiveTab(/\.eml$/);
  assert.match(title, /\.eml$/);
  const text = await e2e.editor.text();
  const normalize = (s: string): string => s.replace(/\r\n/g, '\n').trimEnd();
  assert.equal(normalize(text), normalize(message.raw.toString('utf8')));
  assert.ok(await e2e.editor.refusesTyping(), 'the message source can be edited');
  await e2e.screenshot('message-open');
});

test('shows the traffic with client and server lines and never the password', async () => {
  await e2e.tree.inlineAction(ACCOUNT, 'Show Traffic');
  await e2e.output.waitForChannel(`Mail Inspector: ${ACCOUNT}`);
  assert.ok((await e2e.output.channels()).includes(`Mail Inspector: ${ACCOUNT}`));
  const text = await e2e.output.waitForText((t) => / C: /.test(t) && / S: /.test(t) && /FETCH/.test(t));
  assert.match(text, / C: \S+ (LOGIN|AUTHENTICATE)/);
  assert.match(text, / S: \* OK/);
  assert.match(text, / C: \S+ STARTTLS/);
  for (const secret of secretForms('alice', PASSWORD)) {
    assert.ok(!text.includes(secret), `the traffic channel shows the password (${secret})`);
    assert.ok(!e2e.logs().includes(secret), `a log file of the editor holds the password (${secret})`);
  }
  await e2e.screenshot('traffic');
});

test('explains a wrong password in the tree', async () => {
  await e2e.workbench.runCommand('Mail Inspector: Add Account');
  await wizard().answer({ protocol: 'IMAP', host: '127.0.0.1', security: 'TLS', port: e2e.dovecot.ports.imaps, user: 'alice', password: 'not-the-password', displayName: WRONG });
  await e2e.tree.collapse(ACCOUNT);
  await e2e.tree.expand(WRONG);
  // A short label that leaves the side bar's room to the server's own words.
  const label = 'Sign-in rejected';
  await e2e.tree.scrollTo(label);
  assert.match(await e2e.tree.description(label), /Authentication failed/i, "the error node does not carry the server's words");
  await e2e.tree.contextMenu(WRONG, 'Show Traffic');
  await e2e.output.waitForChannel(`Mail Inspector: ${WRONG}`);
  await e2e.output.waitForText((t) => /S: \S+ NO \[AUTHENTICATIONFAILED\]/.test(t));
  await e2e.screenshot('wrong-password');
});

test('Set Password with the right one retries, and the account lists its folders', async () => {
  await e2e.tree.contextMenu(WRONG, 'Set Password');
  await e2e.quickInput.enter(`Password for ${WRONG}`, PASSWORD);
  await e2e.tree.scrollTo('INBOX');
  const children = (await e2e.tree.children(WRONG)).map((r) => r.label);
  assert.ok(children.includes('INBOX') && !children.includes('Sign-in rejected'), children.join(', '));
});

test('Refresh on a folder shows mail that arrived while it was not watched', async () => {
  // Only the folder expanded last is kept live (one idling connection per account; liveMailbox.test.ts shows the
  // push): Sent, expanded before INBOX, learns of new mail by Refresh.
  await e2e.tree.expand('Sent');
  await e2e.tree.expand('INBOX');
  const subject = 'Arrived after the folder was opened';
  await e2e.dovecot.addMessages('alice', 'Sent', [{ raw: `From: late@example.com\r\nTo: alice@example.com\r\nSubject: ${subject}\r\nDate: Sat, 01 Aug 2026 10:00:00 +0000\r\n\r\nHello.\r\n` }]);
  assert.equal(await e2e.tree.row(subject).count(), 0, 'the new message shows before any refresh');
  await e2e.tree.inlineAction('Sent', 'Refresh');
  await e2e.tree.scrollTo(subject);
});

test('removes the accounts after a confirmation', async () => {
  for (const name of [WRONG, ACCOUNT]) {
    // Collapsed, at the top: an expanded account scrolled past stays drawn as a sticky row over the list.
    await e2e.tree.collapse(name);
    await e2e.tree.scrollToTop();
    await e2e.tree.contextMenu(name, 'Remove Account');
    await e2e.dialog.waitFor();
    await e2e.dialog.press('Remove');
    await e2e.tree.row(name).waitFor({ state: 'detached' });
  }
  await e2e.tree.welcomeButton('Add Account').waitFor();
});

/** The password as it would appear on the wire: in clear, and inside AUTHENTICATE PLAIN's base64. */
function secretForms(user: string, password: string): string[] {
  return [password, Buffer.from(`\0${user}\0${password}`).toString('base64'), Buffer.from(password).toString('base64')];
}
