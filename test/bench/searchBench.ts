import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { AccountDefinition } from '../../src/core/accounts/account';
import { ImapStore } from '../../src/core/imap/imapStore';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { Pop3Store } from '../../src/core/pop3/pop3Store';
import { searchFolder } from '../../src/core/search/imapSearch';
import { costText, Pop3LocalSearch } from '../../src/core/search/pop3LocalSearch';
import { criteria as c, criteriaQuery, imapDate, SearchCriterion } from '../../src/core/search/searchCriteria';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import type { DovecotServer } from '../servers/dovecot';

// The search section of the benchmark: on the INBOX of each size (seeded by bench.ts), a header term (SUBJECT
// "invoice") and a body term (BODY "rounding"), searched on the server over IMAP (searchFolder: UID SEARCH RETURN
// (COUNT MIN MAX ALL)) and on the client over POP3 (Pop3LocalSearch: TOP n 0 for every message, RETR for body
// terms), each beside python3's imaplib (UID SEARCH, same criteria) and poplib (TOP/RETR and filter) in the same run.
// Time is wall-clock (performance.now here, time.perf_counter inside Python); bytes are protocol bytes received
// (TrafficTap here, a counting readline inside Python: both before TLS). Every row of a criterion must find the
// same messages: ours and Python's the same UIDs (IMAP) and UIDLs (POP3), IMAP and POP3 the same count; a
// disagreement is printed as MISMATCH and fails the run (exit code 1). No figure is asserted.
//
// A POP3 body search downloads every message. When the 1,000-message run says the largest size would take over
// POP3_BUDGET_MS, the POP3 body search of that size runs on a bounded sample instead, the mail sent since a day
// (SENTSINCE, decided from the Date headers: every header is still downloaded), and the table says so; IMAP runs
// the same sample criteria beside it. MAIL_INSPECTOR_BENCH_POP3_BODY=full forces the whole maildrop, =sample the sample.

const REPEAT = 3;
const POP3_BUDGET_MS = 180_000;
/** The bounded sample's first day: bench.ts's messages are sent one a minute from 2026-01-01, so ~10,700 of 100,000. */
const SAMPLE_SINCE = '2026-03-04';
const HEADER_TERM = 'invoice';
const BODY_TERM = 'rounding';

export interface SearchBenchTarget {
  readonly size: number;
  readonly user: string;
  readonly password: string;
}

export interface SearchRow {
  readonly size: number;
  /** The criterion group the row belongs to (rows of one group must agree). */
  readonly criterion: string;
  readonly client: string;
  readonly ms: number | undefined;
  readonly received: number | undefined;
  readonly count: number | undefined;
  readonly note: string;
  /** The row time and bytes are compared with (ours, IMAP, warm median). */
  readonly reference?: boolean;
}

export interface SearchBenchResult {
  readonly rows: SearchRow[];
  readonly mismatches: string[];
}

/** What Python is asked to search: IMAP criteria atoms, and the same as a local filter for poplib. */
interface Spec {
  readonly label: string;
  readonly criterion: SearchCriterion;
  readonly imap: string[];
  readonly local: { readonly subject?: string; readonly body?: string; readonly sentSince?: string };
}

const HEADER: Spec = { label: `SUBJECT "${HEADER_TERM}"`, criterion: c.text('subject', HEADER_TERM), imap: ['SUBJECT', HEADER_TERM], local: { subject: HEADER_TERM } };
const BODY: Spec = { label: `BODY "${BODY_TERM}"`, criterion: c.text('body', BODY_TERM), imap: ['BODY', BODY_TERM], local: { body: BODY_TERM } };
const SAMPLE: Spec = {
  label: `SENTSINCE ${imapDate(SAMPLE_SINCE)} BODY "${BODY_TERM}"`,
  criterion: c.and(c.date('sentSince', SAMPLE_SINCE), c.text('body', BODY_TERM)),
  imap: ['SENTSINCE', imapDate(SAMPLE_SINCE), 'BODY', BODY_TERM],
  local: { body: BODY_TERM, sentSince: SAMPLE_SINCE },
};

interface Timed<T> {
  readonly ms: number;
  readonly received: number;
  readonly value: T;
}

async function timed<T>(tap: TrafficTap, work: () => Promise<T>): Promise<Timed<T>> {
  const before = tap.totals.received;
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, received: tap.totals.received - before, value };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

function account(server: DovecotServer, target: SearchBenchTarget, protocol: 'imap' | 'pop3'): AccountDefinition {
  return {
    id: `search-${target.size}-${protocol}`,
    label: `search ${target.size}`,
    protocol,
    host: server.host,
    port: protocol === 'imap' ? server.ports.imaps : server.ports.pop3s,
    security: 'tls',
    user: target.user,
    allowInvalidCertificate: false,
    useApop: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Python references: one script, run with execFile; it times itself and prints JSON.

const PYTHON = String.raw`
import email, imaplib, json, poplib, re, ssl, sys, time
from email import policy
from email.parser import BytesHeaderParser, BytesParser

a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a['cafile'])

if a['mode'] == 'imap':
    class Counting(imaplib.IMAP4_SSL):
        received = 0
        def read(self, size):
            data = super().read(size)
            self.received += len(data)
            return data
        def readline(self):
            line = super().readline()
            self.received += len(line)
            return line
    m = Counting(a['host'], a['port'], ssl_context=ctx)
    m.login(a['user'], a['password'])
    typ, data = m.select(a['folder'], readonly=True)
    if typ != 'OK': sys.exit('EXAMINE failed: %r' % data)
    runs, ids = [], []
    for _ in range(a['repeat']):
        before, start = m.received, time.perf_counter()
        typ, data = m.uid('SEARCH', *a['criteria'])
        ms = (time.perf_counter() - start) * 1000
        if typ != 'OK': sys.exit('UID SEARCH failed: %r' % data)
        runs.append({'ms': ms, 'received': m.received - before})
        ids = [int(x) for x in b' '.join(d for d in data if d).split()]
    m.logout()
    print(json.dumps({'runs': runs, 'ids': ids}))
    sys.exit(0)

class Counting(poplib.POP3_SSL):
    received = 0
    def _getline(self):
        line, octets = super()._getline()
        self.received += octets
        return line, octets

MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
def sent_day(header):
    m = re.search(r'(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})', str(header.get('date', '')))
    if not m or m.group(2).lower() not in MONTHS: return None
    return '%04d-%02d-%02d' % (int(m.group(3)), MONTHS.index(m.group(2).lower()) + 1, int(m.group(1)))

def body_text(raw):
    texts = []
    for part in BytesParser(policy=policy.default).parsebytes(raw).walk():
        if part.is_multipart() or part.get_content_maintype() != 'text': continue
        try: texts.append(part.get_content())
        except Exception: texts.append((part.get_payload(decode=True) or b'').decode('latin-1'))
    return '\n'.join(texts)

f = a['filter']
start = time.perf_counter()
p = Counting(a['host'], a['port'], context=ctx)
p.user(a['user'])
p.pass_(a['password'])
uidl = {}
for line in p.uidl()[1]:
    n, uid = line.decode().split(' ', 1)
    uidl[int(n)] = uid
tops = retrs = 0
ids = []
for n in sorted(uidl, reverse=True):
    header = None
    if 'subject' in f or 'sentSince' in f:
        header = BytesHeaderParser(policy=policy.default).parsebytes(b'\r\n'.join(p.top(n, 0)[1]) + b'\r\n')
        tops += 1
        if 'subject' in f and not any(f['subject'].lower() in str(s).lower() for s in header.get_all('subject', [])): continue
        if 'sentSince' in f and (sent_day(header) or '') < f['sentSince']: continue
    if 'body' in f:
        raw = b'\r\n'.join(p.retr(n)[1]) + b'\r\n'
        retrs += 1
        if f['body'].lower() not in body_text(raw).lower(): continue
    ids.append(uidl[n])
p.rset()  # RETR marks messages read when the session ends with QUIT: RSET undoes it, as the product does
p.quit()
ms = (time.perf_counter() - start) * 1000
print(json.dumps({'runs': [{'ms': ms, 'received': p.received}], 'ids': ids, 'tops': tops, 'retrs': retrs}))
`;

interface PythonAnswer {
  readonly runs: { readonly ms: number; readonly received: number }[];
  readonly ids: (number | string)[];
  readonly tops?: number;
  readonly retrs?: number;
}

function python(args: Record<string, unknown>): Promise<PythonAnswer> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', PYTHON, JSON.stringify(args)], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 (${String(args.mode)}) failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as PythonAnswer);
    });
  });
}

// ---------------------------------------------------------------------------------------------

function uidsOf(ranges: readonly (readonly [number, number])[]): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let n = a; n <= b; n++) out.push(n);
  return out;
}

function sameIds(a: readonly (number | string)[], b: readonly (number | string)[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a.map(String));
  return b.every((id) => set.has(String(id)));
}

class Bench {
  readonly rows: SearchRow[] = [];
  readonly mismatches: string[] = [];

  constructor(private readonly server: DovecotServer) {}

  private compare(what: string, ours: readonly (number | string)[], theirs: readonly (number | string)[]): void {
    if (!sameIds(ours, theirs)) this.mismatches.push(`${what}: ours found ${ours.length}, Python ${theirs.length} (different messages)`);
  }

  async imap(target: SearchBenchTarget, spec: Spec, group = spec.label): Promise<number> {
    const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 4096 });
    const store = new ImapStore(account(this.server, target, 'imap'), target.password, tap, { limits: DEFAULT_LIMITS, ca: this.server.ca });
    const query = criteriaQuery(spec.criterion);
    const pyArgs = { mode: 'imap', host: this.server.host, port: this.server.ports.imaps, cafile: this.server.caFile, user: target.user, password: target.password, folder: 'INBOX', criteria: spec.imap, repeat: 1 };
    const pyRuns: PythonAnswer[] = [];
    let ours: number[];
    try {
      await store.listFolders();
      // The first search also opens the folder and, in Dovecot, fills its cache for the field: shown, not compared.
      const first = await timed(tap, () => searchFolder(store, 'INBOX', query));
      this.rows.push({ size: target.size, criterion: group, client: 'IMAP · Mail Inspector, first search', ms: first.ms, received: first.received, count: first.value.count, note: `EXAMINE + ${first.value.esearch ? 'ESEARCH' : 'SEARCH'}, server ${first.value.serverMs} ms` });
      const warm: Timed<Awaited<ReturnType<typeof searchFolder>>>[] = [];
      // Ours and imaplib in turn (imaplib in a fresh process each time, timing only its UID SEARCH), so that load
      // from elsewhere on the machine falls on both alike.
      for (let i = 0; i < REPEAT; i++) {
        warm.push(await timed(tap, () => searchFolder(store, 'INBOX', query)));
        pyRuns.push(await python(pyArgs));
      }
      const last = warm[warm.length - 1]!.value;
      ours = uidsOf(last.uids);
      this.rows.push({ size: target.size, criterion: group, client: `IMAP · Mail Inspector (median of ${REPEAT})`, ms: median(warm.map((w) => w.ms)), received: median(warm.map((w) => w.received)), count: last.count, note: last.command, reference: true });
      if (first.value.count !== last.count) this.mismatches.push(`${target.size} ${group}: first IMAP search found ${first.value.count}, later ones ${last.count}`);
    } finally {
      await store.close();
    }
    const runs = pyRuns.map((p) => p.runs[0]!);
    const py = pyRuns[pyRuns.length - 1]!;
    this.rows.push({ size: target.size, criterion: group, client: `IMAP · python3 imaplib (median of ${REPEAT})`, ms: median(runs.map((r) => r.ms)), received: median(runs.map((r) => r.received)), count: py.ids.length, note: `UID SEARCH ${spec.imap.join(' ')} (plain SEARCH: every UID listed)` });
    for (const p of pyRuns) this.compare(`${target.size} messages, ${group}, IMAP`, ours, p.ids);
    return ours.length;
  }

  /** POP3: ours cold (a new Pop3LocalSearch), for header terms once more with the headers kept; then poplib. */
  async pop3(target: SearchBenchTarget, spec: Spec, group = spec.label): Promise<{ ms: number; count: number }> {
    const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 4096 });
    const store = new Pop3Store(account(this.server, target, 'pop3'), target.password, tap, { limits: DEFAULT_LIMITS, ca: this.server.ca });
    const search = new Pop3LocalSearch(store);
    const options = { confirm: () => true, traffic: tap.totals };
    let ours: readonly string[];
    let ms: number;
    try {
      const cold = await timed(tap, () => search.search(spec.criterion, options));
      ours = cold.value.ids;
      ms = cold.ms;
      this.rows.push({ size: target.size, criterion: group, client: 'POP3 · Mail Inspector local search', ms: cold.ms, received: cold.received, count: cold.value.count, note: costText(cold.value.cost) });
      if (spec.local.body === undefined) {
        const again = await timed(tap, () => search.search(spec.criterion, options));
        this.rows.push({ size: target.size, criterion: group, client: 'POP3 · Mail Inspector, again (headers kept)', ms: again.ms, received: again.received, count: again.value.count, note: costText(again.value.cost) });
        if (!sameIds(ours, again.value.ids)) this.mismatches.push(`${target.size} ${group}: POP3 search with kept headers found ${again.value.count}, the first ${ours.length}`);
      }
    } finally {
      await store.close();
    }
    const py = await python({ mode: 'pop3', host: this.server.host, port: this.server.ports.pop3s, cafile: this.server.caFile, user: target.user, password: target.password, filter: spec.local });
    const run = py.runs[0]!;
    this.rows.push({ size: target.size, criterion: group, client: 'POP3 · python3 poplib, filter locally', ms: run.ms, received: run.received, count: py.ids.length, note: `${py.tops ?? 0} TOP, ${py.retrs ?? 0} RETR in 1 session` });
    this.compare(`${target.size} messages, ${group}, POP3`, ours, py.ids);
    return { ms, count: ours.length };
  }

  agree(size: number, group: string, counts: readonly number[]): void {
    if (new Set(counts).size > 1) this.mismatches.push(`${size} messages, ${group}: IMAP and POP3 found different counts (${counts.join(' vs ')})`);
  }
}

/** Runs the search benchmark on the INBOX of each target (smallest first: its POP3 body time decides the sample). */
export async function searchBench(server: DovecotServer, targets: readonly SearchBenchTarget[]): Promise<SearchBenchResult> {
  const bench = new Bench(server);
  const sorted = [...targets].sort((a, b) => a.size - b.size);
  const forced = process.env.MAIL_INSPECTOR_BENCH_POP3_BODY;
  let perMessageMs: number | undefined;
  for (const target of sorted) {
    const headerImap = await bench.imap(target, HEADER);
    bench.agree(target.size, HEADER.label, [headerImap, (await bench.pop3(target, HEADER)).count]);
    const bodyImap = await bench.imap(target, BODY);
    const estimate = perMessageMs === undefined ? 0 : perMessageMs * target.size;
    const sample = forced === 'sample' || (forced !== 'full' && estimate > POP3_BUDGET_MS);
    if (!sample) {
      const pop = await bench.pop3(target, BODY);
      perMessageMs ??= pop.ms / target.size;
      bench.agree(target.size, BODY.label, [bodyImap, pop.count]);
    } else {
      const why = forced === 'sample' ? 'MAIL_INSPECTOR_BENCH_POP3_BODY=sample' : `estimated ${(estimate / 60_000).toFixed(1)} min from the ${sorted[0]!.size.toLocaleString('en-US')}-message run, over the ${POP3_BUDGET_MS / 60_000} min budget`;
      bench.rows.push({ size: target.size, criterion: BODY.label, client: 'POP3 (both clients): not run on all messages', ms: undefined, received: undefined, count: undefined, note: `${why}: see the sample below` });
      const group = `${SAMPLE.label} (bounded sample)`;
      const sampleImap = await bench.imap(target, SAMPLE, group);
      bench.agree(target.size, group, [sampleImap, (await bench.pop3(target, SAMPLE, group)).count]);
    }
  }
  return { rows: bench.rows, mismatches: bench.mismatches };
}

const int = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The rows as a markdown table, grouped by size and criterion; times and bytes also as multiples of our IMAP search. */
export function searchTable(result: SearchBenchResult): string {
  const header = ['messages', 'criterion', 'client', 'ms', 'bytes received', '× IMAP ms', '× IMAP bytes', 'results', 'what was sent / downloaded'];
  const rows = result.rows.map((row) => {
    const ref = result.rows.find((r) => r.size === row.size && r.criterion === row.criterion && r.reference);
    const times = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined || b === 0 || row.reference ? '' : `${(a / b).toFixed(a / b < 10 ? 2 : 0)}×`);
    return [
      int(row.size),
      row.criterion,
      row.client,
      row.ms === undefined ? '—' : row.ms.toFixed(1),
      row.received === undefined ? '—' : int(row.received),
      times(row.ms, ref?.ms),
      times(row.received, ref?.received),
      row.count === undefined ? '—' : int(row.count),
      row.note.replace(/\|/g, '\\|'),
    ];
  });
  const right = new Set([0, 3, 4, 5, 6, 7]);
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, col) => (right.has(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, col) => (right.has(col) ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  const out = [line(header), rule, ...rows.map(line)];
  if (result.mismatches.length > 0) out.push('', '!!!!!!!! MISMATCH: the clients disagree !!!!!!!!', ...result.mismatches.map((m) => `!!! ${m}`));
  else out.push('', 'All clients agree: the same UIDs (IMAP, ours vs imaplib), the same UIDLs (POP3, ours vs poplib), the same count over IMAP and POP3.');
  return out.join('\n');
}
