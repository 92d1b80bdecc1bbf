// One end-to-end session per test file: a test Dovecot, code-server with the packaged extension installed, and
// headless Chromium on it, with page objects for what the tests touch. `useE2E()` registers `before` and
// `after` hooks, so everything is started once per file and stopped (by PID) also when a test fails.
import { after, before } from 'node:test';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { openBrowser, type BrowserSession } from './harness/browser';
import { createProfile, ensureCodeServer, installExtension, startCodeServer, type Profile, type RunningCodeServer } from './harness/codeServer';
import { repoRoot, screenshotDir } from './harness/paths';
import { ensureVsix } from './harness/vsix';
import { Dialog } from './pages/dialog';
import { EditorArea } from './pages/editor';
import { OutputPanel } from './pages/output';
import { QuickInput } from './pages/quickInput';
import { TreeView } from './pages/tree';
import { Workbench } from './pages/workbench';

/** The activity-bar entry's title, the view container's id and the tree view's name (package.json). */
export const VIEW_CONTAINER = 'Mail Inspector';
const CONTAINER_ID = 'mailInspector';
const ACCOUNTS_VIEW = 'Accounts';
/** The second view of the container: .eml files of the workspace and files inspected explicitly. */
const FILES_VIEW = 'Message Files';

export interface E2EOptions {
  /** Seeds the test Dovecot before the editor starts (e.g. `standardMailbox`). */
  seed?: (dovecot: DovecotServer) => Promise<unknown>;
  /** User settings written into the profile before the editor starts (e.g. pre-configured accounts). */
  settings?: (dovecot: DovecotServer) => Record<string, unknown>;
  /** Users of the test Dovecot; its default otherwise. */
  users?: { user: string; password: string }[];
  /** Extra environment of code-server (e.g. EXTENSIONS_GALLERY); the extension host inherits it too. */
  editorEnv?: Record<string, string>;
  /** Files written into the workspace folder (paths relative to it, folders created) before the editor starts. */
  workspaceFiles?: Record<string, Buffer | string>;
  /**
   * Whether the extension host trusts the test Dovecot's self-signed certificate (NODE_EXTRA_CA_CERTS); default
   * true. False plays a server whose certificate nobody vouches for.
   */
  trustTestCertificate?: boolean;
}

export interface E2E {
  readonly dovecot: DovecotServer;
  readonly codeServer: RunningCodeServer;
  readonly profile: Profile;
  readonly page: Page;
  readonly workbench: Workbench;
  readonly quickInput: QuickInput;
  readonly dialog: Dialog;
  readonly tree: TreeView;
  /** The "Message Files" view. */
  readonly files: TreeView;
  /** The workspace folder code-server opened. */
  readonly workspace: string;
  readonly editor: EditorArea;
  readonly output: OutputPanel;
  /** Whatever `seed` returned (e.g. the StandardManifest). */
  readonly seeded: unknown;
  /** Saves a screenshot of the page under test-results/screenshots/ (docs/screenshots/ on request: see screenshotDir). */
  screenshot(name: string): Promise<string>;
  /** Every log file code-server and the extension host wrote, concatenated (to look for leaked secrets). */
  logs(): string;
  /** code-server's own log (for a failing test's message). */
  serverLog(): string;
}

export { screenshotDir };

/** Starts the session in `before` and stops it in `after`; the returned object is usable inside tests. */
export function useE2E(options: E2EOptions = {}): E2E {
  let state: Started | undefined;
  const get = (): Started => {
    if (!state) throw new Error('the e2e session is not started (use it inside tests)');
    return state;
  };
  before(async () => {
    state = await start(options);
  }, { timeout: 15 * 60_000 });
  after(async () => {
    // What the page looked like at the end (after a failure: where it stopped), for whoever reads the failure.
    await state?.snapshot().catch(() => undefined);
    await state?.stop();
  });
  return {
    get dovecot() { return get().dovecot; },
    get codeServer() { return get().codeServer; },
    get profile() { return get().profile; },
    get page() { return get().browser.page; },
    get workbench() { return get().workbench; },
    get quickInput() { return get().workbench.quickInput; },
    get dialog() { return get().dialog; },
    get tree() { return get().tree; },
    get files() { return get().files; },
    get workspace() { return get().workspace; },
    get editor() { return get().editor; },
    get output() { return get().output; },
    get seeded() { return get().seeded; },
    screenshot: (name) => get().screenshot(name),
    logs: () => get().logs(),
    serverLog: () => get().serverLog(),
  };
}

interface Started {
  dovecot: DovecotServer;
  codeServer: RunningCodeServer;
  profile: Profile;
  browser: BrowserSession;
  workbench: Workbench;
  dialog: Dialog;
  tree: TreeView;
  files: TreeView;
  workspace: string;
  editor: EditorArea;
  output: OutputPanel;
  seeded: unknown;
  screenshot(name: string): Promise<string>;
  logs(): string;
  serverLog(): string;
  snapshot(): Promise<void>;
  stop(): Promise<void>;
}

async function start(options: E2EOptions): Promise<Started> {
  const [install, vsix] = [await ensureCodeServer(), await ensureVsix()];
  const dir = mkdtempSync(join(tmpdir(), 'mi-e2e-'));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw errors[0];
  };
  try {
    const dovecot = await startDovecot(options.users ? { users: options.users } : {});
    cleanups.push(() => dovecot.stop());
    const seeded = options.seed ? await options.seed(dovecot) : undefined;
    const profile = createProfile(dir, options.settings?.(dovecot) ?? {});
    installExtension(install, profile, vsix);
    const workspace = join(dir, 'workspace');
    for (const [name, content] of Object.entries(options.workspaceFiles ?? {})) {
      mkdirSync(dirname(join(workspace, name)), { recursive: true });
      writeFileSync(join(workspace, name), content);
    }
    const serverLogFile = join(dir, 'code-server.log');
    const codeServer = await startCodeServer(install, profile, {
      folder: workspace,
      logFile: serverLogFile,
      // The extension host inherits this: Node then trusts the test server's self-signed certificate.
      env: { ...options.editorEnv, ...(options.trustTestCertificate === false ? {} : { NODE_EXTRA_CA_CERTS: dovecot.caFile }) },
    });
    cleanups.push(() => codeServer.stop());
    const browser = await openBrowser(codeServer.url);
    cleanups.push(() => browser.close());
    const page = browser.page;
    const workbench = new Workbench(page);
    await workbench.load(codeServer.url, workspace);
    return {
      dovecot,
      codeServer,
      profile,
      browser,
      workbench,
      dialog: new Dialog(page),
      tree: new TreeView(page, CONTAINER_ID, ACCOUNTS_VIEW),
      files: new TreeView(page, CONTAINER_ID, FILES_VIEW),
      workspace,
      editor: new EditorArea(page),
      output: new OutputPanel(page),
      seeded,
      async screenshot(name) {
        mkdirSync(screenshotDir(), { recursive: true });
        const file = join(screenshotDir(), `${name}.png`);
        await page.mouse.move(0, 799); // no hover highlight or tooltip on the picture
        await page.screenshot({ path: file });
        return file;
      },
      async snapshot() {
        const dir = join(repoRoot(), 'test-results');
        mkdirSync(dir, { recursive: true });
        const name = basename(process.argv[1] ?? 'e2e', '.js');
        await page.screenshot({ path: join(dir, `${name}.png`) });
        writeFileSync(join(dir, `${name}.html`), await page.content());
        writeFileSync(join(dir, `${name}.code-server.log`), readFileSync(serverLogFile, 'utf8'));
      },
      logs: () => readTree(join(profile.userDataDir, 'logs')),
      serverLog: () => readFileSync(serverLogFile, 'utf8'),
      stop,
    };
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
}

function readTree(dir: string): string {
  let out = '';
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return '';
  }
  for (const name of names) {
    const path = join(dir, name);
    out += statSync(path).isDirectory() ? readTree(path) : `${readFileSync(path, 'utf8')}\n`;
  }
  return out;
}
