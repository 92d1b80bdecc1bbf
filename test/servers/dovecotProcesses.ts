import { accessSync, constants, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** Temporary folders of test servers are named with this prefix, so stale ones can be found. */
export const SERVER_DIR_PREFIX = 'mi-dovecot-';

/**
 * Where server folders go: /dev/shm (tmpfs) when there is one. Seeding writes one file per message,
 * and on this machine's disk creating a file costs about 0.6 ms against 15 µs on tmpfs: 10,000
 * messages take 6 s on disk and 0.2 s in memory. MI_TEST_TMPDIR overrides the choice.
 */
export function serverBaseDir(): string {
  const chosen = process.env.MI_TEST_TMPDIR;
  if (chosen) return chosen;
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK);
      return '/dev/shm';
    }
  } catch {
    // no tmpfs: fall back to the usual temporary folder
  }
  return tmpdir();
}
const OWNER_FILE = 'owner.json';

interface Owner {
  /** The Node process that started the servers. */
  ownerPid: number;
  /** Dovecot master processes started for this folder. */
  masters: number[];
}

/**
 * Servers started by this process and not yet stopped. This is the one piece of module state in the
 * harness: an 'exit' handler cannot be handed anything, so it has to find the servers here.
 */
const live = new Map<string, number[]>();
let handlersInstalled = false;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function cmdline(pid: number | string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/**
 * Live processes whose command line mentions `marker` (zombies have an empty command line). Dovecot's
 * children rename themselves "dovecot-<instance_name>/<service>", and the instance name holds the
 * folder's name, so the folder name finds the masters, their children and stray doveadm runs.
 */
export function processesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    if (cmdline(entry).includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/**
 * Kills every server still registered, synchronously (all an 'exit' handler may do): SIGKILL, as
 * nobody will be left to wait for a graceful stop; children first, then their masters.
 */
function killAllSync(): void {
  for (const [dir, masters] of live) {
    signal(processesMentioning(basename(dir)).filter((pid) => !masters.includes(pid)), 'SIGKILL');
    signal(masters, 'SIGKILL');
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
    } catch {
      // A killed process may still be writing into it; the next run's sweep removes what is left.
    }
  }
  live.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  // A signal skips 'exit'; clean up, then die of the same signal as if nobody had listened.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      killAllSync();
      process.kill(process.pid, sig);
    });
  }
}

/** Records the masters of a server folder, in memory for the exit handler and on disk for `sweepStaleServers`. */
export function registerServer(dir: string, masters: number[]): void {
  installHandlers();
  live.set(dir, masters);
  const owner: Owner = { ownerPid: process.pid, masters };
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner));
}

export function unregisterServer(dir: string): void {
  live.delete(dir);
}

function remaining(marker: string, masters: number[]): number[] {
  return [...new Set([...masters.filter(isAlive), ...processesMentioning(marker)])];
}

async function waitGone(marker: string, masters: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = remaining(marker, masters);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}

/**
 * Stops what `registerServer` recorded and waits until no process mentions the folder. SIGTERM to
 * the masters first: Dovecot's master stops its children. But a login process still waiting for the
 * (already stopped) auth service lingers for seconds, and the master itself takes about a second to
 * finish, for nothing: the folder is deleted next. So after a short grace the children get SIGKILL,
 * while their master is alive to reap them, and then the masters.
 */
export async function stopProcesses(dir: string, marker: string, masters: number[]): Promise<void> {
  signal(masters, 'SIGTERM');
  let left = await waitGone(marker, masters, 300);
  if (left.length > 0) {
    signal(left.filter((pid) => !masters.includes(pid)), 'SIGKILL');
    left = await waitGone(marker, masters, 100);
  }
  if (left.length > 0) {
    signal(left, 'SIGKILL');
    left = await waitGone(marker, masters, 3000);
  }
  if (left.length > 0) throw new Error(`Dovecot processes ${left.join(', ')} of ${dir} did not stop`);
}

/**
 * Removes servers left behind by test processes that died without running their exit handler
 * (SIGKILL, a crash in native code): their owner is gone, so their masters are killed and their
 * folders deleted. A master is only killed if its command line still names that folder.
 */
export function sweepStaleServers(): void {
  const base = serverBaseDir();
  let entries: string[];
  try {
    entries = readdirSync(base).filter((name) => name.startsWith(SERVER_DIR_PREFIX));
  } catch {
    return;
  }
  for (const name of entries) {
    const dir = join(base, name);
    let owner: Owner;
    try {
      owner = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Owner;
    } catch {
      continue; // being created right now, or not ours
    }
    if (isAlive(owner.ownerPid)) continue;
    signal(owner.masters.filter((pid) => cmdline(pid).includes(dir)), 'SIGKILL');
    signal(processesMentioning(name), 'SIGKILL');
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}
