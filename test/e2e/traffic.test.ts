// The protocol workbench's traffic view (issue 12), as a person debugging a server uses it: browse a message and
// one of its parts, "Open Traffic" shows the account's connection (greeting, TLS, login method) and its commands as
// rows with status, latency and bytes, in the theme's colours; filters by command, status and text; a row opens to
// its exact lines; "Show Traffic for This Message" on the message and on a part narrows it to the exchanges that
// fetched them, with what each cost; "Export transcript" gives the masked text; the protocol console's own
// connection shows there too. Never the password, anywhere.
// Each step is a test; they run in order on one editor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { standardMailbox, type StandardManifest } from '../servers/sampleMail';
import { useE2E, VIEW_CONTAINER } from './fixture';

const PASSWORD = 'alice-traffic-pw';
const ACCOUNT = 'Traffic';
const POP3_ACCOUNT = 'Traffic POP3';
const REPORT = 'Report with attachments';
const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: (dovecot) => standardMailbox(dovecot, 'alice'),
  settings: (dovecot) => ({
    'mailInspector.accounts': [
      { id: 'traffic', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice' },
      { id: 'traffic-pop3', label: POP3_ACCOUNT, protocol: 'pop3', host: '127.0.0.1', port: dovecot.ports.pop3, security: 'starttls', user: 'alice' },
    ],
    'workbench.colorTheme': 'Default Dark Modern',
    // The terminal draws with the DOM renderer, so its text can be read.
    'terminal.integrated.gpuAcceleration': 'off',
  }),
  editorEnv: { EXTENSIONS_GALLERY: '{}' },
});
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;
const reportUid = (): number => manifest().named.attachment.uid;

interface ShownRow {
  command: string;
  status: string;
  latency: string;
  bytes: string;
  role: string;
}

/**
 * The traffic view's frame that shows `text` (found again each time: a hidden webview is rebuilt when it shows
 * again). Only a traffic view's frame counts (it has the exchanges' container), not the workbench around it, whose
 * tabs and terminal show some of the same words.
 */
async function view(text = 'Export transcript', timeoutMs = 30_000): Promise<Frame> {
  const failure = e2e.workbench.notification(/traffic/i);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await failure.isVisible()) throw new Error(`no traffic view shows "${text}": ${(await failure.innerText()).trim()}`);
    for (const frame of e2e.page.frames()) {
      const body = await frame
        .evaluate(() => {
          const doc = (globalThis as unknown as { document: { getElementById(id: string): unknown; body?: { innerText: string } } }).document;
          return doc.getElementById('connections') ? (doc.body?.innerText ?? '') : '';
        })
        .catch(() => '');
      if (body.includes(text)) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no traffic view shows "${text}"`);
    await e2e.page.waitForTimeout(200);
  }
}

async function shownRows(frame: Frame): Promise<ShownRow[]> {
  return frame.locator('tr.row').evaluateAll((rows) =>
    rows.map((r) => {
      const cell = (c: string): string => (r.querySelector(c)?.textContent ?? '').trim();
      return { command: cell('.cell-command code'), status: cell('.cell-status'), latency: cell('.cell-latency'), bytes: cell('.cell-bytes'), role: cell('.role') };
    }),
  );
}

/** Waits until the rows shown satisfy `check` (the page is redrawn as the extension sends updates). */
async function waitForRows(check: (rows: ShownRow[]) => boolean, what: string, frameText?: string, ms = 30_000): Promise<ShownRow[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const rows = await shownRows(await view(frameText));
    if (rows.length > 0 && check(rows)) return rows;
    if (Date.now() > deadline) throw new Error(`${what}; rows: ${rows.map((r) => `${r.command} ${r.status} ${r.role}`).join(' | ')}`);
    await e2e.page.waitForTimeout(250);
  }
}

async function bodyText(frame: Frame): Promise<string> {
  return frame.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
}

test('browses a message and a part of it, then Open Traffic shows the connection and its commands', async () => {
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.tree.expand(ACCOUNT);
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, PASSWORD);
  await e2e.tree.expand('INBOX');
  await e2e.tree.expand(REPORT);
  await e2e.tree.scrollTo('1 text/plain');
  await e2e.tree.click('1 text/plain');
  await e2e.editor.waitForActiveTab(/\.txt$/);

  await e2e.workbench.runCommand('Mail Inspector: Open Traffic');
  await e2e.quickInput.pick(ACCOUNT, 'Account whose traffic to open'); // two accounts: it asks which
  await e2e.editor.tab(`Traffic: ${ACCOUNT}`).waitFor();
  const rows = await waitForRows((r) => r.some((x) => /^\S+ UID FETCH .*BODY\.PEEK\[1\]/.test(x.command)), 'the part fetch is not listed');
  const frame = await view();
  const text = await bodyText(frame);
  // The connection, with what is known of it.
  assert.match(text, /imap#\d+ \(IMAP\)/);
  assert.match(text, /Greeting\s+\* OK/);
  assert.match(text, /TLS\s+TLSv1\.[23]/);
  assert.match(text, /Login\s+(LOGIN|AUTHENTICATE PLAIN)/);
  // Rows: the login masked, every finished command with its status, latency and bytes.
  const login = rows.find((r) => /^\S+ (LOGIN|AUTHENTICATE)\b/.test(r.command));
  assert.ok(login, rows.map((r) => r.command).join(' | '));
  assert.equal(login.status, 'OK');
  for (const row of rows.filter((r) => r.status !== 'pending')) {
    assert.match(row.latency, /^\d[\d,.]* ms$/, row.command);
    assert.match(row.bytes, /^↑ \d.* ↓ \d/, row.command);
  }
  assert.ok(!text.includes(PASSWORD), 'the password reached the webview');
  // A latency timeline per connection: one bar per command.
  const bars = await frame.locator('section.connection svg.timeline rect.bar').count();
  assert.ok(bars >= rows.length, `${bars} bars for ${rows.length} rows`);
  // The theme's colours (the editor is in a dark theme).
  const look = await frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: PageDocument }).document;
    const style = (e: unknown): { backgroundColor: string; color: string } => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string; color: string } }).getComputedStyle(e);
    const probe = doc.createElement('div');
    probe.style.backgroundColor = 'var(--vscode-editor-background)';
    probe.style.color = 'var(--vscode-foreground)';
    doc.body.appendChild(probe);
    const themed = { ...style(probe) };
    const result = { dark: doc.body.classList.contains('vscode-dark'), page: style(doc.body).backgroundColor, text: style(doc.body).color, themed: { backgroundColor: themed.backgroundColor, color: themed.color } };
    probe.remove();
    return result;
  });
  assert.ok(look.dark, 'the editor is not in a dark theme');
  assert.equal(look.page, look.themed.backgroundColor);
  assert.equal(look.text, look.themed.color);
  await e2e.screenshot('traffic-view');
});

/** The little of the page's DOM the theme check touches (the tests are not compiled with the DOM's types). */
interface PageDocument {
  body: { classList: { contains(name: string): boolean }; appendChild(node: unknown): void };
  createElement(tag: string): { style: Record<string, string>; remove(): void };
}

/** The "N of M exchanges" line: [N, M]. */
async function counts(): Promise<[number, number]> {
  const m = /([\d,]+) of ([\d,]+) exchanges/.exec(await bodyText(await view()));
  if (!m) throw new Error('the view does not say how many exchanges it shows');
  return [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))];
}

test('follows the traffic live: a refresh of the folder shows up while the view is open', async () => {
  const [, before] = await counts();
  await e2e.tree.inlineAction('INBOX', 'Refresh');
  const deadline = Date.now() + 30_000;
  for (;;) {
    const [shown, total] = await counts();
    if (total > before) {
      assert.equal(shown, total, 'unfiltered, every exchange is shown');
      break;
    }
    if (Date.now() > deadline) throw new Error(`still ${total} exchanges after the refresh`);
    await e2e.page.waitForTimeout(250);
  }
});

test('filters by connection, command, status and text; a row opens to its exact lines', async () => {
  let frame = await view();
  const connections = (await frame.locator('#connection option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).filter(Boolean);
  assert.ok(connections.length >= 1 && connections.every((c) => /^imap#\d+$/.test(c)), connections.join(', '));
  await frame.locator('#connection').selectOption(connections[0]!);
  for (const deadline = Date.now() + 30_000; ; ) {
    const shown = await (await view()).locator('section.connection').evaluateAll((ss) => ss.map((s) => (s as unknown as { dataset: { connection: string } }).dataset.connection));
    if (shown.length === 1 && shown[0] === connections[0]) break;
    if (Date.now() > deadline) throw new Error(`the connection filter shows ${shown.join(', ')}`);
    await e2e.page.waitForTimeout(250);
  }
  frame = await view();
  await frame.locator('#connection').selectOption('');
  await frame.locator('#command').selectOption('UID FETCH');
  await waitForRows((rows) => rows.every((r) => /^\S+ UID FETCH /.test(r.command)), 'the command filter lets other commands through');
  frame = await view();
  await frame.locator('#status').selectOption('ok');
  await waitForRows((rows) => rows.every((r) => r.status === 'OK' && /UID FETCH/.test(r.command)), 'the status filter lets other statuses through');
  frame = await view();
  await frame.locator('#command').selectOption('');
  await frame.locator('#status').selectOption('all');
  await frame.locator('#text').fill('BODYSTRUCTURE');
  const rows = await waitForRows((r) => r.every((x) => /BODYSTRUCTURE/.test(x.command)), 'the text filter lets other exchanges through');
  assert.ok(rows.length >= 1);
  frame = await view();
  await frame.locator('tr.row', { hasText: 'BODYSTRUCTURE' }).first().locator('button.toggle').click();
  const pre = frame.locator('tr.lines pre').first();
  await pre.waitFor();
  const lines = (await pre.innerText()).split('\n');
  assert.match(lines[0] ?? '', /^\[imap#\d+\] C: \S+ UID FETCH \S+ \(.*BODYSTRUCTURE/);
  assert.ok(lines.some((l) => /^\[imap#\d+\] S: \* \d+ FETCH \(.*BODYSTRUCTURE/.test(l)), lines.join('\n'));
  assert.match(lines[lines.length - 1] ?? '', /^\[imap#\d+\] S: \S+ OK /);
  await frame.locator('#text').fill('');
  await waitForRows((r) => r.some((x) => /LOGIN|AUTHENTICATE/.test(x.command)), 'clearing the text filter does not show everything again');
});

test('Show Traffic for This Message: the exchanges that fetched the message, with what each cost', async () => {
  await e2e.tree.contextMenu(REPORT, 'Show Traffic for This Message');
  const label = `Traffic for "${REPORT}" (UID ${reportUid()} in INBOX)`;
  const frame = await view(label);
  const rows = await waitForRows((r) => ['listing', 'structure', 'part'].every((role) => r.some((x) => x.role === role)), 'the listing, structure and part fetch are not all there');
  for (const row of rows) assert.match(row.command, /FETCH/, 'only fetches of the message');
  assert.ok(!rows.some((r) => /LOGIN|AUTHENTICATE|LIST|EXAMINE|SELECT/.test(r.command)), rows.map((r) => r.command).join(' | '));
  const own = rows.filter((r) => ['structure', 'part', 'body'].includes(r.role));
  assert.ok(own.every((r) => new RegExp(`^\\S+ UID FETCH ${reportUid()} `).test(r.command)), own.map((r) => r.command).join(' | '));
  const text = await bodyText(frame);
  assert.match(text, new RegExp(`— ${rows.length} exchanges?, ↑ \\S+ \\S+ ↓ \\S+ \\S+, [\\d.]+ ms waiting for the server`));
  await e2e.screenshot('traffic-message');
});

test("on a part, only that part's fetch besides the listing and structure; Show all traffic widens it again", async () => {
  await e2e.tree.contextMenu('2 application/pdf', 'Show Traffic for This Message');
  const label = `Traffic for part 2 of "${REPORT}" (UID ${reportUid()} in INBOX)`;
  await view(label);
  // Part 2 was never fetched: the part fetch of part 1 is left out.
  const rows = await waitForRows((r) => r.every((x) => x.role !== 'part') && r.some((x) => x.role === 'structure'), 'another part\'s fetch is listed');
  assert.ok(!rows.some((r) => /BODY\.PEEK\[1\]/.test(r.command)));
  const frame = await view(label);
  await frame.getByRole('button', { name: 'Show all traffic' }).click();
  await waitForRows((r) => r.some((x) => /LOGIN|AUTHENTICATE/.test(x.command)), 'Show all traffic did not widen the view');
  assert.ok(!(await bodyText(await view())).includes('Traffic for part'));
});

test("on the message's open tab (the palette): the same transcript, now with the whole message fetched", async () => {
  await e2e.tree.click(REPORT);
  await e2e.editor.waitForActiveTab(/\.eml$/);
  await e2e.workbench.runCommand('Mail Inspector: Show Traffic for This Message');
  const label = `Traffic for "${REPORT}" (UID ${reportUid()} in INBOX)`;
  await view(label);
  const rows = await waitForRows((r) => r.some((x) => x.role === 'whole message'), 'the fetch of the whole message is not listed');
  assert.match(rows.find((r) => r.role === 'whole message')?.command ?? '', new RegExp(`^\\S+ UID FETCH ${reportUid()} \\(.*BODY\\.PEEK\\[\\]`));
  await (await view(label)).getByRole('button', { name: 'Show all traffic' }).click();
  await waitForRows((r) => r.some((x) => /LOGIN|AUTHENTICATE/.test(x.command)), 'Show all traffic did not widen the view');
});

test('Export transcript opens the exchanges shown as masked text', async () => {
  const frame = await view();
  await frame.getByRole('button', { name: 'Export transcript' }).click();
  await e2e.editor.waitForActiveTab(/^Untitled/);
  const text = await e2e.editor.text();
  assert.match(text, new RegExp(`^# Mail Inspector traffic transcript: ${ACCOUNT}$`, 'm'));
  assert.match(text, /^## Connection imap#\d+ \(IMAP\), opened /m);
  assert.match(text, /^# \S+ \S+ (LOGIN|AUTHENTICATE): OK, [\d.,]+ ms, \d+ bytes out, \d+ bytes in$/m);
  assert.match(text, /^\[imap#\d+\] C: \S+ (LOGIN alice \*\*\*\*|AUTHENTICATE PLAIN)/m);
  assert.match(text, /^\[imap#\d+\] C: \S+ UID FETCH \d+ \(.*BODY\.PEEK\[1\]/m);
  const plain = Buffer.from(`\0alice\0${PASSWORD}`).toString('base64');
  for (const form of [PASSWORD, plain]) {
    assert.ok(!text.includes(form), 'the password is in the transcript');
    assert.ok(!e2e.logs().includes(form), 'the password is in a log');
  }
});

test('POP3: the UIDL listing, the headers and the RETR of that message, by its UIDL, in its own view', async () => {
  await e2e.tree.collapse(ACCOUNT);
  await e2e.tree.expand(POP3_ACCOUNT);
  await e2e.quickInput.enter(`Password for ${POP3_ACCOUNT}`, PASSWORD);
  await e2e.tree.expand('Inbox');
  await e2e.tree.expand(REPORT); // its parts come from the whole message (RETR)
  await e2e.tree.scrollTo('1 text/plain');
  await e2e.tree.contextMenu(REPORT, 'Show Traffic for This Message');
  await e2e.editor.tab(`Traffic: ${POP3_ACCOUNT}`).waitFor();
  // The IMAP account's view is open too (in the other editor group): this one is told apart by what it shows.
  const shows = `Traffic for "${REPORT}" (UIDL `;
  const frame = await view(shows);
  const rows = await waitForRows((r) => r.some((x) => x.role === 'whole message') && r.some((x) => x.role === 'listing'), 'the UIDL listing and the RETR are not both there', shows);
  assert.ok(rows.every((r) => /^((UIDL|LIST)( \d+)?|TOP \d+ \d+|RETR \d+)$/.test(r.command)), rows.map((r) => r.command).join(' | '));
  assert.ok(rows.filter((r) => / \d+/.test(r.command)).every((r) => r.command.includes(` ${manifest().named.attachment.position}`)), 'only commands on this message number');
  const number = /^RETR (\d+)$/.exec(rows.find((r) => r.role === 'whole message')?.command ?? '')?.[1];
  assert.equal(Number(number), manifest().named.attachment.position, 'the RETR of this message');
  const text = await bodyText(frame);
  assert.match(text, /pop3#\d+ \(POP3\)/);
  assert.match(text, /Login\s+USER\/PASS|Login\s+AUTH/);
  assert.ok(!text.includes(PASSWORD));
  await e2e.screenshot('traffic-pop3-message');
});

/** The terminal panel's text (the DOM renderer's rows), lines joined. */
async function terminalText(): Promise<string> {
  return (await e2e.page.locator('.terminal-wrapper.active .xterm-rows').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
}

test("the protocol console: CAPABILITY typed in its terminal is answered, and its own connection is in the account's traffic view", async () => {
  await e2e.workbench.runCommand('Mail Inspector: Open Protocol Console…');
  await e2e.quickInput.pick(ACCOUNT, 'Account to open a protocol console on');
  await e2e.quickInput.pick('After login', 'Log in for you, or leave the login to you?');
  for (const deadline = Date.now() + 30_000; !/IMAP> /.test(await terminalText()); ) {
    if (Date.now() > deadline) throw new Error(`the console does not get to its prompt: ${await terminalText()}`);
    await e2e.page.waitForTimeout(250);
  }
  await e2e.page.locator('.terminal-wrapper.active .xterm').first().click();
  await e2e.page.keyboard.type('CAPABILITY');
  await e2e.page.keyboard.press('Enter');
  for (const deadline = Date.now() + 30_000; !/\* CAPABILITY IMAP4rev1[\s\S]*C\d+ OK/.test(await terminalText()); ) {
    if (Date.now() > deadline) throw new Error(`no answer to CAPABILITY in the terminal: ${await terminalText()}`);
    await e2e.page.waitForTimeout(250);
  }
  assert.ok(!(await terminalText()).includes(PASSWORD));
  await e2e.screenshot('traffic-console');
  // The console's connection is the account's: the traffic view lists it with its login and the command.
  await e2e.workbench.runCommand('Mail Inspector: Open Traffic');
  await e2e.quickInput.pick(ACCOUNT, 'Account whose traffic to open');
  const rows = await waitForRows((r) => r.some((x) => /^C\d+ CAPABILITY$/.test(x.command) && x.status === 'OK'), "the console's CAPABILITY is not in the traffic view", '(IMAP)');
  assert.ok(rows.length > 0);
  assert.ok(!(await bodyText(await view('(IMAP)'))).includes(PASSWORD));
});
