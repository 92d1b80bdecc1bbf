import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { standardMailbox } from '../servers/sampleMail';
import { imapStore } from './support/imapFixture';
import { pop3Fixture } from './pop3Fixture';

// Pairing against a real Dovecot: the events of real sessions (TLS, STARTTLS, a watch-free browse) pair
// every command with its answer, and a command that fails carries the server's status, words and code.

let server: DovecotServer;
before(async () => {
  server = await startDovecot();
  await standardMailbox(server);
});
after(async () => server?.stop());

test('IMAP: every command of a browsing session is paired with its tagged answer, with latency and bytes', async () => {
  const h = imapStore(server, { security: 'starttls' });
  try {
    await h.store.listFolders();
    const page = await h.store.listMessages('INBOX', 0, 20);
    const first = page.messages[0]!;
    await h.store.fetchStructure('INBOX', first.id);
    await h.store.fetchRaw('INBOX', first.id);
  } finally {
    await h.store.close();
  }
  const ex = h.tap.record.exchanges();
  const commands = h.lines.filter((l) => l.direction === 'client' && l.kind === 'line' && /^\S+ [A-Z]/.test(l.text));
  assert.ok(commands.length >= 8, 'a real session');
  for (const line of commands) {
    const e = ex.find((x) => x.events[0] === line || x.events[0]?.seq === line.seq && x.connection === line.connection);
    assert.ok(e, `no exchange starts with ${line.text}`);
    assert.equal(e.status, 'ok', `${e.commandText} → ${e.responseText}`);
    assert.ok(e.responseText?.startsWith(`${e.tag} OK`), e.responseText);
    assert.ok(e.latencyMs !== undefined && e.latencyMs >= 0);
    assert.ok(e.bytesOut > 0 && e.bytesIn > 0);
  }
  assert.equal(ex[0]?.command, '(greeting)');
  assert.ok(ex.every((e) => e.status !== 'pending' && e.status !== 'lost'), ex.filter((e) => e.status === 'pending' || e.status === 'lost').map((e) => e.commandText).join(', '));
  // Every protocol event belongs to exactly one exchange; their bytes are the connection's.
  const attributed = ex.reduce((n, e) => n + e.events.length, 0);
  assert.equal(attributed, h.lines.filter((l) => l.kind !== 'note').length);
  const [conn] = h.tap.record.connections();
  assert.ok(conn);
  assert.equal(ex.reduce((n, e) => n + e.bytesOut, 0), conn.counts.sent);
  assert.equal(ex.reduce((n, e) => n + e.bytesIn, 0), conn.counts.received);
  assert.match(conn.tls ?? '', /^TLSv1\.\d, \S+, certificate verified$/);
  assert.match(conn.login ?? '', /^(LOGIN|AUTHENTICATE PLAIN)$/);
  assert.match(conn.greeting ?? '', /^\* OK /);
  // The fetches know what they fetched.
  const fetches = ex.filter((e) => e.command === 'UID FETCH');
  assert.ok(fetches.length >= 2 && fetches.every((e) => e.target?.mailbox === 'INBOX' && e.target.uids !== undefined), JSON.stringify(fetches.map((e) => e.target)));
});

test('IMAP: EXAMINE of a missing folder is NO with the server\'s text; a refused login is NO with its code, explained', async () => {
  const h = imapStore(server);
  try {
    await assert.rejects(h.store.listMessages('Does/Not/Exist', 0, 10), (err: unknown) => err instanceof MailError);
  } finally {
    await h.store.close();
  }
  const examine = h.tap.record.exchanges().find((e) => e.command === 'EXAMINE');
  assert.ok(examine, 'EXAMINE was sent');
  assert.equal(examine.status, 'no');
  // Dovecot 2.3 gives no response code here (RFC 5530 would allow [NONEXISTENT]): the words are the server's.
  assert.match(examine.responseText ?? '', /^\S+ NO Mailbox doesn't exist: Does\/Not\/Exist/);
  assert.deepEqual(examine.target, { mailbox: 'Does/Not/Exist' });

  const wrong = imapStore(server, {}, { password: 'not-the-password' });
  try {
    await assert.rejects(wrong.store.listFolders(), (err: unknown) => MailError.is(err, 'auth'));
  } finally {
    await wrong.store.close();
  }
  const refused = wrong.tap.record.exchanges().find((e) => e.command === 'AUTHENTICATE' || e.command === 'LOGIN');
  assert.equal(refused?.status, 'no');
  assert.deepEqual(refused?.codes.map((c) => c.name), ['AUTHENTICATIONFAILED']);
  assert.match(refused?.codes[0]?.explanation ?? '', /not accepted/);
  assert.ok(!JSON.stringify(wrong.tap.record.exchanges()).includes('not-the-password'));
});

test('POP3: every command of a session is paired, multi-line replies up to their ".", messages known by number and UIDL', async () => {
  const f = pop3Fixture(server);
  try {
    const page = await f.store.listMessages('INBOX', 0, 5);
    await f.store.fetchRaw('INBOX', page.messages[0]!.id);
  } finally {
    await f.store.close();
  }
  const ex = f.tap.record.exchanges();
  assert.equal(ex[0]?.command, '(greeting)');
  const commands = f.lines.filter((l) => l.direction === 'client');
  const greetings = f.tap.record.connections().length;
  assert.equal(ex.filter((e) => e.command === '(greeting)').length, greetings);
  assert.equal(ex.length, commands.filter((l) => !/^\*{4}$/.test(l.text)).length + greetings, ex.map((e) => `${e.command} ${e.status} ${e.events.length}`).join('\n'));
  for (const e of ex) assert.ok(e.status === 'ok', `${e.commandText} → ${e.status} ${e.responseText ?? ''}`);
  const multiline = ex.filter((x) => ['RETR', 'TOP', 'CAPA'].includes(x.command) || (['UIDL', 'LIST'].includes(x.command) && x.commandText.trim().split(' ').length === 1));
  assert.ok(multiline.length >= 2);
  for (const e of multiline) {
    assert.equal(e.events.at(-1)?.text, '.', `${e.commandText} ends at its "."`);
    assert.equal(e.endedAt, e.events.at(-1)?.at);
  }
  const retr = ex.find((e) => e.command === 'RETR');
  assert.ok(retr?.target?.pop3Number !== undefined && retr.target.pop3Uidl === page0Uidl(f.lines, retr.target.pop3Number), JSON.stringify(retr?.target));
  const [conn] = f.tap.record.connections();
  assert.match(conn?.login ?? '', /^(AUTH PLAIN|USER\/PASS)$/);
  assert.match(conn?.tls ?? '', /^TLSv1\.\d, /);
});

/** The UIDL the server gave for message `n`, read from the log. */
function page0Uidl(lines: readonly { direction: string; text: string; command?: string }[], n: number): string | undefined {
  for (const l of lines) {
    const m = l.direction === 'server' && l.command === 'UIDL' ? /^(?:\+OK )?(\d+) (\S+)$/.exec(l.text) : null;
    if (m && Number(m[1]) === n) return m[2];
  }
  return undefined;
}
