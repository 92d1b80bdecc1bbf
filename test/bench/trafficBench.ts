import { performance } from 'node:perf_hooks';
import { AccountDefinition } from '../../src/core/accounts/account';
import { ImapStore } from '../../src/core/imap/imapStore';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';

// The traffic section of the benchmark (issue 12): the cost of capturing traffic as events while listing
// 10,000 envelopes (one FETCH of 10,000 ENVELOPEs over TLS, through the product's ImapStore).
// - "capture on": what the product does with the channel and the traffic view open: every event framed,
//   masked, attributed and paired into the record, rendered as the channel's line (formatTrafficLine, into a
//   bounded buffer as the output channel keeps), and a second subscriber plus a record listener batching
//   changes every 100 ms as the view does.
// - "capture off": the floor, a tap that only counts bytes (TapOptions.capture false: no framing, masking,
//   events or record). The product never runs like this; it is what no capture at all would cost.
// The same connection is kept for all runs (login and TLS are not measured); runs alternate on/off, median of each.

const SIZE = 10_000;
const RUNS = 15;

function channelLike(): { sink: (l: TrafficLine) => void; count: () => number } {
  const kept: string[] = [];
  let n = 0;
  return {
    sink: (l) => {
      kept.push(formatTrafficLine(l));
      if (kept.length > 10_000) kept.splice(0, 5_000);
      n++;
    },
    count: () => n,
  };
}

async function listing(server: DovecotServer, capture: boolean): Promise<{ store: ImapStore; tap: TrafficTap; events: () => number; close(): void }> {
  const { user, password } = server.users[0]!;
  const account: AccountDefinition = { id: 'bench-traffic', label: 'bench traffic', protocol: 'imap', host: server.host, port: server.ports.imaps, security: 'tls', user, allowInvalidCertificate: false, useApop: false };
  const channel = channelLike();
  const tap = new TrafficTap(capture ? channel.sink : () => undefined, { maxLiteralBytes: 4096, capture });
  // The view batches the record's changes and renders every 100 ms; here the batch is only emptied.
  let pending = 0;
  const timer = setInterval(() => {
    pending = 0;
  }, 100);
  const sub = capture ? tap.subscribe(() => undefined) : undefined;
  const listening = capture ? tap.record.onChange(() => pending++) : undefined;
  const store = new ImapStore(account, password, tap, { limits: DEFAULT_LIMITS, ca: server.ca });
  return {
    store,
    tap,
    events: () => channel.count(),
    close: () => {
      clearInterval(timer);
      sub?.dispose();
      listening?.dispose();
    },
  };
}

/** Lines printed by the bench (and returned for bench.ts). */
export async function trafficBench(): Promise<string[]> {
  const out: string[] = [];
  const server = await startDovecot();
  try {
    const user = server.users[0]!.user;
    await server.addMessages(user, 'INBOX', Array.from({ length: SIZE }, (_, i) => ({ raw: generateMessage(i + 1) })));
    const on = await listing(server, true);
    const off = await listing(server, false);
    const times = { on: [] as number[], off: [] as number[] };
    let bytes = 0;
    try {
      for (const side of [on, off]) await side.store.listMessages('INBOX', 0, SIZE); // warm: connect, log in, EXAMINE
      for (let run = 0; run < RUNS; run++) {
        for (const [name, side] of [['on', on], ['off', off]] as const) {
          const before = side.tap.totals.received;
          const start = performance.now();
          const page = await side.store.listMessages('INBOX', 0, SIZE);
          times[name].push(performance.now() - start);
          if (page.messages.length !== SIZE) throw new Error(`listed ${page.messages.length} of ${SIZE}`);
          bytes = side.tap.totals.received - before;
        }
      }
    } finally {
      await on.store.close();
      await off.store.close();
      on.close();
      off.close();
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const mOn = median(times.on);
    const mOff = median(times.off);
    const record = on.tap.record;
    out.push(`Traffic capture: listing ${SIZE.toLocaleString('en')} envelopes (${(bytes / 1024).toFixed(0)} KiB received per listing), median of ${RUNS}`);
    out.push(`  capture off (bytes counted only): ${mOff.toFixed(1)} ms`);
    out.push(`  capture on (channel + view subscribed, record): ${mOn.toFixed(1)} ms`);
    out.push(`  overhead: ${(((mOn - mOff) / mOff) * 100).toFixed(1)}% (target: below 10%); record kept ${record.exchanges().reduce((n, e) => n + e.events.length, 0)} events, dropped ${record.dropped} exchanges; ${on.events()} channel lines`);
  } finally {
    await server.stop();
  }
  return out;
}

if (require.main === module) {
  trafficBench().then(
    (lines) => console.log(lines.join('\n')),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
