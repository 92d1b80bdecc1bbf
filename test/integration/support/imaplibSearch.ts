import { execFile } from 'node:child_process';
import { DovecotServer } from '../../servers/dovecot';

// The independent client of the search tests: python3's imaplib, on its own connection, EXAMINE (read-only) and
// `UID SEARCH` with the criteria as IMAP text; non-ASCII terms as a literal behind CHARSET UTF-8 (imaplib appends
// its `literal` after the other arguments, so such a term is written last).

export interface OracleQuery {
  readonly folder: string;
  /** The criteria as IMAP text (ASCII). */
  readonly criteria: string;
  /** A non-ASCII term sent as a literal after `criteria`, with CHARSET UTF-8 in front. */
  readonly literal?: string;
}

const SCRIPT = String.raw`
import imaplib, json, sys
spec = json.load(sys.stdin)
m = imaplib.IMAP4('127.0.0.1', spec['port'])
m.login(spec['user'], spec['password'])
out = []
selected = None
for q in spec['queries']:
    if q['folder'] != selected:
        typ, _ = m.select('"' + q['folder'] + '"', readonly=True)
        if typ != 'OK': raise SystemExit('EXAMINE failed: ' + q['folder'])
        selected = q['folder']
    args = ['CHARSET', 'UTF-8', q['criteria']] if q.get('literal') else [q['criteria']]
    if q.get('literal'): m.literal = q['literal'].encode('utf-8')
    typ, data = m.uid('SEARCH', *args)
    if typ != 'OK': raise SystemExit('UID SEARCH failed: ' + repr(data))
    out.append(sorted(int(x) for x in b' '.join(d for d in data if d).split()))
m.logout()
json.dump(out, sys.stdout)
`;

/** The UIDs imaplib's `UID SEARCH` finds for each query, ascending; over the plain IMAP port (LOGIN in clear on loopback). */
export function imaplibSearch(server: DovecotServer, queries: readonly OracleQuery[], port = server.ports.imap): Promise<number[][]> {
  const user = server.users[0]!;
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', SCRIPT], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`imaplib failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as number[][]);
    });
    child.stdin?.end(JSON.stringify({ port, user: user.user, password: user.password, queries }));
  });
}

/**
 * `doveadm fetch 'uid flags modseq'` of a folder: one line per message, the witness that searching changed nothing.
 * \Recent is left out: it belongs to whichever session saw the message first (RFC 3501 §2.3.2), a POP3 one included.
 */
export async function flagsAndModseqs(server: DovecotServer, folder: string): Promise<string> {
  const out = await server.doveadm(['-f', 'tab', 'fetch', '-u', server.users[0]!.user, 'uid flags modseq', 'mailbox', folder, 'all']);
  return out
    .split('\n')
    .map((line) => line.split('\t').map((field, i) => (i === 1 ? field.split(' ').filter((f) => f !== '\\Recent').join(' ') : field)).join('\t'))
    .join('\n');
}
