// Child processes of the e2e harness: each runs in its own process group so that stopping it by PID also
// stops everything it started (code-server's extension host, terminals, …), and none is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';

export interface GroupProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves once the leader is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `command` detached in a new process group, stdout and stderr appended to `logFile`. */
export function spawnGroup(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string }): GroupProcess {
  const log = openSync(options.logFile, 'a');
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  stopOnExit.add(pid);
  return {
    pid,
    child,
    exited,
    async stop(graceMs = 5000) {
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; members that ignored SIGTERM (or were slower) get no second chance.
      killGroup(pid, 'SIGKILL');
      stopOnExit.delete(pid);
    },
  };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has no members left.
  }
}

// Safety net: if the test process dies without running its `after` hooks, kill what it started.
const stopOnExit = new Set<number>();
process.once('exit', () => {
  for (const pid of stopOnExit) killGroup(pid, 'SIGKILL');
});

/** Resolves when `url` answers HTTP at all (any status), rejects after `timeoutMs` or if `alive()` turns false. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await answers(url)) return;
    if (!alive()) throw new Error(`the server for ${url} exited before it answered`);
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** A process as seen in /proc: its start time tells it apart from a later process that reuses the PID. */
export interface ProcessIdentity {
  pid: number;
  startTime: string;
  command: string;
}

function readStat(pid: number): { ppid: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; the name itself may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return { ppid: Number(fields[1]), startTime: fields[19] };
  } catch {
    return undefined;
  }
}

function readCommand(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Every living process that descends from one of `roots` (roots included). */
export function processTree(roots: readonly number[]): ProcessIdentity[] {
  const all = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  const children = new Map<number, number[]>();
  const stats = new Map<number, { ppid: number; startTime: string }>();
  for (const pid of all) {
    const s = readStat(pid);
    if (!s) continue;
    stats.set(pid, s);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const found: ProcessIdentity[] = [];
  const queue = roots.filter((p) => stats.has(p));
  const seen = new Set<number>();
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    if (seen.has(pid)) continue;
    seen.add(pid);
    found.push({ pid, startTime: (stats.get(pid) as { startTime: string }).startTime, command: readCommand(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** Whether the very same process (same PID and start time) still runs. */
export function stillRunning(p: ProcessIdentity): boolean {
  return readStat(p.pid)?.startTime === p.startTime;
}
