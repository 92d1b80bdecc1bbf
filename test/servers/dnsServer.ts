import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { promises as dns } from 'node:dns';
import { basename, join } from 'node:path';
import { registerServer, SERVER_DIR_PREFIX, serverBaseDir, stopProcesses, sweepStaleServers, unregisterServer } from './dovecotProcesses';
import { freePorts } from './freePorts';

// An authoritative DNS server on 127.0.0.1 for the authentication tests and the demo: Debian's NSD serving
// zones the caller writes, on a free port, in a temporary folder, stopped by the PID it was started with
// (its forked children carry the same command line, which names the folder). Same habits as dovecot.ts.

const NSD = '/usr/sbin/nsd';
const START_TIMEOUT_MS = 10_000;

/** One record; `name` is relative to the zone ("@" for the apex) or absolute with a final dot. */
export interface DnsRecord {
  readonly name: string;
  readonly type: 'A' | 'AAAA' | 'MX' | 'TXT' | 'CNAME' | 'PTR' | 'NS';
  /** TXT: the text (split into 255-byte strings here); MX: "10 mx.example.test."; others as in a zone file. */
  readonly value: string;
}

export interface DnsZone {
  /** The zone's name, e.g. "example.test". */
  readonly origin: string;
  readonly records: readonly DnsRecord[];
}

export interface DnsServer {
  readonly dir: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** "127.0.0.1:<port>", as `dns.Resolver#setServers` and mailInspector.auth.dnsServers take it. */
  readonly address: string;
  /** Stops the server (every query then fails: connection refused) but keeps the folder and the port. */
  halt(): Promise<void>;
  /** Serves the same zones again on the same port. */
  startAgain(): Promise<void>;
  /** Stops the server by its PID and removes the folder; idempotent. */
  stop(): Promise<void>;
}

/** A TXT value as zone-file strings: each at most 255 bytes, quotes and backslashes escaped. */
export function txtStrings(text: string): string {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += 255) chunks.push(text.slice(i, i + 255));
  return (chunks.length > 0 ? chunks : ['']).map((c) => `"${c.replace(/["\\]/g, '\\$&')}"`).join(' ');
}

function zoneText(zone: DnsZone): string {
  const origin = zone.origin.replace(/\.$/, '');
  const lines = [`$ORIGIN ${origin}.`, '$TTL 60', `@ IN SOA ns.${origin}. hostmaster.${origin}. 1 3600 600 86400 60`, `@ IN NS ns.${origin}.`, `ns IN A 127.0.0.1`];
  for (const r of zone.records) lines.push(`${r.name} IN ${r.type} ${r.type === 'TXT' ? txtStrings(r.value) : r.value}`);
  return `${lines.join('\n')}\n`;
}

function config(dir: string, port: number, zones: readonly DnsZone[]): string {
  const lines = [
    'server:',
    '  ip-address: 127.0.0.1',
    `  port: ${port}`,
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    '  database: ""',
    `  pidfile: "${join(dir, 'nsd.pid')}"`,
    `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `  zonelistfile: "${join(dir, 'zone.list')}"`,
    `  xfrdir: "${dir}"`,
    `  logfile: "${join(dir, 'nsd.log')}"`,
    '  server-count: 1',
    '  verbosity: 1',
    '  hide-version: yes',
    'remote-control:',
    '  control-enable: no',
  ];
  for (const [i, zone] of zones.entries()) lines.push('zone:', `  name: ${zone.origin.replace(/\.$/, '')}`, `  zonefile: zone${i}`);
  return `${lines.join('\n')}\n`;
}

function spawnNsd(configFile: string, outputFile: string): ChildProcess {
  const fd = openSync(outputFile, 'a');
  try {
    // -d: stay in the foreground, so the child is the main process and its PID is known at once.
    const child = spawn(NSD, ['-d', '-c', configFile], { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Ready when the first zone's SOA is answered on the port (NSD binds, then loads the zones). */
async function waitUntilServing(dir: string, port: number, zone: string, child: ChildProcess): Promise<void> {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      await resolver.resolveSoa(zone);
      return;
    } catch {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        const why = child.exitCode !== null || child.signalCode !== null ? `exited (${child.exitCode ?? child.signalCode})` : `did not answer on port ${port} in time`;
        throw new Error(`NSD ${why}.\n${await tail(join(dir, 'nsd.log'))}\n${await tail(join(dir, 'nsd.out'))}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

class RunningDns implements DnsServer {
  readonly host = '127.0.0.1';
  private stopping: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly port: number,
    private readonly configFile: string,
    private readonly firstZone: string,
    private pids: number[],
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async halt(): Promise<void> {
    if (this.stopping) throw new Error('this DNS server was stopped for good');
    await stopProcesses(this.dir, this.configFile, this.pids);
    this.pids = [];
    registerServer(this.dir, []);
  }

  async startAgain(): Promise<void> {
    if (this.stopping) throw new Error('this DNS server was stopped for good');
    if (this.pids.length > 0) throw new Error('this DNS server is running: halt() it first');
    const child = spawnNsd(this.configFile, join(this.dir, 'nsd.out'));
    if (child.pid === undefined) throw new Error(`could not start ${NSD} again`);
    this.pids = [child.pid];
    registerServer(this.dir, this.pids);
    await waitUntilServing(this.dir, this.port, this.firstZone, child);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await stopProcesses(this.dir, this.configFile, this.pids);
      unregisterServer(this.dir);
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/** Starts NSD serving `zones` on a free port of 127.0.0.1. */
export async function startDnsServer(zones: readonly DnsZone[]): Promise<DnsServer> {
  if (!existsSync(NSD)) throw new Error(`NSD is not installed (${NSD} missing): run \`node scripts/ensureSystem.mjs\`.`);
  if (zones.length === 0) throw new Error('startDnsServer needs at least one zone');
  sweepStaleServers();
  // A port found free over TCP can be taken (over UDP or TCP) before NSD binds it: then try fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(zones);
    } catch (error) {
      if (attempt >= 3 || !/in use|can't bind|could not (open|bind)/i.test(String(error))) throw error;
    }
  }
}

async function startOnce(zones: readonly DnsZone[]): Promise<DnsServer> {
  const dir = await mkdtemp(join(serverBaseDir(), `${SERVER_DIR_PREFIX}dns-`));
  const configFile = join(dir, 'nsd.conf');
  let child: ChildProcess | undefined;
  try {
    registerServer(dir, []);
    const [port] = await freePorts(1);
    for (const [i, zone] of zones.entries()) await writeFile(join(dir, `zone${i}`), zoneText(zone));
    await writeFile(configFile, config(dir, port, zones));
    child = spawnNsd(configFile, join(dir, 'nsd.out'));
    if (child.pid === undefined) throw new Error(`could not start ${NSD}`);
    registerServer(dir, [child.pid]);
    await waitUntilServing(dir, port, zones[0].origin, child);
    return new RunningDns(dir, port, configFile, zones[0].origin, [child.pid]);
  } catch (error) {
    await stopProcesses(dir, basename(dir), child?.pid !== undefined ? [child.pid] : []).catch(() => undefined);
    unregisterServer(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
