import { ImapFlow } from 'imapflow';
import { performance } from 'node:perf_hooks';
import { AccountDefinition } from '../../src/core/accounts/account';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { SessionEvent } from '../../src/core/session/sessionEvents';
import { createAccountSession } from '../../src/core/sessionFactory';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { startDovecot } from '../servers/dovecot';

// The live-session section of the benchmark: an AccountSession over TLS watching a folder (IDLE) while a second
// IMAP client ("another device") changes it. Measures the time from a delivery (APPEND answered OK) to the
// session's `new` event (median of 20), the connections the account holds (Dovecot's own count), and the heap
// after 500 pushes (flag changes by the other client), as a stand-in for an hour of IDLE.

const DELIVERIES = 20;
const PUSHES = 500;

export interface LiveBenchResult {
  readonly latencies: number[];
  readonly connections: number;
  readonly heapBeforeMb: number;
  readonly heapAfterMb: number;
  readonly pushEvents: number;
  readonly pushMs: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / (1024 * 1024);
};

function message(i: number): string {
  return [`From: bench@example.com`, 'To: alice@example.com', `Subject: live ${i}`, `Message-ID: <live-${i}@example.com>`, '', `Body ${i}.`, ''].join('\r\n');
}

export async function liveSessionBench(): Promise<LiveBenchResult> {
  const server = await startDovecot();
  const user = server.users[0]!;
  try {
    await server.addMessages(user.user, 'Heap', Array.from({ length: PUSHES }, (_, i) => ({ raw: message(i + 1), flags: '' })));
    await server.createFolder(user.user, 'Live');
    const account: AccountDefinition = { id: 'bench', label: 'bench', protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls', user: user.user, allowInvalidCertificate: false, useApop: false };
    const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 4096 });
    const session = await createAccountSession(account, user.password, tap, { limits: DEFAULT_LIMITS, ca: server.ca });
    const device = new ImapFlow({ host: '127.0.0.1', port: server.ports.imap, secure: false, doSTARTTLS: false, auth: { user: user.user, pass: user.password }, logger: false });
    await device.connect();
    let onEvent: ((event: SessionEvent) => void) | undefined;
    session.events.on((event) => onEvent?.(event));
    try {
      await session.listPage('Live', undefined, 50);
      await session.watch('Live');
      const latencies: number[] = [];
      for (let i = 0; i < DELIVERIES; i++) {
        const arrived = new Promise<number>((resolve) => {
          onEvent = (event) => {
            if (event.type === 'new') resolve(performance.now());
          };
        });
        await device.append('Live', message(1000 + i), []);
        const delivered = performance.now();
        latencies.push((await arrived) - delivered);
      }
      const who = await server.doveadm(['-f', 'tab', 'who', user.user]);
      const held = who
        .split('\n')
        .slice(1)
        .map((line) => line.split('\t'))
        .filter(([name, , service]) => name === user.user && service === 'imap')
        .reduce((n, [, count]) => n + Number(count), 0);

      await session.watch('Heap');
      const heapBeforeMb = heapMb();
      let pushEvents = 0;
      const done = new Promise<void>((resolve) => {
        onEvent = (event) => {
          if (event.type === 'flags' && ++pushEvents === PUSHES) resolve();
        };
      });
      const start = performance.now();
      const lock = await device.getMailboxLock('Heap');
      try {
        for (let uid = 1; uid <= PUSHES; uid++) await device.messageFlagsAdd(String(uid), ['\\Flagged'], { uid: true });
      } finally {
        lock.release();
      }
      await done;
      const pushMs = performance.now() - start;
      const heapAfterMb = heapMb();
      return { latencies, connections: held - 1, heapBeforeMb, heapAfterMb, pushEvents, pushMs };
    } finally {
      await session.close();
      await device.logout().catch(() => device.close());
    }
  } finally {
    await server.stop();
  }
}

export function liveTable(r: LiveBenchResult): string {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return [
    `Live session (AccountSession over TLS, IDLE; another IMAP client delivers and changes flags)`,
    `  delivery → 'new' event, median of ${r.latencies.length}: ${median.toFixed(0)} ms (min ${sorted[0]!.toFixed(0)}, max ${sorted[sorted.length - 1]!.toFixed(0)})`,
    `  connections held by the account while watching (doveadm who): ${r.connections}`,
    `  heap used before / after ${r.pushEvents} pushes: ${r.heapBeforeMb.toFixed(1)} / ${r.heapAfterMb.toFixed(1)} MB (growth ${(r.heapAfterMb - r.heapBeforeMb).toFixed(1)} MB; pushes took ${(r.pushMs / 1000).toFixed(1)} s)`,
  ].join('\n');
}
