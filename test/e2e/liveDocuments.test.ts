// The documents of a live session in the real editor: "Show Folder State" on a folder opens a read-only document
// with its UIDVALIDITY, counts and capabilities that adds the events another client causes while it is open; a
// message tab of a folder that another client deletes and creates again says it belonged to an earlier generation
// and never shows the new message that holds its UID. Each step is a test; they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OtherDevice, seedMessages } from '../integration/support/liveFixture';
import { useE2E, VIEW_CONTAINER } from './fixture';
import { AccountWizard } from './pages/accountWizard';

const PASSWORD = 'alice-secret-pw';
const OLD_SUBJECT = 'Generation one only';
const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: async (dovecot) => {
    await dovecot.addMessages('alice', 'INBOX', seedMessages('inbox', 3));
    await dovecot.addMessages('alice', 'Gen', [{ raw: ['From: a@example.com', 'To: alice@example.com', `Subject: ${OLD_SUBJECT}`, '', 'OLD GENERATION BODY', ''].join('\r\n') }]);
  },
});
const ACCOUNT = 'alice@127.0.0.1';

/** Polls the active editor's text until it matches (documents update from session events, not at once). */
async function editorTextMatching(pattern: RegExp, ms = 20_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = await e2e.editor.text();
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) throw new Error(`the editor never showed ${pattern}; it shows:\n${text}`);
    await e2e.page.waitForTimeout(300);
  }
}

test('adds the IMAP account and expands INBOX (watched)', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.tree.welcomeButton('Add Account').click();
  const name = await new AccountWizard(e2e.quickInput, e2e.dialog).answer({ protocol: 'IMAP', host: '127.0.0.1', security: 'STARTTLS', port: e2e.dovecot.ports.imap, user: 'alice', password: PASSWORD });
  assert.equal(name, ACCOUNT);
  await e2e.tree.expand(ACCOUNT);
  await e2e.tree.expand('INBOX');
  await e2e.tree.scrollTo('inbox 3');
});

test('Show Folder State opens a read-only document with the folder\'s values and the capabilities', async () => {
  await e2e.tree.contextMenu('INBOX', 'Show Folder State');
  await e2e.editor.waitForActiveTab(/^folder state\.md$/);
  const text = await editorTextMatching(/\| UIDVALIDITY \| \d+/);
  assert.match(text, /^# Folder state: INBOX/m);
  assert.match(text, /\| EXISTS \| 3 \|/);
  assert.match(text, /\| HIGHESTMODSEQ \| \d+/);
  assert.match(text, /\| Capabilities \|.*`IDLE`/);
  assert.ok(await e2e.editor.refusesTyping(), 'the folder state can be edited');
  await e2e.screenshot('folder-state');
});

test('the open folder state adds the delivery and the flag change another client makes', async () => {
  const other = await OtherDevice.connect(e2e.dovecot);
  try {
    const uid = await other.deliver('INBOX', 'Delivered while watching');
    await editorTextMatching(new RegExp(`\\| new \\| ${uid} \\|`));
    await other.addFlags('INBOX', [1], ['\\Flagged']);
    const text = await editorTextMatching(/\| flags \| 1 \| \d+ \|/);
    assert.match(text, /\| EXISTS \| 4 \(live\) \|/);
  } finally {
    await other.close();
  }
});

test('a message tab of a re-created folder says it belonged to an earlier generation, never the new message', async () => {
  await e2e.tree.collapse('INBOX');
  await e2e.tree.expand('Gen');
  await e2e.tree.click(OLD_SUBJECT);
  await e2e.editor.waitForActiveTab(/\.eml$/);
  assert.match(await e2e.editor.text(), /OLD GENERATION BODY/);
  const other = await OtherDevice.connect(e2e.dovecot);
  try {
    await other.recreate('Gen');
    assert.equal(await other.deliver('Gen', 'Generation two'), 1, 'the new message has the old one\'s UID');
  } finally {
    await other.close();
  }
  // The watched folder reports its new UIDVALIDITY; the open tab reads again and gets the notice.
  const text = await editorTextMatching(/earlier generation of the folder "Gen"/, 30_000);
  assert.doesNotMatch(text, /Generation two/);
  assert.match(text, /UIDVALIDITY \d+, now \d+/);
  await e2e.screenshot('stale-generation');
});
