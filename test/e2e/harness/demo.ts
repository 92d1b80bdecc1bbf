// The product demo behind `npm run demo`: a local Dovecot with a realistic mailbox, a local DNS server (NSD) with
// the records of the mailbox's DKIM-signed message, and code-server with the packaged extension, two ready accounts
// (IMAP and POP3) and that DNS server in its settings. scripts/demo.mjs prints and waits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_AUTH_SUBJECT, startDemoAuth } from '../../servers/dnsDemo';
import { startDovecot } from '../../servers/dovecot';
import { createProfile, ensureCodeServer, installExtension, startCodeServer } from './codeServer';
import { DEMO_PASSWORD, DEMO_USER, seedDemoMailbox, type DemoMailboxSummary } from './demoMailbox';
import { ensureVsix } from './vsix';

export interface DemoAccount {
  id: string;
  label: string;
  protocol: 'imap' | 'pop3';
  host: string;
  port: number;
  security: 'tls' | 'starttls' | 'none';
  user: string;
  allowInvalidCertificate: boolean;
}

export interface Demo {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  readonly accounts: DemoAccount[];
  readonly mailbox: DemoMailboxSummary;
  /** The folder holding the demo's profile and logs (removed by `stop`). */
  readonly dir: string;
  /** PIDs of the process-group leaders the demo started (code-server) and Dovecot's masters' folder. */
  readonly codeServerPid: number;
  readonly dovecotDir: string;
  /** The DNS server Check Authentication asks (mailInspector.auth.dnsServers), "127.0.0.1:<port>". */
  readonly dnsAddress: string;
  stop(): Promise<void>;
}

/**
 * Starts the demo. `port` 0 lets the system choose. Passwords cannot be put into code-server's secret storage
 * from outside (it lives in the browser's storage), so each account asks for the demo password once.
 */
export async function startDemo(options: { port: number; log: (line: string) => void }): Promise<Demo> {
  const { log } = options;
  const install = await ensureCodeServer(log);
  const vsix = await ensureVsix();
  log('Starting Dovecot and a DNS server, writing the demo mailbox…');
  const dovecot = await startDovecot({ users: [{ user: DEMO_USER, password: DEMO_PASSWORD }] });
  const dir = mkdtempSync(join(tmpdir(), 'mi-demo-'));
  const cleanups: (() => Promise<void> | void)[] = [() => dovecot.stop(), () => rmSync(dir, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const auth = await startDemoAuth();
    cleanups.push(() => auth.dns.stop());
    const mailbox = await seedDemoMailbox(dovecot, { signed: auth.message });
    const accounts: DemoAccount[] = [
      { id: 'demo-imap', label: 'Demo IMAP', protocol: 'imap', host: '127.0.0.1', port: dovecot.ports.imap, security: 'starttls', user: DEMO_USER, allowInvalidCertificate: false },
      { id: 'demo-pop3', label: 'Demo POP3', protocol: 'pop3', host: '127.0.0.1', port: dovecot.ports.pop3s, security: 'tls', user: DEMO_USER, allowInvalidCertificate: false },
    ];
    const profile = createProfile(dir, { 'mailInspector.accounts': accounts, ...auth.settings });
    log('Installing the extension into code-server…');
    installExtension(install, profile, vsix);
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'Mail Inspector demo.md'), demoNotes(accounts));
    const codeServer = await startCodeServer(install, profile, {
      folder: workspace,
      port: options.port,
      logFile: join(dir, 'code-server.log'),
      // The extension host inherits it: the demo accounts verify Dovecot's self-signed certificate against it.
      env: { NODE_EXTRA_CA_CERTS: dovecot.caFile },
    });
    cleanups.push(() => codeServer.stop());
    return { url: codeServer.url, user: DEMO_USER, password: DEMO_PASSWORD, accounts, mailbox, dir, codeServerPid: codeServer.process.pid, dovecotDir: dovecot.dir, dnsAddress: auth.dns.address, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function demoNotes(accounts: DemoAccount[]): string {
  return [
    '# Mail Inspector demo',
    '',
    'Click the envelope with the magnifier in the activity bar (left) to open **Mail Inspector**.',
    '',
    ...accounts.map((a) => `- **${a.label}**: ${a.protocol.toUpperCase()} on ${a.host}:${a.port} (${a.security.toUpperCase()}), user \`${a.user}\``),
    '',
    `Each account asks for its password once: \`${DEMO_PASSWORD}\`.`,
    '',
    'Right-click an account and choose **Show Traffic** to see every command and response (the password is masked).',
    '',
    `The newest INBOX message, "${DEMO_AUTH_SUBJECT}", is signed with DKIM: right-click it and choose`,
    '**Check Authentication** for DKIM, SPF and DMARC, checked against a local DNS server the demo started.',
    '',
    'The accounts are read-only: nothing you do changes the demo mailbox. To try flags, folders, moves (drag a message',
    'onto a folder) and Undo, right-click **Demo IMAP** and choose **Allow Changes for This Session**.',
    '',
  ].join('\n');
}
