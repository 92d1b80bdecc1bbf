import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { basename, join } from 'node:path';
import { createCaSignedCertificate, createCertificate } from './certificate';
import { dovecotConfig, userHome } from './dovecotConfig';
import { registerServer, SERVER_DIR_PREFIX, serverBaseDir, stopProcesses, sweepStaleServers, unregisterServer } from './dovecotProcesses';
import { freePorts } from './freePorts';
import { SeedMessage, writeMaildirMessages } from './maildirSeeder';

export type { SeedMessage } from './maildirSeeder';

const DOVECOT = '/usr/sbin/dovecot';
const DOVEADM = '/usr/bin/doveadm';
const REQUIRED = [DOVECOT, DOVEADM, '/usr/lib/dovecot/imap', '/usr/lib/dovecot/pop3'];
const START_TIMEOUT_MS = 15_000;

export interface Credentials {
  user: string;
  password: string;
}

export interface DovecotOptions {
  /** Accounts to create; default one user alice / 'alice-secret-pw'. */
  users?: Credentials[];
  /** POP3: lock the maildrop per session, so a second session gets "-ERR [IN-USE]" (Dovecot's default is off). */
  pop3LockSession?: boolean;
  /** Offer APOP (a timestamp in the POP3 greeting) besides PLAIN and LOGIN. */
  apop?: boolean;
  /**
   * The main instance's IMAP CAPABILITY list after login (`imap_capability`), replacing Dovecot's own, e.g. to
   * play a server without IDLE or without CONDSTORE/QRESYNC. The `ssl = no` instance keeps the full list.
   */
  imapCapability?: string;
  /** Serve a certificate issued by a test CA (then `ca`/`caFile` are the CA's) instead of a self-signed one. */
  testCa?: boolean;
}

export interface DovecotPorts {
  /** Plain IMAP offering STARTTLS; also accepts LOGIN in clear. */
  imap: number;
  /** IMAP over implicit TLS. */
  imaps: number;
  /** Plain IMAP of a second instance with `ssl = no`: no STARTTLS offered. */
  imapNoTls: number;
  /** Plain POP3 offering STLS; also accepts USER/PASS in clear. */
  pop3: number;
  /** POP3 over implicit TLS. */
  pop3s: number;
  /** Plain POP3 of the `ssl = no` instance: no STLS offered. */
  pop3NoTls: number;
}

export interface CreateFolderOptions {
  /** Also create every missing parent as a real (selectable) folder. Default true. */
  parents?: boolean;
}

export interface DovecotServer {
  /** Temporary folder holding everything: config, passwd, Maildirs, certificate, logs, base_dir, state_dir. */
  readonly dir: string;
  readonly host: '127.0.0.1';
  readonly ports: DovecotPorts;
  /** PEM to pass to Node as `ca`: the self-signed certificate (CN=localhost, SAN DNS:localhost, IP:127.0.0.1), or with `testCa` the CA that issued it. */
  readonly ca: Buffer;
  readonly caFile: string;
  readonly users: Credentials[];
  /**
   * Appends messages, in order, to a folder (created with its parents if missing) by writing Maildir
   * files, then `doveadm force-resync` and `doveadm index`. In a new folder UIDs are 1..n in order.
   */
  addMessages(user: string, folder: string, messages: readonly SeedMessage[]): Promise<void>;
  /** Creates (and subscribes) a folder; one that already exists is left alone. */
  createFolder(user: string, folder: string, options?: CreateFolderOptions): Promise<void>;
  /** Runs doveadm with this instance's config; returns stdout. */
  doveadm(args: string[]): Promise<string>;
  /** Flags of every message in a folder, keyed by UID, read via doveadm (\Recent left out: it is per session). */
  flagsOf(user: string, folder: string): Promise<Map<number, string[]>>;
  /** The main instance's log so far (for a failing test's message). */
  log(): Promise<string>;
  /** Stops both instances by the master PIDs it started and removes the folder; idempotent. */
  stop(): Promise<void>;
  /**
   * Stops both instances (as a crash or a server restart would: every connection drops, nothing listens)
   * but keeps the folder, the mail, the config and the ports; `startAgain()` serves them again.
   */
  halt(): Promise<void>;
  /** Starts the halted instances again on the same ports with the same mail; resolves once every port answers. */
  startAgain(): Promise<void>;
  /**
   * Stops only the main instance (IMAP/IMAPS/POP3/POP3S ports), as a crash would: its connections drop. The
   * `ssl = no` instance keeps serving the same mail, so "another device" can change it meanwhile.
   */
  haltMain(): Promise<void>;
  /** Starts the main instance again on the same ports with the same mail, after haltMain(). */
  startMainAgain(): Promise<void>;
}

interface MailOwner {
  uid: number;
  gid: number;
}

/** The unprivileged account that owns the mail: `nobody` (Debian: 65534/nogroup), else `mail`. */
function mailOwner(): MailOwner {
  const lines = readFileSync('/etc/passwd', 'utf8').split('\n').map((line) => line.split(':'));
  for (const name of ['nobody', 'mail']) {
    const entry = lines.find((fields) => fields[0] === name);
    if (entry) return { uid: Number(entry[2]), gid: Number(entry[3]) };
  }
  throw new Error('Neither "nobody" nor "mail" exists in /etc/passwd: no unprivileged owner for the test mail.');
}

function checkCredentials(users: Credentials[]): void {
  if (users.length === 0) throw new Error('startDovecot needs at least one user');
  for (const { user, password } of users) {
    if (!/^[A-Za-z0-9._@+-]+$/.test(user)) throw new Error(`test user name "${user}" must be letters, digits and ._@+-`);
    if (/[:\r\n\0]/.test(password) || password === '') throw new Error(`the password of ${user} must be non-empty, without ":" or line breaks`);
  }
}

interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

function runDoveadm(configFile: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(DOVEADM, ['-c', configFile, ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ stdout, stderr, code: error ? Number(error.code) : 0 });
    });
  });
}

/**
 * Starts the master in the foreground (-F, so the child is the master and its PID is known at once),
 * detached from our stdout/stderr: Dovecot's daemons inherit whatever descriptors they are given and
 * keep them open, so a test runner reading our output would wait for them forever.
 */
function spawnMaster(configFile: string, outputFile: string): ChildProcess {
  const fd = openSync(outputFile, 'a');
  try {
    const child = spawn(DOVECOT, ['-F', '-c', configFile], { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function tail(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Ready when every port answers and each master has written master.pid, which it does only after
 * binding all its listeners: a port answering could otherwise be another server's that took it.
 */
async function waitUntilServing(dir: string, suffixes: readonly string[], ports: DovecotPorts, masters: readonly ChildProcess[]): Promise<void> {
  const pidFiles = suffixes.map((suffix) => join(dir, `run${suffix}`, 'master.pid'));
  const ready = async (port: number): Promise<boolean> => pidFiles.every((file) => existsSync(file)) && (await portAnswers(port));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (const port of Object.values(ports)) {
    while (!(await ready(port))) {
      const dead = masters.find((m) => m.exitCode !== null || m.signalCode !== null);
      if (dead || Date.now() > deadline) {
        const why = dead ? `exited (${dead.exitCode ?? dead.signalCode})` : `did not open port ${port} in time`;
        const logs = await Promise.all(['dovecot.log', 'master.out', 'dovecot-notls.log', 'master-notls.out'].map((f) => tail(join(dir, f))));
        throw new Error(`Dovecot ${why}.\n${logs.join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

class RunningDovecot implements DovecotServer {
  readonly host = '127.0.0.1';
  private readonly paths = new Map<string, string>();
  private nextOrder = 1;
  private stopping: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    readonly ports: DovecotPorts,
    readonly ca: Buffer,
    readonly caFile: string,
    readonly users: Credentials[],
    private readonly configFile: string,
    private readonly logFile: string,
    private masters: number[],
    private readonly owner: MailOwner,
    /** Every instance's config file, with the suffix its run/log files carry ('' and '-notls'). */
    private readonly instances: readonly { configFile: string; suffix: string }[],
  ) {}

  async doveadm(args: string[]): Promise<string> {
    const result = await runDoveadm(this.configFile, args);
    if (result.code !== 0) throw new Error(`doveadm ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
    return result.stdout;
  }

  async createFolder(user: string, folder: string, options: CreateFolderOptions = {}): Promise<void> {
    this.checkUser(user);
    const parts = folder.split('/');
    const names = options.parents === false ? [folder] : parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    const result = await runDoveadm(this.configFile, ['mailbox', 'create', '-s', '-u', user, ...names]);
    const problems = result.stderr.split('\n').filter((line) => line.trim() !== '' && !/already exists/i.test(line));
    if (result.code !== 0 && problems.length > 0) throw new Error(`creating ${folder} for ${user} failed: ${problems.join('; ')}`);
  }

  async addMessages(user: string, folder: string, messages: readonly SeedMessage[]): Promise<void> {
    this.checkUser(user);
    const cur = join(await this.mailboxPath(user, folder), 'cur');
    if (!existsSync(cur)) await this.createFolder(user, folder);
    if (!existsSync(cur)) throw new Error(`doveadm created ${folder} for ${user}, but ${cur} does not exist`);
    const first = this.nextOrder;
    this.nextOrder += messages.length;
    await writeMaildirMessages(cur, messages, first, this.owner);
    // force-resync rebuilds the index from the files; index then caches what a client's first FETCH needs.
    await this.doveadm(['force-resync', '-u', user, folder]);
    await this.doveadm(['index', '-u', user, folder]);
  }

  async flagsOf(user: string, folder: string): Promise<Map<number, string[]>> {
    this.checkUser(user);
    const out = await this.doveadm(['-f', 'tab', 'fetch', '-u', user, 'uid flags', 'mailbox', folder, 'all']);
    const flags = new Map<number, string[]>();
    for (const line of out.split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [uid, list = ''] = line.split('\t');
      flags.set(Number(uid), list.split(' ').filter((flag) => flag !== '' && flag !== '\\Recent'));
    }
    return flags;
  }

  log(): Promise<string> {
    return readFile(this.logFile, 'utf8');
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await stopProcesses(this.dir, basename(this.dir), this.masters);
      unregisterServer(this.dir);
      await rm(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }

  async halt(): Promise<void> {
    if (this.stopping) throw new Error('this Dovecot was stopped for good');
    await stopProcesses(this.dir, basename(this.dir), this.masters);
    this.masters = [];
    registerServer(this.dir, []);
  }

  async startAgain(): Promise<void> {
    if (this.stopping) throw new Error('this Dovecot was stopped for good');
    if (this.masters.length > 0) throw new Error('this Dovecot is running: halt() it first');
    // A master killed by stopProcesses may leave its master.pid behind: readiness waits for fresh ones.
    for (const { suffix } of this.instances) await rm(join(this.dir, `run${suffix}`, 'master.pid'), { force: true });
    const masters = this.instances.map(({ configFile, suffix }) => spawnMaster(configFile, join(this.dir, `master${suffix}.out`)));
    const pids = masters.map((m) => m.pid).filter((pid): pid is number => pid !== undefined);
    this.masters = pids;
    registerServer(this.dir, pids);
    if (pids.length !== masters.length) throw new Error(`could not start ${DOVECOT} again`);
    await waitUntilServing(this.dir, this.instances.map((i) => i.suffix), this.ports, masters);
  }

  async haltMain(): Promise<void> {
    if (this.stopping) throw new Error('this Dovecot was stopped for good');
    const main = this.instances[0]!;
    const pid = this.masters.find((p) => cmdlineOf(p).includes(main.configFile));
    if (pid === undefined) throw new Error('the main instance is not running');
    // Its children are titled "dovecot-<folder name>/<service>"; the other instance's "dovecot-<folder name>-notls/…".
    await stopProcesses(this.dir, `dovecot-${basename(this.dir)}/`, [pid]);
    this.masters = this.masters.filter((p) => p !== pid);
    registerServer(this.dir, this.masters);
  }

  async startMainAgain(): Promise<void> {
    if (this.stopping) throw new Error('this Dovecot was stopped for good');
    const main = this.instances[0]!;
    if (this.masters.some((p) => cmdlineOf(p).includes(main.configFile))) throw new Error('the main instance is running: haltMain() it first');
    await rm(join(this.dir, `run${main.suffix}`, 'master.pid'), { force: true });
    const master = spawnMaster(main.configFile, join(this.dir, `master${main.suffix}.out`));
    if (master.pid === undefined) throw new Error(`could not start ${DOVECOT} again`);
    this.masters = [...this.masters, master.pid];
    registerServer(this.dir, this.masters);
    await waitUntilServing(this.dir, [main.suffix], this.ports, [master]);
  }

  /** On-disk folder of a mailbox, as Dovecot encodes it (Maildir++ ".A.B", modified UTF-7, listescape). */
  private async mailboxPath(user: string, folder: string): Promise<string> {
    const key = `${user}\0${folder}`;
    let path = this.paths.get(key);
    if (path === undefined) {
      path = (await this.doveadm(['mailbox', 'path', '-u', user, folder])).trim();
      this.paths.set(key, path);
    }
    return path;
  }

  private checkUser(user: string): void {
    if (!this.users.some((u) => u.user === user)) throw new Error(`${user} is not a user of this test server`);
  }
}

/**
 * Starts Dovecot for a test: a main instance (IMAP with STARTTLS, IMAPS, POP3 with STLS, POP3S) and a
 * second instance with `ssl = no` sharing the same users and mail, for servers that offer no TLS.
 * Everything lives in a fresh temporary folder that `stop()` removes.
 */
/** Dovecot 2.3's CAPABILITY list after login, as the test server announces it (the default `imap_capability`). */
export const DOVECOT_CAPABILITIES =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE';

/** An `imapCapability` value: Dovecot's list without `caps`, to play a server that lacks them (IDLE, MOVE, UIDPLUS…). */
export function capabilitiesWithout(...caps: string[]): string {
  return DOVECOT_CAPABILITIES.split(' ')
    .filter((c) => !caps.includes(c))
    .join(' ');
}

export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  const missing = REQUIRED.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`Dovecot is not installed (${missing.join(', ')} missing): run \`node scripts/ensureSystem.mjs\`.`);
  if (process.getuid?.() !== 0) throw new Error('The Dovecot test harness must run as root: Dovecot switches to the mail user itself.');
  const users = (options.users ?? [{ user: 'alice', password: 'alice-secret-pw' }]).map((u) => ({ ...u }));
  checkCredentials(users);
  sweepStaleServers();
  // A port found free can be taken before Dovecot binds it (by another test's server or an outgoing
  // connection's ephemeral port): then start again with fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(users, options);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startOnce(users: Credentials[], options: DovecotOptions): Promise<DovecotServer> {
  const dir = await mkdtemp(join(serverBaseDir(), SERVER_DIR_PREFIX));
  const name = basename(dir);
  const masters: ChildProcess[] = [];
  try {
    registerServer(dir, []); // owned from the start, so a sweep by another process leaves it alone
    await chmod(dir, 0o755); // the mail user must be able to reach the Maildirs inside
    const owner = mailOwner();
    const [cert, [imap, imaps, imapNoTls, pop3, pop3s, pop3NoTls]] = await Promise.all([options.testCa ? createCaSignedCertificate(dir) : createCertificate(dir), freePorts(6)]);
    const ports: DovecotPorts = { imap, imaps, imapNoTls, pop3, pop3s, pop3NoTls };

    const passwdFile = join(dir, 'passwd');
    await writeFile(passwdFile, users.map(({ user, password }) => `${user}:{PLAIN}${password}::::::\n`).join(''), { mode: 0o644 });
    for (const { user } of users) {
      const home = userHome(dir, user);
      for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(home, 'Maildir', sub), { recursive: true });
      for (const path of [join(dir, 'mail'), home, join(home, 'Maildir'), ...['cur', 'new', 'tmp'].map((s) => join(home, 'Maildir', s))]) {
        chownSync(path, owner.uid, owner.gid);
      }
    }

    const instances = [
      { suffix: '', tls: { certFile: cert.certFile, keyFile: cert.keyFile, imaps, pop3s }, imap, pop3 },
      { suffix: '-notls', tls: undefined, imap: imapNoTls, pop3: pop3NoTls },
    ];
    const configFiles: string[] = [];
    for (const instance of instances) {
      const configFile = join(dir, `dovecot${instance.suffix}.conf`);
      const text = dovecotConfig({
        dir,
        instanceName: `${name}${instance.suffix}`,
        baseDir: join(dir, `run${instance.suffix}`),
        stateDir: join(dir, `state${instance.suffix}`),
        logFile: join(dir, `dovecot${instance.suffix}.log`),
        passwdFile,
        mailUid: owner.uid,
        mailGid: owner.gid,
        tls: instance.tls,
        imap: instance.imap,
        pop3: instance.pop3,
        pop3LockSession: options.pop3LockSession === true,
        apop: options.apop === true,
        ...(instance.suffix === '' && options.imapCapability ? { imapCapability: options.imapCapability } : {}),
      });
      await writeFile(configFile, text);
      configFiles.push(configFile);
    }
    for (const [i, configFile] of configFiles.entries()) {
      masters.push(spawnMaster(configFile, join(dir, `master${instances[i].suffix}.out`)));
    }
    const pids = masters.map((m) => m.pid).filter((pid): pid is number => pid !== undefined);
    if (pids.length !== masters.length) throw new Error(`could not start ${DOVECOT}`);
    registerServer(dir, pids);

    await waitUntilServing(dir, instances.map((instance) => instance.suffix), ports, masters);
    const started = configFiles.map((configFile, i) => ({ configFile, suffix: instances[i].suffix }));
    return new RunningDovecot(dir, ports, cert.pem, cert.caFile, users, configFiles[0], join(dir, 'dovecot.log'), pids, owner, started);
  } catch (error) {
    const pids = masters.map((m) => m.pid).filter((pid): pid is number => pid !== undefined);
    await stopProcesses(dir, name, pids).catch(() => undefined);
    unregisterServer(dir);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
