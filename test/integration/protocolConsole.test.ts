import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { createProtocolConsole } from '../../src/core/console/createConsole';
import { ProtocolConsole } from '../../src/core/console/protocolConsole';
import { CredentialProvider, fixedPassword } from '../../src/core/credentials/credentialProvider';
import { MailError } from '../../src/core/errors';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../src/core/traffic/trafficTap';
import type { AccessMode } from '../../src/core/write/mailWriter';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { seedMessages } from './support/liveFixture';

// The protocol console driven as VS Code drives its Pseudoterminal (raw keystrokes in, terminal text out)
// against the real Dovecot, on its own connection through a real TrafficTap.
let server: DovecotServer;
const USER = (): string => server.users[0]!.user;
const PASSWORD = (): string => server.users[0]!.password;

before(async () => {
  server = await startDovecot();
  await server.addMessages(USER(), 'INBOX', [...seedMessages('unread', 3, ''), ...seedMessages('seen', 2, 'S')]);
});

after(async () => {
  await server?.stop();
});

/**
 * The terminal's screen after `text`, as lines joined by CRLF: a small emulator of what the console uses
 * (CR, LF, erase to end of line, cursor left; colours ignored), so that a line drawn again reads once.
 */
function plain(text: string): string {
  const lines: string[][] = [[]];
  let col = 0;
  for (let i = 0; i < text.length; i++) {
    const line = lines[lines.length - 1]!;
    const ch = text[i]!;
    if (ch === '\x1b') {
      // eslint-disable-next-line no-control-regex -- the escape sequences the console writes
      const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(text.slice(i));
      if (!m) continue;
      i += m[0].length - 1;
      if (m[2] === 'K') line.length = Math.min(line.length, col);
      if (m[2] === 'D') col = Math.max(0, col - Number(m[1] || 1));
      continue;
    }
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      lines.push([]);
      col = 0;
    } else line[col++] = ch;
  }
  return lines.map((l) => l.join('')).join('\r\n');
}

interface Driver {
  console: ProtocolConsole;
  tap: TrafficTap;
  /** Every event of the tap (all connections). */
  events: TrafficLine[];
  /** Everything written to the terminal, raw (colours and cursor moves included). */
  output(): string;
  /** The tap's events as the output channel shows them. */
  channel(): string;
  type(data: string): void;
  /** Waits until the terminal output (colours removed) matches. */
  waitOutput(pattern: RegExp, ms?: number): Promise<void>;
  /** Client lines the tap saw on the console's connection. */
  sent(): string[];
}

async function drive(account: Partial<AccountDefinition>, access: AccessMode, login: 'after' | 'before' = 'after', options: { trustCa?: boolean; credentials?: CredentialProvider } = {}): Promise<Driver> {
  const events: TrafficLine[] = [];
  const tap = new TrafficTap((e) => events.push(e), { maxLiteralBytes: 4096 });
  const definition: AccountDefinition = {
    id: 'console',
    label: 'console',
    protocol: 'imap',
    host: '127.0.0.1',
    port: server.ports.imaps,
    security: 'tls',
    user: USER(),
    allowInvalidCertificate: false,
    useApop: false,
    ...account,
  };
  const console = createProtocolConsole({ account: definition, access, tap, credentials: options.credentials ?? fixedPassword(PASSWORD()), login, connectTimeoutMs: 5000, replyTimeoutMs: 5000, ...(options.trustCa === false ? {} : { ca: server.ca }) });
  let written = '';
  console.onOutput((text) => (written += text));
  const waitOutput = async (pattern: RegExp, ms = 8000): Promise<void> => {
    const until = Date.now() + ms;
    while (!pattern.test(plain(written))) {
      if (Date.now() > until) throw new Error(`no ${pattern} in the console's output:\n${plain(written)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  await console.start();
  return {
    console,
    tap,
    events,
    output: () => written,
    channel: () => events.map(formatTrafficLine).join('\n'),
    type: (data) => console.handleInput(data),
    waitOutput,
    sent: () => events.filter((e) => e.connection === console.connectionId && e.direction === 'client').map((e) => e.text),
  };
}

async function inboxFlags(): Promise<string> {
  return JSON.stringify([...(await server.flagsOf(USER(), 'INBOX'))]);
}

describe('IMAP console', () => {
  test('logs in after TLS by itself; CAPABILITY typed without a tag gets one, and the answer is printed from the tap', async () => {
    const d = await drive({}, 'read-only');
    try {
      assert.match(plain(d.output()), /Logged in as alice; read-only/);
      d.type('CAPABILITY\r');
      await d.waitOutput(/S: C\d+ OK Capability completed/);
      const text = plain(d.output());
      assert.match(text, /C: (C\d+) CAPABILITY\r\n(?:.*\r\n)*?S: \* CAPABILITY IMAP4rev1 .*\r\nS: \1 OK/, 'the tagged command and its untagged answer');
      assert.match(text, /-- TLS established \(TLSv1\.[23]/, 'the TLS note of the console connection is shown');
      assert.ok(d.events.every((e) => !e.text.includes(PASSWORD())), 'the password never reaches an event');
      assert.ok(!d.output().includes(PASSWORD()), 'nor the terminal');
      assert.match(d.channel(), /\[imap#1\] C: C\d+ AUTHENTICATE PLAIN \*\*\*\*/, 'the automatic login is in the log, masked');
      // A typed tag is kept.
      d.type('t7 NOOP\r');
      await d.waitOutput(/S: t7 OK/);
    } finally {
      await d.console.close();
    }
  });

  test('UID FETCH 1 (BODY.PEEK[HEADER]) prints the literal response; a pasted list of commands runs line by line; \\Seen unchanged', async () => {
    const flags = await inboxFlags();
    const d = await drive({}, 'read-only');
    try {
      d.type('EXAMINE INBOX\rUID FETCH 1 (BODY.PEEK[HEADER])\r');
      await d.waitOutput(/S: C\d+ OK Fetch completed/);
      const text = plain(d.output());
      assert.match(text, /S: \* 1 FETCH \(UID 1 BODY\[HEADER\] \{\d+\}\r\nS: From: seed@example\.com\r\nS: To: alice@example\.com\r\nS: Subject: unread 1/);
      assert.match(text, /S: C\d+ OK \[READ-ONLY\] Examine completed/);
    } finally {
      await d.console.close();
    }
    assert.equal(await inboxFlags(), flags);
  });

  test('APPEND with a literal in a read-write account: waits for "+", sends the typed lines as exactly n bytes, then the rest of the command', async () => {
    const d = await drive({}, 'read-write');
    try {
      const message = ['Subject: typed in the console', '', 'Héllo.'];
      const bytes = Buffer.byteLength(message.join('\r\n') + '\r\n', 'utf8');
      // Typed (pasted) at once: the lines after the announcement wait for the server's "+".
      d.type(`APPEND INBOX {${bytes}}\r${message.join('\r')}\r\r`);
      await d.waitOutput(/S: C\d+ OK \[APPENDUID \d+ (\d+)\] Append completed/);
      const text = plain(d.output());
      assert.match(text, /S: \+ OK\r\n/, "the server's continuation request");
      assert.ok(text.indexOf('S: + OK') < text.indexOf('C: Subject: typed in the console'), 'the literal went after the "+"');
      const appendTag = /C: (C\d+) APPEND INBOX \{/.exec(text)?.[1];
      const literal = d.events.filter((e) => e.connection === d.console.connectionId && e.direction === 'client' && e.kind === 'payload' && e.tag === appendTag);
      assert.equal(literal.reduce((sum, e) => sum + e.bytes, 0), bytes, 'exactly n bytes of literal on the wire');
      // LITERAL+ does not wait.
      d.type('APPEND INBOX {14+}\rSubject: plus\r\r');
      await d.waitOutput(/Subject: plus[\s\S]*S: C\d+ OK \[APPENDUID/);
      assert.ok(!plain(d.output()).slice(text.length).includes('S: + OK'), 'no continuation request for LITERAL+');
      d.type('EXAMINE INBOX\rUID SEARCH SUBJECT "typed in the console"\r');
      await d.waitOutput(/S: \* SEARCH \d+/);
    } finally {
      await d.console.close();
    }
    const subjects = await server.doveadm(['fetch', '-u', USER(), 'hdr.subject', 'mailbox', 'INBOX', 'all']);
    assert.match(subjects, /typed in the console/);
    assert.match(subjects, /plus/);
  });

  test('STORE, EXPUNGE, SELECT and FETCH BODY[] are refused in a read-only account, with the reason, and nothing is sent', async () => {
    const flags = await inboxFlags();
    const d = await drive({}, 'read-only');
    try {
      d.type('EXAMINE INBOX\r');
      await d.waitOutput(/Examine completed/);
      const before_ = d.sent().length;
      d.type('STORE 1 +FLAGS (\\Deleted)\rEXPUNGE\rSELECT INBOX\rUID FETCH 1 BODY[]\r');
      await d.waitOutput(/UID FETCH 1 BODY\[\]\r\nNot sent: BODY\[…\] marks the message as read/);
      const text = plain(d.output());
      assert.match(text, /Not sent: STORE changes flags, and this account is read-only\./);
      assert.match(text, /Not sent: EXPUNGE removes messages/);
      assert.match(text, /Not sent: SELECT opens the folder read-write/);
      d.type('NOOP\r');
      await d.waitOutput(/S: C\d+ OK NOOP completed/);
      assert.deepEqual(d.sent().slice(before_).map((l) => l.replace(/^C\d+ /, '')), ['NOOP'], 'only the NOOP went out');
      // IDLE, ended with Ctrl+C: DONE is sent, nothing else.
      d.type('IDLE\r');
      await d.waitOutput(/S: \+ idling/);
      d.type('\x03');
      await d.waitOutput(/S: C\d+ OK Idle completed/);
      assert.deepEqual(d.sent().slice(-2).map((l) => l.replace(/^C\d+ /, '')), ['IDLE', 'DONE']);
    } finally {
      await d.console.close();
    }
    assert.equal(await inboxFlags(), flags, 'flags unchanged after the read-only console session');
  });

  test('before login: LOGIN typed by hand (after STARTTLS) is masked in the echo, in the events and in the channel; with a literal password too', async () => {
    const d = await drive({ security: 'starttls', port: server.ports.imap }, 'read-only', 'before');
    try {
      assert.match(plain(d.output()), /Not logged in yet/);
      assert.match(plain(d.output()), /-- TLS established/, 'STARTTLS done by the console');
      for (const ch of `LOGIN ${USER()} ${PASSWORD()}`) d.type(ch); // typed key by key: every echo is masked
      assert.ok(!d.output().includes(PASSWORD()), 'the echo while typing shows no password');
      assert.match(plain(d.output()), new RegExp(`LOGIN ${USER()} \\*{${PASSWORD().length}}`));
      d.type('\r');
      await d.waitOutput(/S: C\d+ OK .*Logged in/);
      d.type('NOOP\r');
      await d.waitOutput(/NOOP completed/);
      assert.ok(d.events.every((e) => !e.text.includes(PASSWORD())), 'no event holds the password');
      assert.ok(!d.channel().includes(PASSWORD()));
      assert.ok(!d.output().includes(PASSWORD()));
      assert.match(d.channel(), /C: C\d+ LOGIN alice \*\*\*\*/);
      d.type('\x1b[A\x1b[A');
      assert.equal(plain(d.output()).split('\r\n').at(-1), 'IMAP> NOOP', 'the LOGIN line is not in the history: NOOP is the only line to recall');
    } finally {
      await d.console.close();
    }
    const l = await drive({ security: 'starttls', port: server.ports.imap }, 'read-only', 'before');
    try {
      l.type(`LOGIN ${USER()} {${Buffer.byteLength(PASSWORD())}}\r${PASSWORD()}\r`);
      await l.waitOutput(/S: C\d+ OK .*Logged in/);
      assert.ok(!l.output().includes(PASSWORD()), 'the literal password is masked in the echo');
      assert.ok(l.events.every((e) => !e.text.includes(PASSWORD())), 'and in the events');
    } finally {
      await l.console.close();
    }
  });

  test("the account's certificate rules apply: a certificate not trusted ends the console before any password is asked", async () => {
    let asked = 0;
    const credentials: CredentialProvider = { get: () => (asked++, Promise.resolve(PASSWORD())), invalidate: () => undefined };
    const events: TrafficLine[] = [];
    const console = createProtocolConsole({
      account: { id: 'c', label: 'c', protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls', user: USER(), allowInvalidCertificate: false, useApop: false },
      access: 'read-only',
      tap: new TrafficTap((e) => events.push(e), { maxLiteralBytes: 4096 }),
      credentials,
      login: 'after',
      connectTimeoutMs: 5000,
      replyTimeoutMs: 5000,
    });
    let written = '';
    console.onOutput((t) => (written += t));
    await assert.rejects(console.start(), (error: unknown) => MailError.is(error, 'certificate'));
    assert.equal(asked, 0);
    assert.match(plain(written), /The connection ended: .*certificate/);
    assert.ok(!events.some((e) => e.direction === 'client'), 'nothing was sent');
    // With the account allowing invalid certificates (the harness's is self-signed), the same console starts.
    const d = await drive({ allowInvalidCertificate: true }, 'read-only', 'after', { trustCa: false });
    assert.match(plain(d.output()), /accepted because the account allows invalid certificates[\s\S]*Logged in as alice/);
    await d.console.close();
  });

  test('closing the console logs out and closes its connection', async () => {
    const d = await drive({}, 'read-only');
    await d.console.close();
    assert.match(d.sent().at(-1) ?? '', /^C\d+ LOGOUT$/);
    assert.match(d.channel(), /\[imap#1\] -- closed/);
    d.type('NOOP\r');
    assert.match(plain(d.output()), /The connection is closed/);
  });
});

describe('POP3 console', () => {
  const pop3 = { protocol: 'pop3' as const, security: 'starttls' as const };

  test('read-only: RETR then QUIT sends RSET first; DELE is refused; flags unchanged', async () => {
    const flags = await inboxFlags();
    const d = await drive({ ...pop3, port: server.ports.pop3 }, 'read-only');
    try {
      assert.match(plain(d.output()), /Logged in as alice; read-only/);
      d.type('STAT\rRETR 1\rDELE 1\r');
      await d.waitOutput(/Not sent: DELE marks the message for deletion/);
      await d.waitOutput(/S: \.\r\n/);
      d.type('QUIT\r');
      await d.waitOutput(/The connection is closed/);
      const sent = d.sent();
      const at = sent.indexOf('RETR 1');
      assert.ok(at >= 0);
      assert.deepEqual(sent.slice(at), ['RETR 1', 'RSET', 'QUIT'], 'RSET between RETR and QUIT; DELE never sent');
      assert.match(plain(d.output()), /RSET first: this account is read-only/);
      assert.ok(d.events.every((e) => !e.text.includes(PASSWORD())));
    } finally {
      await d.console.close();
    }
    assert.equal(await inboxFlags(), flags);
  });

  test('read-write: RETR then QUIT is sent as typed, and the server does mark the message \\Seen (what RSET prevents in read-only)', async () => {
    const uid = [...(await server.flagsOf(USER(), 'INBOX'))].find(([, f]) => !f.includes('\\Seen'))?.[0];
    assert.ok(uid !== undefined, 'an unseen message');
    const d = await drive({ ...pop3, port: server.ports.pop3 }, 'read-write');
    try {
      d.type(`RETR ${uid}\r`);
      await d.waitOutput(/S: \.\r\n/);
      d.type('QUIT\r');
      await d.waitOutput(/The connection is closed/);
      assert.deepEqual(d.sent().slice(-2), [`RETR ${uid}`, 'QUIT']);
    } finally {
      await d.console.close();
    }
    assert.ok((await server.flagsOf(USER(), 'INBOX')).get(uid)?.includes('\\Seen'), 'Dovecot set \\Seen at QUIT');
  });

  test('before login: PASS typed by hand is masked in the echo and the log', async () => {
    const d = await drive({ ...pop3, port: server.ports.pop3 }, 'read-only', 'before');
    try {
      d.type(`USER ${USER()}\rPASS ${PASSWORD()}\r`);
      await d.waitOutput(/S: \+OK Logged in/);
      d.type('UIDL\r');
      await d.waitOutput(/S: \.\r\n/);
      assert.ok(!d.output().includes(PASSWORD()));
      assert.ok(d.events.every((e) => !e.text.includes(PASSWORD())));
      assert.match(d.channel(), /C: PASS \*\*\*\*/);
    } finally {
      await d.console.close();
    }
    assert.deepEqual(d.sent().slice(-2), ['RSET', 'QUIT'], 'closing the terminal: RSET, then QUIT');
  });
});
