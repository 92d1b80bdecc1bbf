import { execFile } from 'node:child_process';

// The Python side of the reference benchmark (referenceBench.ts): one script of Python's standard clients
// (imaplib, poplib, email), run in a fresh process per measurement. It times itself with time.perf_counter
// and counts protocol bytes both ways (before TLS), as the TrafficTap does on our side, and prints JSON.
// Each mode does what a plain script does for the same task, in the fewest commands the library offers. The
// "connected" modes run the step once untimed first, since our side is measured on a connection that did too.

const SCRIPT = String.raw`
import email, imaplib, json, poplib, ssl, sys, time
from email import policy

a = json.loads(sys.argv[1])
ctx = ssl.create_default_context(cafile=a['cafile'])
REPEAT = a.get('repeat', 1)

class Imap(imaplib.IMAP4_SSL):
    moved = 0
    def read(self, size):
        data = super().read(size); self.moved += len(data); return data
    def readline(self):
        line = super().readline(); self.moved += len(line); return line
    def send(self, data):
        self.moved += len(data); return super().send(data)

class Pop(poplib.POP3_SSL):
    moved = 0
    def _getline(self):
        line, octets = super()._getline(); self.moved += octets; return line, octets
    def _putline(self, line):
        self.moved += len(line) + 2; return super()._putline(line)

def ok(typ, data, what):
    if typ != 'OK': sys.exit('%s failed: %r' % (what, data))
    return data

def imap_login():
    m = Imap(a['host'], a['port'], ssl_context=ctx)
    m.login(a['user'], a['password'])
    return m

def examine(m, folder='INBOX'):
    return int(ok(*m.select(folder, readonly=True), 'EXAMINE')[0])

PAGE_ITEMS = '(UID FLAGS ENVELOPE RFC822.SIZE)'

def page(m, exists):
    first = max(1, exists - a['page'] + 1)
    data = ok(*m.fetch('%d:%d' % (first, exists), PAGE_ITEMS), 'FETCH')
    return len(data)

runs = []
mode = a['mode']
if mode == 'imap_cold_page':
    # connect, log in, the folders with their counts (LIST, then STATUS of each), EXAMINE INBOX, the newest page
    start = time.perf_counter()
    m = imap_login()
    folders = ok(*m.list(), 'LIST')
    for line in folders:
        name = line.decode().rsplit(' ', 1)[-1]
        ok(*m.status(name, '(MESSAGES UNSEEN)'), 'STATUS')
    n = page(m, examine(m))
    runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': m.moved, 'items': n})
    m.logout()
elif mode == 'imap_warm_page':
    m = imap_login(); exists = examine(m)
    m.noop(); page(m, exists)  # untimed: the folder is warm, as ours is
    for _ in range(REPEAT):
        before, start = m.moved, time.perf_counter()
        m.noop(); n = page(m, exists)
        runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': m.moved - before, 'items': n})
    m.logout()
elif mode == 'imap_bulk':
    m = imap_login(); exists = examine(m)
    for _ in range(REPEAT):
        before, start = m.moved, time.perf_counter()
        data = ok(*m.fetch('1:*', PAGE_ITEMS), 'FETCH')
        runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': m.moved - before, 'items': len(data)})
    m.logout()
elif mode == 'imap_part':
    m = imap_login(); examine(m)
    ok(*m.uid('FETCH', str(a['uid']), '(BODYSTRUCTURE RFC822.SIZE)'), 'FETCH BODYSTRUCTURE')  # untimed warm-up
    for _ in range(REPEAT):
        before, start = m.moved, time.perf_counter()
        ok(*m.uid('FETCH', str(a['uid']), '(BODYSTRUCTURE RFC822.SIZE)'), 'FETCH BODYSTRUCTURE')
        data = ok(*m.uid('FETCH', str(a['uid']), '(BODY.PEEK[1])'), 'FETCH BODY[1]')
        runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': m.moved - before, 'items': len(data[0][1])})
    m.logout()
elif mode == 'imap_raw':
    m = imap_login(); exists = examine(m)
    page(m, exists)  # untimed: ours has listed the page before opening the message
    ok(*m.uid('FETCH', str(a['uid']), '(UID)'), 'UID FETCH')  # untimed: a session's first UID command makes Dovecot map UIDs
    for _ in range(REPEAT):
        before, start = m.moved, time.perf_counter()
        data = ok(*m.uid('FETCH', str(a['uid']), '(BODY.PEEK[])'), 'FETCH BODY[]')
        runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': m.moved - before, 'items': len(data[0][1])})
    m.logout()
elif mode == 'pop3_page':
    # a session for the page: log in, STAT, UIDL and LIST (whole lists for a small maildrop, else per message), TOP n 0 for each
    start = time.perf_counter()
    p = Pop(a['host'], a['port'], context=ctx)
    p.user(a['user']); p.pass_(a['password'])
    count = p.stat()[0]
    numbers = list(range(count, max(0, count - a['page']), -1))
    if a['whole']:
        p.uidl(); p.list()
    else:
        for n in numbers: p.uidl(n); p.list(n)
    for n in numbers:
        email.message_from_bytes(b'\r\n'.join(p.top(n, 0)[1]), policy=policy.default)['subject']
    p.quit()
    runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': p.moved, 'items': len(numbers)})
elif mode == 'pop3_part':
    # a session: log in, RETR the message, RSET, QUIT; then its first text part, decoded
    start = time.perf_counter()
    p = Pop(a['host'], a['port'], context=ctx)
    p.user(a['user']); p.pass_(a['password'])
    raw = b'\r\n'.join(p.retr(a['number'])[1]) + b'\r\n'
    p.rset(); p.quit()
    msg = email.message_from_bytes(raw, policy=policy.default)
    text = next(part for part in msg.walk() if part.get_content_type() == 'text/plain').get_content()
    runs.append({'ms': (time.perf_counter() - start) * 1000, 'bytes': p.moved, 'items': len(text)})
else:
    sys.exit('unknown mode ' + mode)
print(json.dumps({'runs': runs}))
`;

export interface PythonRun {
  readonly ms: number;
  readonly bytes: number;
  readonly items: number;
}

/** Runs one mode of the script; resolves with its runs (one, or `repeat` for the warm modes). */
export function pythonReference(args: Record<string, unknown>): Promise<PythonRun[]> {
  return new Promise((resolve, reject) => {
    execFile('python3', ['-c', SCRIPT, JSON.stringify(args)], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 (${String(args.mode)}) failed: ${stderr || error.message}`));
      else resolve((JSON.parse(stdout) as { runs: PythonRun[] }).runs);
    });
  });
}
