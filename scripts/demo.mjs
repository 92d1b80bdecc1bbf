// `npm run demo`: Mail Inspector in a browser against a local mail server, from a fresh Debian machine in one
// command. Installs what is missing (Debian packages as root, npm packages, code-server into .vscode-test/host),
// builds the .vsix, starts Dovecot with a demo mailbox, a DNS server (NSD) for its DKIM-signed message and
// code-server with the extension and two demo accounts, prints the address, and runs until Ctrl+C (SIGINT) or
// SIGTERM, which stop everything it started.
//
// Environment: MAIL_INSPECTOR_DEMO_PORT — the port for code-server (default 8080; 0 picks a free one).
//              MAIL_INSPECTOR_DEMO_PREBUILT=1 — out/ and the .vsix are fresh (the test runner built them): do not
//              rebuild them under test files that are reading them.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureSystem } from './ensureSystem.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`${line}\n`);
const note = (line) => process.stderr.write(`${line}\n`);

function run(command, args, { tolerate = false } = {}) {
  // Build and install output goes to stderr: stdout carries only the demo's own lines (the address).
  const r = spawnSync(command, args, { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0 && !tolerate) {
    note(`${command} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r.status === 0;
}

const port = Number(process.env.MAIL_INSPECTOR_DEMO_PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  note(`MAIL_INSPECTOR_DEMO_PORT must be a port number (0 for any free port), not "${process.env.MAIL_INSPECTOR_DEMO_PORT}"`);
  process.exit(2);
}

// Stop cleanly on Ctrl+C / SIGTERM, also while still starting up (what was started so far is stopped).
let demo;
let stopping = false;
const shutdown = (signal) => {
  if (stopping) return; // Dovecot's harness re-raises the signal after its own synchronous cleanup.
  stopping = true;
  note(`\n${signal}: stopping the demo…`);
  const force = setTimeout(() => process.exit(1), 20_000);
  force.unref();
  Promise.resolve(demo?.stop())
    .catch((e) => note(`while stopping: ${e instanceof Error ? e.message : e}`))
    .finally(() => {
      note('Demo stopped.');
      process.exit(0);
    });
};
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const handlers = new Map(SIGNALS.map((signal) => [signal, () => shutdown(signal)]));
for (const [signal, handler] of handlers) process.on(signal, handler);

note('Mail Inspector demo: checking what is installed…');
try {
  ensureSystem({ kerberos: true }); // dovecot, openssl, nsd; Kerberos headers for code-server's native build
} catch (e) {
  note(`The demo could not start: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
if (!existsSync(join(root, 'node_modules', '.bin', 'tsc'))) {
  note('Installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
const harness = join(root, 'out', 'test', 'e2e', 'harness', 'demo.js');
if (process.env.MAIL_INSPECTOR_DEMO_PREBUILT !== '1') {
  note('Compiling the harness (tsc)…');
  if (!run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json'], { tolerate: true })) {
    if (!existsSync(harness)) process.exit(1);
    note('(tsc reported type errors; the demo harness compiled anyway, going on)');
  }
  note('Packaging the extension (npm run package)…');
  run('npm', ['run', '--silent', 'package']);
}

/** A hint that fits the failure, or none: the port hint only when the port really was taken. */
function failureHint(message) {
  if (/EADDRINUSE|address already in use/i.test(message)) {
    return port === 0 ? undefined : `Port ${port} is taken: run the demo on another one, e.g. MAIL_INSPECTOR_DEMO_PORT=8081 npm run demo`;
  }
  if (/requires node/i.test(message)) return 'code-server needs Node 24; the demo fetches it from the npm registry into .vscode-test/host/ (delete that folder to retry).';
  if (/EACCES|EPERM/.test(message)) return 'Permission denied: run as root, or install the Debian packages listed in README.md first.';
  if (/ENOSPC/.test(message)) return 'The disk is full.';
  return undefined;
}

if (stopping) process.exit(0);
const { startDemo } = await import(pathToFileURL(harness).href);
try {
  demo = await startDemo({ port, log: note });
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  const [cause, ...detail] = message.split('\n');
  // The detail (a log, npm's output) first; the last lines a person reads name the cause, and a hint only where it fits.
  if (detail.length > 0) note(detail.join('\n'));
  note('');
  note(`The demo could not start: ${cause}`);
  const hint = failureHint(message);
  if (hint) note(hint);
  process.exit(1);
}
if (stopping) {
  await demo.stop();
  process.exit(0);
}
// The Dovecot harness adds signal handlers for test processes that die without cleaning up: they kill and
// delete its servers synchronously, racing Dovecot's own shutdown. The demo stops everything itself, in order
// (code-server, then Dovecot, waiting for its processes), so only its own handlers stay.
for (const signal of SIGNALS) {
  for (const listener of process.listeners(signal)) if (listener !== handlers.get(signal)) process.off(signal, listener);
}

say('');
say('Mail Inspector demo is running.');
for (const a of demo.accounts) say(`  ${a.label.padEnd(10)} ${a.protocol.toUpperCase()} on ${a.host}:${a.port} (${a.security.toUpperCase()}), user ${a.user}`);
say(`  Mailbox    ${demo.mailbox.total} messages in ${demo.mailbox.folders.length} folders`);
say(`  DNS        ${demo.dnsAddress} (Check Authentication on the newest INBOX message, which is signed)`);
say(`  Password   ${demo.password}   (each account asks for it once; it is kept in the browser's secret storage)`);
say('  Open the Mail Inspector view from the activity bar (envelope with a magnifier).');
say(`open ${demo.url}`);
say('Press Ctrl+C to stop.');
// Keep running until a signal arrives.
setInterval(() => undefined, 1 << 30);
