import { performance } from 'node:perf_hooks';
import { AccountDefinition } from '../../src/core/accounts/account';
import { ImapStore } from '../../src/core/imap/imapStore';
import { MailStore } from '../../src/core/mailStore';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { generateMessage } from '../servers/sampleMail';
import { mimeParsingBench, stallTable } from './mimeBench';
import { liveSessionBench, liveTable } from './liveBench';
import { searchBench, searchTable } from './searchBench';
import { trafficBench } from './trafficBench';
import { referenceBench, referenceTable } from './referenceBench';
import { bigAttachmentMessage } from '../fixtures/generate';
import { activationBench } from './activationBench';

// The benchmark: how browsing cost grows with folder size. For a folder of 1,000 and one of 100,000
// messages it measures, through the product's ImapStore over TLS, the time and the bytes exchanged
// (as counted by the TrafficTap: protocol bytes, before TLS) to list the folders, show the first
// page and open one message, and the heap used; then searches them (searchBench.ts: IMAP vs POP3 local search, each
// beside python3's imaplib/poplib). Run it with `node test/run.mjs bench`.
// `node --expose-gc out/test/bench/bench.js` runs it on the compiled tree; `--mime` or `--live` runs that section alone.
// MAIL_INSPECTOR_BENCH_ONLY=search runs only the search section (Dovecot started and seeded as usual);
// MAIL_INSPECTOR_BENCH_SIZES=1000 (comma-separated) seeds and measures only those of the sizes below;
// MAIL_INSPECTOR_BENCH_POP3_BODY=full|sample overrides the search section's choice for POP3 body searches.
// The reference section (referenceBench.ts, issue 15) runs every task beside python3's imaplib/poplib in the same run and
// prints ours, theirs and the ratio; `--reference` (or MAIL_INSPECTOR_BENCH_ONLY=reference) runs it alone.

const ONLY = process.env.MAIL_INSPECTOR_BENCH_ONLY;
const SIZES = [1_000, 100_000].filter((size) => !process.env.MAIL_INSPECTOR_BENCH_SIZES || process.env.MAIL_INSPECTOR_BENCH_SIZES.split(',').map(Number).includes(size));
const PAGE = 50;
const REPEAT = 5;

interface Sample {
  ms: number;
  bytes: number;
}

interface Result {
  size: number;
  seedMs: number;
  steps: Map<string, Sample>;
  heapBeforeMb: number;
  heapAfterMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  return process.memoryUsage().heapUsed / (1024 * 1024);
}

async function measure<T>(tap: TrafficTap, work: () => Promise<T>): Promise<{ sample: Sample; value: T }> {
  const bytesBefore = tap.totals.sent + tap.totals.received;
  const start = performance.now();
  const value = await work();
  const ms = performance.now() - start;
  return { sample: { ms, bytes: tap.totals.sent + tap.totals.received - bytesBefore }, value };
}

/** Median time of `times` runs of a warm operation (loopback timings are noisy); bytes of one run. */
async function measureWarm<T>(tap: TrafficTap, times: number, work: () => Promise<T>): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < times; i++) samples.push((await measure(tap, work)).sample);
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { ms: sorted[Math.floor(sorted.length / 2)], bytes: samples[0].bytes };
}

async function seed(server: DovecotServer, user: string, size: number): Promise<number> {
  const start = performance.now();
  const messages = Array.from({ length: size }, (_, i) => ({ raw: generateMessage(i + 1), flags: i % 10 === 0 ? '' : 'S' }));
  await server.addMessages(user, 'INBOX', messages);
  return performance.now() - start;
}

type Protocol = 'imap' | 'pop3';

async function run(server: DovecotServer, size: number, seedMs: number, protocol: Protocol): Promise<Result> {
  const { user, password } = server.users.find((u) => u.user === `bench${size}`)!;
  const account: AccountDefinition = {
    id: `bench-${size}`,
    label: `bench ${size}`,
    protocol,
    host: server.host,
    port: protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
    security: 'tls',
    user,
    allowInvalidCertificate: false,
    useApop: false,
  };
  const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 4096 });
  const options = { limits: DEFAULT_LIMITS, ca: server.ca };
  // POP3: every call is its own short session (connect, TLS, login, work, RSET, QUIT), so nothing is "warm".
  const store: MailStore = protocol === 'imap' ? new ImapStore(account, password, tap, options) : new Pop3Store(account, password, tap, options);
  const steps = new Map<string, Sample>();
  const heapBeforeMb = heapMb();
  try {
    const cold = await measure(tap, () => store.listFolders());
    steps.set('connect + list folders', cold.sample);
    const inbox = cold.value.find((f) => f.path === 'INBOX');
    if (inbox?.total !== size) throw new Error(`INBOX of bench${size} lists ${inbox?.total} messages, expected ${size}`);
    steps.set(`list folders (warm, median of ${REPEAT})`, await measureWarm(tap, REPEAT, () => store.listFolders()));
    const page = await measure(tap, () => store.listMessages('INBOX', 0, PAGE));
    if (page.value.messages.length !== PAGE) throw new Error(`first page has ${page.value.messages.length} messages`);
    steps.set(`first page of ${PAGE} (opens the folder)`, page.sample);
    steps.set(`first page (warm, median of ${REPEAT})`, await measureWarm(tap, REPEAT, () => store.listMessages('INBOX', 0, PAGE)));
    steps.set(`next page (warm, median of ${REPEAT})`, await measureWarm(tap, REPEAT, () => store.listMessages('INBOX', PAGE, PAGE)));
    const newest = page.value.messages[0];
    const open = await measure(tap, () => store.fetchRaw('INBOX', newest.id));
    if (open.value.length !== newest.size) throw new Error(`fetched ${open.value.length} bytes, the listing said ${newest.size}`);
    steps.set('open one message', open.sample);
    const others = page.value.messages.slice(1, 1 + REPEAT);
    let k = 0;
    steps.set(`open another (median of ${REPEAT})`, await measureWarm(tap, REPEAT, () => store.fetchRaw('INBOX', others[k++].id)));
  } finally {
    await store.close();
  }
  return { size, seedMs, steps, heapBeforeMb, heapAfterMb: heapMb() };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number): string => (a === 0 ? '—' : `${(b / a).toFixed(2)}×`);

function table(results: Result[]): string {
  const [small, large] = results;
  const header = ['operation', `${int(small.size)} msgs: ms`, 'bytes', `${int(large.size)} msgs: ms`, 'bytes', 'ratio ms', 'ratio bytes'];
  const rows: string[][] = [];
  for (const [name, a] of small.steps) {
    const b = large.steps.get(name)!;
    rows.push([name, a.ms.toFixed(1), int(a.bytes), b.ms.toFixed(1), int(b.bytes), ratio(a.ms, b.ms), ratio(a.bytes, b.bytes)]);
  }
  rows.push(['heap used after (MB)', small.heapAfterMb.toFixed(1), '', large.heapAfterMb.toFixed(1), '', ratio(small.heapAfterMb, large.heapAfterMb), '']);
  rows.push(['heap growth (MB)', (small.heapAfterMb - small.heapBeforeMb).toFixed(1), '', (large.heapAfterMb - large.heapBeforeMb).toFixed(1), '', '', '']);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  // MIME parsing (no server): time and longest event-loop stall for a 10,000-part and a 5,000-deep message.
  // `node out/test/bench/bench.js --mime` runs this section alone.
  const skipOthers = process.argv.includes('--reference') || ONLY === 'reference' || ONLY === 'search';
  if (!process.argv.includes('--live') && !skipOthers) console.log(`${stallTable(await mimeParsingBench())}\n(target: no stall over 50 ms; figures on a loaded machine run high)\n`);
  if (process.argv.includes('--mime')) return;
  // Live session (its own Dovecot): delivery → event latency, connections held, heap after 500 pushes.
  // `node out/test/bench/bench.js --live` runs this section alone.
  if (!skipOthers) console.log(`${liveTable(await liveSessionBench())}\n`);
  if (process.argv.includes('--live')) return;
  // Traffic capture (its own Dovecot): listing 10,000 envelopes with the channel, a view and the record subscribed,
  // against a tap that only counts bytes. `node out/test/bench/bench.js --traffic` runs this section alone.
  if (!skipOthers) console.log(`${(await trafficBench()).join('\n')}\n`);
  if (process.argv.includes('--traffic')) return;
  const referenceOnly = process.argv.includes('--reference') || ONLY === 'reference';
  const users = SIZES.map((size) => ({ user: `bench${size}`, password: `bench-${size}-pw` }));
  const bulk = { user: 'bulk10000', password: 'bulk-10000-pw' };
  const big = { user: 'big25mb', password: 'big-25mb-pw' };
  const started = performance.now();
  const server = await startDovecot({ users: [...users, bulk, big] });
  const startMs = performance.now() - started;
  try {
    const seedMs = new Map<number, number>();
    for (const size of SIZES) seedMs.set(size, await seed(server, `bench${size}`, size));
    if (ONLY !== 'search') {
      // Issue 15's table: every task beside python3 in the same run.
      await seed(server, bulk.user, 10_000);
      await server.addMessages(big.user, 'INBOX', [{ raw: bigAttachmentMessage() }]);
      const activation = await activationBench();
      const rows = await referenceBench(server, { sized: SIZES.map((size) => ({ size, ...users.find((u) => u.user === `bench${size}`)! })), bulk, big }, activation);
      console.log(`\nMail Inspector vs python3 (imaplib, poplib), Dovecot on 127.0.0.1 over TLS, the same run, interleaved; medians; ratio = ours ÷ theirs`);
      console.log(referenceTable(rows));
      console.log('');
    }
    if (referenceOnly) return;
    if (ONLY !== 'search') await browsingBench(server, seedMs, startMs);
    // Search (searchBench.ts): the same seeded INBOXes, IMAP on the server vs POP3 on the client, with python3 beside.
    const search = await searchBench(server, SIZES.map((size) => ({ size, ...users.find((u) => u.user === `bench${size}`)! })));
    console.log(`\nSearch: INBOX of each size, Dovecot on 127.0.0.1 over TLS; bytes received are protocol bytes (before TLS)`);
    console.log(searchTable(search));
    if (search.mismatches.length > 0) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

async function browsingBench(server: DovecotServer, seedMs: Map<number, number>, startMs: number): Promise<void> {
  // The browsing tables compare two sizes (small and large).
  if (SIZES.length < 2) return;
  // One discarded round first: otherwise the first size measured also pays for V8 compiling imapflow's parser.
  await run(server, SIZES[0], 0, 'imap');
  await run(server, SIZES[0], 0, 'pop3');
  const imap: Result[] = [];
  for (const size of SIZES) imap.push(await run(server, size, seedMs.get(size)!, 'imap'));
  const pop3: Result[] = [];
  for (const size of SIZES) pop3.push(await run(server, size, seedMs.get(size)!, 'pop3'));
  console.log(`Mail Inspector benchmark: Dovecot on 127.0.0.1 over TLS, INBOX of each size, page of ${PAGE}`);
  console.log(`Dovecot started in ${int(startMs)} ms; seeding (write Maildir, force-resync, index): ` +
    imap.map((r) => `${int(r.size)} messages in ${(r.seedMs / 1000).toFixed(1)} s`).join(', '));
  console.log('Bytes are protocol bytes both ways as the TrafficTap counts them (before TLS); ratios are large ÷ small.\n');
  console.log('IMAP (ImapStore: one connection, reused)');
  console.log(table(imap));
  console.log('\nPOP3 (Pop3Store: one short session per operation)');
  console.log(table(pop3));
  if (!gc) console.log('\n(heap figures include garbage: run with --expose-gc)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
