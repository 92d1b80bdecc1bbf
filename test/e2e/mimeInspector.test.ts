// A person inspecting messages part by part: expand a server message into its MIME parts, open a text part, save
// an attachment through the save dialog, read the headers, preview an HTML part with remote content blocked (and
// no request leaving the browser), then inspect a local .eml file of the workspace the same way. Each step is a
// test; they run in order on one editor.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CORPUS, readFixture } from '../fixtures/expectations';
import { barChartPng, standardMailbox, type StandardManifest } from '../servers/sampleMail';
import type { Frame } from 'playwright-core';
import { useE2E, VIEW_CONTAINER } from './fixture';
import { SimpleFileDialog } from './pages/fileDialog';
import { NetworkLog } from './pages/networkLog';
import { StatusBar } from './pages/statusBar';
import { Webviews } from './pages/webview';

const PASSWORD = 'alice-mime-pw';
const ACCOUNT = 'Alice';
const LOCAL_FILE = 'mixed.eml';
const e2e = useE2E({
  users: [{ user: 'alice', password: PASSWORD }],
  seed: (dovecot) => standardMailbox(dovecot, 'alice'),
  settings: (dovecot) => ({
    'mailInspector.accounts': [{ id: 'demo', label: ACCOUNT, protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imaps, security: 'tls', user: 'alice' }],
    // The HTML preview is checked in a dark theme (its message must still be on white paper).
    'workbench.colorTheme': 'Default Dark Modern',
  }),
  // No extension gallery: the workbench would otherwise ask open-vsx.org about extensions (e.g. Copilot Chat) on
  // its own, and the requests checked below are to be the editor's and the extension's only.
  editorEnv: { EXTENSIONS_GALLERY: '{}' },
  workspaceFiles: { [`mail/${LOCAL_FILE}`]: readFixture(LOCAL_FILE) },
});
const manifest = (): StandardManifest => e2e.seeded as StandardManifest;
const REPORT = 'Report with attachments';
const NEWSLETTER = 'HTML newsletter';

// Every request Chromium makes from the first test on; the editor itself is served from 127.0.0.1.
let network: NetworkLog | undefined;
const saveDir = mkdtempSync(join(tmpdir(), 'mi-e2e-save-'));
after(() => {
  network?.stop();
  rmSync(saveDir, { recursive: true, force: true });
});

/** The decoded bytes of the seeded message's part with `contentType` (a base64 leaf of a multipart message). */
function decodedPart(raw: Buffer, contentType: string): Buffer {
  const part = raw.toString('utf8').split(/\r\n--[^\r\n]+\r\n/).find((p) => p.startsWith(`Content-Type: ${contentType}`));
  if (!part) throw new Error(`no ${contentType} part in the seeded message`);
  return Buffer.from(part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n--[^\r\n]*--\r\n$/, ''), 'base64');
}

/** Requests that left the browser for a host other than the editor's own (127.0.0.1). */
async function remoteRequests(): Promise<string[]> {
  return ((await network?.leftTheBrowser(['127.0.0.1'])) ?? []).map((r) => `${r.url} (from ${r.from})`);
}

test('asks for the password of a pre-configured account, then lists its folders', async () => {
  network = NetworkLog.start(e2e.page);
  await e2e.workbench.openViewContainer(VIEW_CONTAINER);
  await e2e.workbench.resizeSideBar(440);
  await e2e.tree.expand(ACCOUNT);
  await e2e.quickInput.waitForStep(`Password for ${ACCOUNT}`);
  assert.ok(await e2e.quickInput.isPassword(), 'the password box shows the password');
  await e2e.quickInput.enter(`Password for ${ACCOUNT}`, PASSWORD);
  await e2e.tree.scrollTo('INBOX');
});

test("the view's badge counts the unseen messages of the folders listed", async () => {
  const unseen = manifest().folders.reduce((n, f) => n + (f.selectable ? (f.unseen ?? 0) : 0), 0);
  assert.ok(unseen > 0, 'the seeded mailbox has no unseen message');
  // The activity bar shows the view's badge on the container's entry, its tooltip in the entry's label.
  const item = e2e.workbench.activityBarItem(VIEW_CONTAINER);
  await item.locator(`a[aria-label="${VIEW_CONTAINER} - ${unseen.toLocaleString('en-US')} unseen"]`).waitFor();
  // VS Code writes counts over 999 as "1K+" (10,000 as "10K").
  const shown = unseen > 999 ? (unseen % 1000 ? `${Math.floor(unseen / 1000)}K+` : `${unseen / 1000}K`) : String(unseen);
  assert.equal((await item.locator('.badge .badge-content').textContent())?.trim(), shown);
});

test("expands a message into its MIME parts, labelled by section and type, with the file names", async () => {
  await e2e.tree.expand('INBOX');
  await e2e.tree.expand(REPORT);
  await e2e.tree.scrollTo('3 image/png');
  const parts = await e2e.tree.children(REPORT);
  assert.deepEqual(parts.map((p) => p.label), ['1 text/plain', '2 application/pdf', '3 image/png']);
  assert.match(parts[1].description, /Übersicht\.pdf/);
  assert.match(parts[1].description, /attachment/);
  assert.match(parts[2].description, /chart\.png/);
  assert.match(parts[2].description, /inline/);
  await e2e.screenshot('mime-parts');
});

test('message and part rows carry inline buttons: source and headers; raw part and save', async () => {
  const buttons = async (label: string): Promise<string[]> => {
    const row = await e2e.tree.scrollTo(label);
    await row.hover();
    return row.locator('.actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  };
  assert.deepEqual(await buttons(REPORT), ['Open Message Source', 'Show Headers']);
  assert.deepEqual(await buttons('2 application/pdf'), ['Open Raw Part', 'Save Part As…']);
  await e2e.tree.inlineAction(REPORT, 'Show Headers');
  await e2e.editor.waitForActiveTab(/^headers\.md$/);
  await e2e.tree.inlineAction('2 application/pdf', 'Open Raw Part');
  await e2e.editor.waitForActiveTab(/^raw /);
});

test('opens a text part decoded, and the status bar says what fetching it cost', async () => {
  await e2e.tree.click('1 text/plain');
  await e2e.editor.waitForActiveTab(/\.txt$/);
  assert.equal((await e2e.editor.text()).trimEnd(), 'The report and a chart are attached.');
  const status = await new StatusBar(e2e.page).waitForItem(/Part 1: /);
  assert.match(status, /Part 1: fetched \S+ \S+ of \S+ \S+/);
});

test('saves an attachment, decoded, through the save dialog', async () => {
  const target = join(saveDir, 'saved report.pdf');
  await e2e.tree.contextMenu('2 application/pdf', 'Save Part As…');
  const offered = await new SimpleFileDialog(e2e.quickInput).save('Save part 2', 'Übersicht.pdf', target);
  assert.equal(offered, join(e2e.workspace, 'Übersicht.pdf'), 'the dialog does not suggest the attachment\'s name in the workspace');
  const expected = decodedPart(manifest().named.attachment.raw, 'application/pdf');
  assert.ok(expected.subarray(0, 8).equals(Buffer.from('%PDF-1.4')), 'the seeded attachment is not the expected PDF');
  const deadline = Date.now() + 30_000;
  while (!existsSync(target) || readFileSync(target).length < expected.length) {
    if (Date.now() > deadline) throw new Error(`${target} was not written`);
    await e2e.page.waitForTimeout(200);
  }
  assert.ok(readFileSync(target).equals(expected), 'the saved file is not the decoded attachment');
  await e2e.workbench.notification(new RegExp(`Saved part 2 \\(${expected.length} bytes\\)`)).waitFor();
  await e2e.workbench.clearNotifications();
});

test("shows a message's headers and its Received chain", async () => {
  await e2e.tree.contextMenu(REPORT, 'Show Headers');
  await e2e.editor.waitForActiveTab(/^headers\.md$/);
  const text = await e2e.editor.text();
  assert.match(text, new RegExp(`^# Headers of ${REPORT}`, 'm'));
  for (const field of ['Date', 'From', 'To', 'Subject', 'Message-ID', 'MIME-Version', 'Content-Type']) {
    assert.match(text, new RegExp(`^\\| \\d+ \\| ${field} \\|`, 'm'), `the headers do not list ${field}`);
  }
  assert.match(text, /^## Received chain/m);
});

test('opens a part raw, still transfer-encoded, with its MIME header', async () => {
  await e2e.tree.contextMenu('2 application/pdf', 'Open Raw Part');
  await e2e.editor.waitForActiveTab(/^raw /);
  const text = await e2e.editor.text();
  assert.match(text, /^Content-Type: application\/pdf; name=/);
  assert.match(text, /Content-Transfer-Encoding: base64/);
  assert.ok(text.includes(Buffer.from('%PDF-1.4').toString('base64').slice(0, 8)), 'the body is not the base64 as stored');
});

test("opens an image part in VS Code's image viewer", async () => {
  await e2e.tree.click('3 image/png');
  await e2e.editor.waitForActiveTab(/^chart\.png$/);
  // The image viewer is a webview (VS Code's media preview) whose <img> shows the part's decoded bytes: the
  // picture decodes (the sample chart is 48 pixels wide) only if the bytes are the real PNG.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const images: string[] = [];
    for (const frame of e2e.page.frames()) {
      const found = await frame
        .evaluate(() => {
          const img = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null; naturalWidth: number } | null } }).document.querySelector('img');
          return img ? `${img.naturalWidth} ${img.getAttribute('src') ?? ''}` : '';
        })
        .catch(() => '');
      if (found) images.push(found);
    }
    if (images.some((i) => /^48 .*chart\.png/.test(decodeURIComponent(i)))) break;
    if (Date.now() > deadline) throw new Error(`no image viewer shows the 48-pixel chart.png (images: ${images.join(', ') || 'none'})`);
    await e2e.page.waitForTimeout(200);
  }
});

test('saves all attachments of a message into a chosen folder, with their own names', async () => {
  const folder = join(saveDir, 'all');
  mkdirSync(folder);
  await e2e.tree.contextMenu(REPORT, 'Save All Attachments…');
  await new SimpleFileDialog(e2e.quickInput).chooseFolder(`Save 2 attachment(s) of "${REPORT}"`, folder);
  await e2e.workbench.notification(/Saved 2 attachment\(s\)/).waitFor();
  assert.deepEqual(readdirSync(folder).sort(), ['chart.png', 'Übersicht.pdf'].sort());
  assert.ok(readFileSync(join(folder, 'Übersicht.pdf')).equals(decodedPart(manifest().named.attachment.raw, 'application/pdf')));
  await e2e.workbench.clearNotifications();
});

test('compares two messages selected together in a diff editor', async () => {
  await e2e.tree.click(REPORT);
  await (await e2e.tree.scrollTo(NEWSLETTER)).click({ modifiers: ['Control'] });
  await e2e.tree.contextMenu(NEWSLETTER, 'Compare with…');
  await e2e.editor.tab(`"${REPORT}" ↔ "${NEWSLETTER}"`).waitFor();
  await e2e.page.locator('.part.editor .editor-group-container.active .monaco-diff-editor').first().waitFor();
});

test('previews an HTML part with its remote image blocked, and nothing leaves the browser', async () => {
  await e2e.tree.collapse(REPORT);
  await e2e.tree.expand(NEWSLETTER);
  await e2e.tree.scrollTo('2 text/html');
  await e2e.tree.inlineAction('2 text/html', 'Preview');
  await e2e.editor.tab(`Preview: ${NEWSLETTER}`).waitFor();
  const frame = await new Webviews(e2e.page).frameWithText('News of the week', e2e.workbench.notification(/Preview failed/));
  await frame.getByText('1 remote resource blocked').waitFor();
  await frame.getByRole('button', { name: 'Load remote content' }).waitFor();
  // The message on white paper with its own black text, the banner in the theme's colours (the editor's
  // default theme is dark).
  const look = await frame.evaluate(() => {
    const doc = (globalThis as unknown as { document: DocumentLike }).document;
    const style = (el: unknown): { color: string; backgroundColor: string } => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string; backgroundColor: string } }).getComputedStyle(el);
    const probe = doc.createElement('div');
    probe.style.backgroundColor = 'var(--vscode-editorWidget-background)';
    doc.body.appendChild(probe);
    const themed = style(probe).backgroundColor;
    probe.remove();
    return { dark: doc.body.classList.contains('vscode-dark'), page: style(doc.body).backgroundColor, heading: style(doc.querySelector('h1')).color, banner: style(doc.querySelector('.mi-remote-notice')).backgroundColor, themed };
  });
  assert.ok(look.dark, 'the editor is not in a dark theme');
  assert.equal(look.page, 'rgb(255, 255, 255)', 'the message is not on white paper');
  assert.equal(look.heading, 'rgb(0, 0, 0)', 'the message text is not black on the paper');
  assert.equal(look.banner, look.themed, "the banner does not use the theme's widget colour");
  assert.notEqual(look.banner, 'rgb(255, 255, 255)');
  // The tracker image would have been asked for by now if the preview let it through.
  assert.deepEqual(await remoteRequests(), [], 'Chromium sent requests to other hosts');
  assert.ok((network?.count ?? 0) > 0, 'no request was recorded at all: the network log does not work');
  await e2e.screenshot('html-preview');
});

test("an open HTML part's tab has a Preview button that opens the same safe preview", async () => {
  await e2e.workbench.runCommand('View: Close All Editors');
  await e2e.tree.expand('INBOX');
  await e2e.tree.expand(NEWSLETTER);
  await e2e.tree.click('2 text/html');
  await e2e.editor.waitForActiveTab(/\.html$/);
  await e2e.editor.titleAction('Preview').click();
  await e2e.editor.tab(`Preview: ${NEWSLETTER}`).waitFor();
  const frame = await new Webviews(e2e.page).frameWithText('News of the week', e2e.workbench.notification(/Preview failed/));
  await frame.getByText('1 remote resource blocked').waitFor();
  assert.deepEqual(await remoteRequests(), [], 'Chromium sent requests to other hosts');
});

test('lists a .eml file of the workspace in "Message Files" and opens its parts', async () => {
  const entry = CORPUS.find((c) => c.file === LOCAL_FILE);
  const text = entry?.tree.children?.[0]?.text;
  assert.ok(text, `the corpus has no first text part for ${LOCAL_FILE}`);
  await e2e.tree.setSectionExpanded(false); // the room goes to the Message Files view
  await e2e.files.setSectionExpanded(true);
  await e2e.files.scrollTo(LOCAL_FILE);
  assert.equal(await e2e.files.description(LOCAL_FILE), 'mail');
  await e2e.files.expand(LOCAL_FILE);
  await e2e.files.scrollTo('1 text/plain');
  const parts = await e2e.files.children(LOCAL_FILE);
  assert.deepEqual(parts.map((p) => p.label), ['1 text/plain', '2 application/pdf', '3 text/csv', '4 text/plain']);
  assert.match(parts[1].description, /Résumé\.pdf/);
  await e2e.files.click('1 text/plain');
  await e2e.editor.waitForActiveTab(/\.txt$/);
  assert.equal((await e2e.editor.text()).trimEnd(), text);
  await e2e.screenshot('message-files');
  assert.deepEqual(await remoteRequests(), [], 'Chromium sent requests to other hosts');
});

/** The parts of a document the checks below read in a webview frame (the test's tsconfig has no DOM types). */
interface DocumentLike {
  body: { classList: { contains(c: string): boolean }; appendChild(e: unknown): void; innerText: string };
  createElement(tag: string): { style: { backgroundColor: string }; remove(): void };
  querySelector(selector: string): unknown;
}

test('remote content loads in two steps: consent loads https, insecure http waits for a second, explicit choice', async () => {
  // A local web server stands for a remote one over plain http; it counts the requests it gets.
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
    response.end(barChartPng());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const raw = [
      'From: "Remote" <remote@example.com>',
      'To: alice@example.com',
      'Subject: Remote pictures',
      'Date: Sat, 01 Aug 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      '',
      `<html><body><h1>Remote pictures</h1><img id="chart" alt="chart" src="http://127.0.0.1:${port}/insecure.png"></body></html>`,
      '',
    ].join('\r\n');
    writeFileSync(join(e2e.workspace, 'mail', 'remote.eml'), raw);
    await e2e.files.scrollTo('remote.eml');
    await e2e.files.expand('remote.eml');
    await e2e.files.scrollTo('1 text/html');
    await e2e.files.inlineAction('1 text/html', 'Preview');
    const webviews = new Webviews(e2e.page);
    const failure = e2e.workbench.notification(/Preview failed/);

    let frame = await webviews.frameWithText('1 remote resource blocked (over insecure http).', failure);
    await frame.getByRole('button', { name: 'Load remote content' }).click();
    frame = await webviews.frameWithText('1 insecure http resource not loaded.', failure);
    await frame.getByText(/http travels unencrypted/).waitFor();
    assert.deepEqual(requests, [], 'the http image was requested after consent to https only');

    await frame.getByRole('button', { name: 'Load insecure http content too' }).click();
    const loaded = await waitForFrame((f) =>
      f.evaluate(() => {
        const doc = (globalThis as unknown as { document: DocumentLike }).document;
        const img = doc.querySelector('#chart') as { naturalWidth: number } | null;
        return img !== null && img.naturalWidth === 48 && doc.querySelector('.mi-remote-notice') === null;
      }),
    );
    assert.ok(loaded, 'the http image did not load after the second choice');
    assert.deepEqual(requests, ['/insecure.png']);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Waits for a frame of the page that passes `check`. */
async function waitForFrame(check: (frame: Frame) => Promise<boolean>, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of e2e.page.frames()) if (await check(frame).catch(() => false)) return frame;
    if (Date.now() > deadline) throw new Error('no frame passed the check');
    await e2e.page.waitForTimeout(200);
  }
}
