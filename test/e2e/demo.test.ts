// `npm run demo` as a person runs it: start scripts/demo.mjs, wait for its "open http://…" line, open that page,
// see the demo accounts and folders, press Ctrl+C (SIGINT) and find nothing left running.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
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
    assert.match(await tree.description('INBOX'), /\d+ unseen · \d+/);
    await tree.expand('INBOX');
    await tree.scrollTo('Demo IMAP');
    await browser.page.mouse.move(0, 799);
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
