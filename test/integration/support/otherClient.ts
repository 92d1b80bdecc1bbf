import { execFile } from 'node:child_process';
import { DovecotServer } from '../../servers/dovecot';

/**
 * "Another client": python3's imaplib, an IMAP implementation independent of imapflow and of this project, checks
 * what a write did (issue 10's tests). Each call is one short imaplib session (LOGIN over plain IMAP on the test
 * server's `imap` port, or another port given to the constructor); folder names are given decoded (Unicode) and
 * encoded to modified UTF-7 here, in Python, so nothing of ours takes part in the check.
 *
 * Functions (all async):
 * - `snapshot(folder)`    EXAMINE + UID FETCH 1:* (FLAGS MODSEQ): every message's UID, FLAGS (no \Recent) and MODSEQ.
 * - `list(pattern?)`      LIST "" pattern (default "*"): flags, delimiter, raw (wire, modified UTF-7) and decoded name.
 * - `lsub(pattern?)`      LSUB "" pattern: the same shape, subscribed folders only.
 * - `status(folder)`      STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ).
 * - `store(folder, uid, operation, flags)`  SELECT + UID STORE <uid> +FLAGS/-FLAGS/FLAGS (…): the message's FLAGS and MODSEQ afterwards.
 * - `append(folder, bytes, { flags, internalDate })`  APPEND of the bytes exactly as given (no CRLF rewriting): the APPENDUID (uidValidity, uid) when the server gives it.
 * - `fetchMessage(folder, uid)`  EXAMINE + UID FETCH (BODY.PEEK[] INTERNALDATE FLAGS): the exact bytes, INTERNALDATE (as sent and as a Date), flags.
 * - `create(folder)` / `remove(folder)`  CREATE / DELETE (to set up or change the hierarchy behind a session's back).
 * - `run(op, args)`       any of the above by name (for a helper of your own, see SCRIPT's `ops`).
 */

export interface MessageState {
  readonly uid: number;
  /** FLAGS as the server reports them, without \Recent (it is per session), sorted. */
  readonly flags: string[];
  /** MODSEQ as a decimal string (CONDSTORE), or undefined when the server has none. */
  readonly modseq: string | undefined;
}

export interface ListEntry {
  readonly flags: string[];
  readonly delimiter: string | undefined;
  /** The name as sent on the wire (modified UTF-7 unless the server talks UTF-8). */
  readonly raw: string;
  /** The name decoded from modified UTF-7. */
  readonly name: string;
}

export interface FolderStatus {
  readonly messages: number;
  readonly uidNext: number;
  readonly uidValidity: number;
  readonly highestModseq: string | undefined;
}

export interface FetchedMessage {
  readonly bytes: Buffer;
  /** INTERNALDATE exactly as the server sent it, e.g. `01-Dec-2026 10:00:00 +0000`. */
  readonly internalDateText: string;
  readonly internalDate: Date;
  readonly flags: string[];
}

const SCRIPT = String.raw`
import base64, imaplib, json, re, sys

def mutf7_encode(s):
    out, run = [], []
    def flush():
        if run:
            b = base64.b64encode(''.join(run).encode('utf-16-be')).decode('ascii').rstrip('=').replace('/', ',')
            out.append('&' + b + '-')
            run.clear()
    for ch in s:
        if 0x20 <= ord(ch) <= 0x7e:
            flush()
            out.append('&-' if ch == '&' else ch)
        else:
            run.append(ch)
    flush()
    return ''.join(out)

def mutf7_decode(s):
    def repl(m):
        body = m.group(1)
        if body == '':
            return '&'
        b = body.replace(',', '/')
        b += '=' * (-len(b) % 4)
        return base64.b64decode(b).decode('utf-16-be')
    return re.sub(r'&([^-]*)-', repl, s)

def quote(name):
    return '"' + mutf7_encode(name).replace('\\', '\\\\').replace('"', '\\"') + '"'

def check(typ, data, what):
    if typ != 'OK':
        raise SystemExit(what + ' failed: ' + typ + ' ' + repr(data))
    return data

def unquote(token):
    if token.startswith('"'):
        return re.sub(r'\\(.)', r'\1', token[1:-1])
    return token

def parse_list(data):
    entries = []
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            head, name = item[0].decode('utf-8', 'replace'), item[1].decode('utf-8', 'replace')
            m = re.match(r'^\((.*?)\) (NIL|"(?:[^"\\]|\\.)*")', head)
        else:
            line = item.decode('utf-8', 'replace')
            m = re.match(r'^\((.*?)\) (NIL|"(?:[^"\\]|\\.)*") (.*)$', line)
            name = unquote(m.group(3))
        delim = None if m.group(2) == 'NIL' else unquote(m.group(2))
        entries.append({'flags': m.group(1).split() if m.group(1) else [], 'delimiter': delim, 'raw': name, 'name': mutf7_decode(name)})
    return entries

def parse_fetch(data):
    rows, i = [], 0
    for item in data:
        if item is None:
            continue
        text = item[0] if isinstance(item, tuple) else item
        text = text.decode('utf-8', 'replace')
        uid = re.search(r'UID (\d+)', text)
        flags = re.search(r'FLAGS \(([^)]*)\)', text)
        modseq = re.search(r'MODSEQ \((\d+)\)', text)
        date = re.search(r'INTERNALDATE "([^"]*)"', text)
        if not uid:
            continue
        row = {'uid': int(uid.group(1)),
               'flags': sorted(f for f in (flags.group(1).split() if flags else []) if f != '\\Recent'),
               'modseq': modseq.group(1) if modseq else None}
        if date:
            row['internalDate'] = date.group(1)
        if isinstance(item, tuple):
            row['bytes'] = base64.b64encode(item[1]).decode('ascii')
        rows.append(row)
    return rows

def op_snapshot(c, a):
    check(*c.select(quote(a['folder']), readonly=True), 'EXAMINE')
    typ, data = c.uid('FETCH', '1:*', '(UID FLAGS MODSEQ)')
    check(typ, data, 'UID FETCH')
    return sorted(parse_fetch(data), key=lambda r: r['uid'])

def op_list(c, a):
    return parse_list(check(*c.list('""', quote(a.get('pattern', '*'))), 'LIST'))

def op_lsub(c, a):
    return parse_list(check(*c.lsub('""', quote(a.get('pattern', '*'))), 'LSUB'))

def op_status(c, a):
    data = check(*c.status(quote(a['folder']), '(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)'), 'STATUS')
    text = b' '.join(d for d in data if isinstance(d, bytes)).decode('utf-8', 'replace')
    def num(k):
        m = re.search(k + r' (\d+)', text)
        return m.group(1) if m else None
    return {'messages': int(num('MESSAGES')), 'uidNext': int(num('UIDNEXT')), 'uidValidity': int(num('UIDVALIDITY')), 'highestModseq': num('HIGHESTMODSEQ')}

def op_store(c, a):
    check(*c.select(quote(a['folder'])), 'SELECT')
    check(*c.uid('STORE', str(a['uid']), a['operation'], '(' + ' '.join(a['flags']) + ')'), 'UID STORE')
    typ, data = c.uid('FETCH', str(a['uid']), '(UID FLAGS MODSEQ)')
    rows = parse_fetch(check(typ, data, 'UID FETCH'))
    return rows[0]

def op_append(c, a):
    flags = '(' + ' '.join(a.get('flags', [])) + ')'
    date = imaplib.Time2Internaldate(a['internalDate']) if a.get('internalDate') is not None else None
    # Not c.append(): it rewrites bare CR or LF to CRLF, and the bytes must arrive exactly as given.
    c.literal = base64.b64decode(a['bytes'])
    data = check(*c._simple_command('APPEND', quote(a['folder']), flags, date), 'APPEND')
    m = re.search(r'APPENDUID (\d+) (\d+)', b' '.join(d for d in data if isinstance(d, bytes)).decode('ascii', 'replace'))
    return {'uidValidity': int(m.group(1)), 'uid': int(m.group(2))} if m else {}

def op_fetch_message(c, a):
    check(*c.select(quote(a['folder']), readonly=True), 'EXAMINE')
    typ, data = c.uid('FETCH', str(a['uid']), '(UID FLAGS INTERNALDATE BODY.PEEK[])')
    rows = [r for r in parse_fetch(check(typ, data, 'UID FETCH')) if 'bytes' in r]
    if not rows:
        raise SystemExit('no message with UID ' + str(a['uid']))
    return rows[0]

def op_create(c, a):
    check(*c.create(quote(a['folder'])), 'CREATE')
    return True

def op_remove(c, a):
    check(*c.delete(quote(a['folder'])), 'DELETE')
    return True

ops = {'snapshot': op_snapshot, 'list': op_list, 'lsub': op_lsub, 'status': op_status, 'store': op_store,
       'append': op_append, 'fetchMessage': op_fetch_message, 'create': op_create, 'remove': op_remove}

req = json.loads(sys.stdin.read())
c = imaplib.IMAP4(req['host'], req['port'])
c.login(req['user'], req['password'])
try:
    result = ops[req['op']](c, req['args'])
finally:
    try:
        c.logout()
    except Exception:
        pass
sys.stdout.write(json.dumps(result))
`;

/** python3 imaplib as an independent IMAP client of the test server's first user (see the list of functions above). */
export class OtherClient {
  constructor(
    private readonly server: DovecotServer,
    private readonly port: number = server.ports.imap,
    /** Whose mailbox (H2, cross-account tests: the second user); default the server's first user. */
    private readonly user: { readonly user: string; readonly password: string } = server.users[0]!,
  ) {}

  snapshot(folder: string): Promise<MessageState[]> {
    return this.run<{ uid: number; flags: string[]; modseq: string | null }[]>('snapshot', { folder }).then((rows) => rows.map((r) => ({ uid: r.uid, flags: r.flags, modseq: r.modseq ?? undefined })));
  }

  list(pattern = '*'): Promise<ListEntry[]> {
    return this.run<RawListEntry[]>('list', { pattern }).then(toListEntries);
  }

  lsub(pattern = '*'): Promise<ListEntry[]> {
    return this.run<RawListEntry[]>('lsub', { pattern }).then(toListEntries);
  }

  status(folder: string): Promise<FolderStatus> {
    return this.run<{ messages: number; uidNext: number; uidValidity: number; highestModseq: string | null }>('status', { folder }).then((s) => ({ ...s, highestModseq: s.highestModseq ?? undefined }));
  }

  /** `operation` is the STORE data item: '+FLAGS', '-FLAGS' or 'FLAGS' (also with .SILENT). */
  store(folder: string, uid: number, operation: string, flags: readonly string[]): Promise<MessageState> {
    return this.run<{ uid: number; flags: string[]; modseq: string | null }>('store', { folder, uid, operation, flags }).then((r) => ({ uid: r.uid, flags: r.flags, modseq: r.modseq ?? undefined }));
  }

  append(folder: string, bytes: Buffer, options: { flags?: readonly string[]; internalDate?: Date } = {}): Promise<{ uidValidity?: number; uid?: number }> {
    return this.run('append', { folder, bytes: bytes.toString('base64'), flags: options.flags ?? [], internalDate: options.internalDate ? Math.floor(options.internalDate.getTime() / 1000) : null });
  }

  async fetchMessage(folder: string, uid: number): Promise<FetchedMessage> {
    const row = await this.run<{ bytes: string; internalDate: string; flags: string[] }>('fetchMessage', { folder, uid });
    return { bytes: Buffer.from(row.bytes, 'base64'), internalDateText: row.internalDate, internalDate: parseInternalDate(row.internalDate), flags: row.flags };
  }

  async create(folder: string): Promise<void> {
    await this.run('create', { folder });
  }

  async remove(folder: string): Promise<void> {
    await this.run('remove', { folder });
  }

  /** Runs one of the script's operations by name with JSON arguments; resolves with its JSON result. */
  run<T>(op: string, args: Record<string, unknown>): Promise<T> {
    const user = this.user;
    const request = JSON.stringify({ host: this.server.host, port: this.port, user: user.user, password: user.password, op, args });
    return new Promise((resolve, reject) => {
      const child = execFile('python3', ['-c', SCRIPT], { maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`imaplib ${op} failed: ${stderr.trim() || error.message}`));
        else resolve(JSON.parse(stdout) as T);
      });
      child.stdin?.end(request);
    });
  }
}

interface RawListEntry {
  flags: string[];
  delimiter: string | null;
  raw: string;
  name: string;
}

function toListEntries(rows: RawListEntry[]): ListEntry[] {
  return rows.map((r) => ({ flags: r.flags, delimiter: r.delimiter ?? undefined, raw: r.raw, name: r.name }));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `01-Dec-2026 10:00:00 +0100` (IMAP date-time) as a Date. */
export function parseInternalDate(text: string): Date {
  const m = /^\s*(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new Error(`not an IMAP date-time: ${text}`);
  const month = MONTHS.indexOf(m[2]!);
  const offset = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
  return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000);
}

/** The whole folder's state keyed by UID, for "only these messages changed, only in that flag" comparisons. */
export function byUid(states: readonly MessageState[]): Map<number, MessageState> {
  return new Map(states.map((s) => [s.uid, s]));
}
