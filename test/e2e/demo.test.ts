// `npm run demo` as a person runs it: start scripts/demo.mjs, wait for its "open http://…" line, open that page,
// see the demo accounts and folders, press Ctrl+C (SIGINT) and find nothing left running.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBrowser } from './harness/browser';
import { DEMO_PASSWORD } from './harness/demoMailbox';
import { repoRoot } from './harness/paths';
import { answers, processTree, stillRunning, type ProcessIdentity } from './harness/processes';
import { screenshotDir, VIEW_CONTAINER } from './fixture';
import { TreeView } from './pages/tree';
import { Workbench } from './pages/workbench';

let demo: ChildProcess | undefined;
let output = '';

after(async () => {
  // Only if a test failed before the demo was stopped: no demo may outlive the suite. Ctrl+C first (the demo
  // then removes its folders too), then SIGKILL for whatever is left.
  if (!demo || demo.exitCode !== null || demo.signalCode !== null) return;
  const child = demo;
  const started = processTree([child.pid as number]);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 20_000).unref())]);
  for (const p of started.filter(stillRunning).reverse()) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
});

/** Resolves with the first match of `pattern` in the demo's stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const m = pattern.exec(output);
      if (m) {
        child.stdout?.off('data', check);
        child.off('exit', exited);
        resolve(m);
      }
    };
    const exited = (code: number | null): void => reject(new Error(`the demo exited (${code}) before printing ${pattern}:\n${output}`));
    child.stdout?.on('data', check);
    child.once('exit', exited);
    check();
  });
}

test('npm run demo serves the editor with the demo accounts, and Ctrl+C stops everything', { timeout: 15 * 60_000 }, async () => {
  demo = spawn(process.execPath, [join(repoRoot(), 'scripts', 'demo.mjs')], {
    cwd: repoRoot(),
    env: { ...process.env, MAIL_INSPECTOR_DEMO_PORT: '0', MAIL_INSPECTOR_DEMO_PREBUILT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child = demo;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let errors = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const [, url] = await waitForOutput(child, /^open (http:\/\/127\.0\.0\.1:\d+\/)$/m).catch((e: Error) => {
    throw new Error(`${e.message}\n--- stderr ---\n${errors}`);
  });
  assert.match(output, new RegExp(`Password\\s+${DEMO_PASSWORD}`));

  const browser = await openBrowser(url);
  try {
    const workbench = new Workbench(browser.page);
    await browser.page.goto(url);
    await browser.page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 90_000 });
    await workbench.openViewContainer(VIEW_CONTAINER);
    await workbench.resizeSideBar(440);
    const tree = new TreeView(browser.page, 'mailInspector', 'Accounts');
    await tree.scrollTo('Demo POP3');
    await tree.expand('Demo IMAP');
    await workbench.quickInput.enter('Password', DEMO_PASSWORD); // asked once, as the demo says
    for (const folder of ['INBOX', 'Sent', 'Drafts', 'Newsletters', 'Büro', 'Projects', 'Archive']) await tree.scrollTo(folder);
    assert.match(await tree.description('INBOX'), /^[\d,]+ messages · [\d,]+ unseen$/);
    await tree.expand('INBOX');
    await tree.scrollTo('Demo IMAP');
    await browser.page.mouse.move(0, 799);
    mkdirSync(screenshotDir(), { recursive: true });
    await browser.page.screenshot({ path: join(screenshotDir(), 'demo.png') });
    await tree.scrollTo('Load more…'); // the INBOX of a few hundred messages comes in pages
  } finally {
    await browser.close();
  }

  // Everything the demo started, just before Ctrl+C: code-server and its extension host, Dovecot and its daemons.
  const started: ProcessIdentity[] = processTree([child.pid as number]);
  assert.ok(started.some((p) => p.command.includes('dovecot')), `no Dovecot among the demo's processes:\n${started.map((p) => p.command).join('\n')}`);
  assert.ok(started.some((p) => p.command.includes('code-server')), 'no code-server among the demo\'s processes');
  child.kill('SIGINT');
  assert.equal(await exited, 0, `the demo did not exit cleanly:\n${errors}`);
  const left = started.filter(stillRunning);
  assert.deepEqual(left.map((p) => `${p.pid} ${p.command}`), [], 'processes of the demo still run after Ctrl+C');
  assert.equal(await answers(url), false, `${url} still answers after Ctrl+C`);
});

/** Runs the demo until it exits and returns its exit code and the non-empty lines it printed last (stderr). */
async function failingDemo(env: NodeJS.ProcessEnv): Promise<{ code: number | null; last: string[]; all: string }> {
  const child = spawn(process.execPath, [join(repoRoot(), 'scripts', 'demo.mjs')], {
    cwd: repoRoot(),
    env: { ...process.env, MAIL_INSPECTOR_DEMO_PREBUILT: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let all = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (all += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (all += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const lines = all.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return { code, last: lines.slice(-2), all };
}

test('a demo that cannot start names the real cause in its last lines, with no port hint when the port is not the cause', { timeout: 5 * 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-demo-fail-'));
  try {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    // code-server's install folder below a regular file: the install cannot even create its folder.
    const r = await failingDemo({ MAIL_INSPECTOR_HOST_DIR: join(file, 'host'), MAIL_INSPECTOR_DEMO_PORT: '8080' });
    assert.equal(r.code, 1, r.all);
    assert.match(r.last.at(-1) ?? '', /^The demo could not start: .*ENOTDIR/, r.all);
    assert.doesNotMatch(r.last.join('\n'), /8080|port/i, r.all);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a demo whose port is taken says so, and names the port', { timeout: 10 * 60_000 }, async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const r = await failingDemo({ MAIL_INSPECTOR_DEMO_PORT: String(port) });
    assert.equal(r.code, 1, r.all);
    assert.match(r.last[0] ?? '', /^The demo could not start: .*EADDRINUSE/, r.all);
    assert.match(r.last[1] ?? '', new RegExp(`Port ${port} is taken`), r.all);
  } finally {
    server.close();
  }
});
