import { strict as assert } from 'node:assert';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { login, LoginMethod } from '../../src/core/pop3/pop3Auth';
import { Pop3Transport } from '../../src/core/pop3/pop3Transport';
import { MASK, TrafficLine } from '../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';
import { unrender } from '../support/unrender';

// The byte-faithfulness check of issue 12, measured the way the problem was found: a plaintext session
// through a recording TCP proxy on loopback (the proxy's two streams per connection are the packet
// capture), and the traffic log, reassembled, must equal each stream line for line: every line's bytes
// (the rendering undone) with its terminator (the ⏎ mark), in order, except masked secrets (`****`
// stands for the secret's bytes) and elisions, whose counts must be exact (`… N bytes elided` stands for
// exactly N bytes).

interface Recording {
  toServer: Buffer[];
  toClient: Buffer[];
  closed: Promise<void>;
}

interface RecordingProxy {
  port: number;
  connections: Recording[];
  close(): Promise<void>;
}

async function recordingProxy(port: number): Promise<RecordingProxy> {
  const connections: Recording[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    let done!: () => void;
    const recording: Recording = { toServer: [], toClient: [], closed: new Promise<void>((resolve) => (done = resolve)) };
    connections.push(recording);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
    }
    let open = 2;
    const closed = (): void => {
      if (--open === 0) done();
    };
    client.on('data', (chunk: Buffer) => {
      recording.toServer.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      recording.toClient.push(chunk);
      client.write(chunk);
    });
    client.once('close', () => {
      upstream.end();
      closed();
    });
    upstream.once('close', () => {
      client.end();
      closed();
    });
    upstream.connect({ host: '127.0.0.1', port });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const escape = (latin1: string): string => latin1.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&').replace(/[\r\n]/g, (c) => (c === '\r' ? '\\r' : '\\n'));
const TERMINATOR: Record<TrafficLine['end'], string> = { crlf: '\\r\\n', lf: '\\n', cr: '\\r', none: '' };

/** What the log says one direction of a connection was, as a pattern over the wire's bytes (latin1). */
function wirePattern(events: readonly TrafficLine[]): RegExp {
  let pattern = '';
  for (const e of events) {
    if (e.kind === 'elided') {
      const n = Number(/^… (\d+) bytes elided/.exec(e.text)?.[1]);
      assert.equal(n, e.bytes, `the elided count is the event's bytes: ${e.text}`);
      pattern += `[\\s\\S]{${n}}`;
      continue;
    }
    if (e.kind === 'note') continue;
    assert.doesNotMatch(e.text, /bytes of this line elided/, 'no line is cut in these sessions');
    // A masked secret is never a line break.
    pattern += e.text.split(MASK).map((piece) => escape(unrender(piece).toString('latin1'))).join('[^\\r\\n]+?');
    pattern += TERMINATOR[e.end];
  }
  return new RegExp(`^${pattern}$`);
}

/** The log of each connection equals its recording, both directions; the events' bytes add up to the wire's. */
function assertFaithful(lines: readonly TrafficLine[], proxy: RecordingProxy, secrets: readonly string[]): void {
  const ids = [...new Set(lines.map((l) => l.connection))];
  assert.equal(ids.length, proxy.connections.length, 'one log connection per TCP connection');
  ids.forEach((id, i) => {
    const recording = proxy.connections[i]!;
    for (const [direction, chunks] of [['client', recording.toServer], ['server', recording.toClient]] as const) {
      const wire = Buffer.concat(chunks);
      const events = lines.filter((l) => l.connection === id && l.direction === direction);
      const sum = events.reduce((n, e) => n + e.bytes, 0);
      assert.equal(sum, wire.length, `${id} ${direction}: the events' bytes are the wire's`);
      const pattern = wirePattern(events);
      if (!pattern.test(wire.toString('latin1'))) {
        assert.fail(`${id} ${direction}: the log is not the wire.\n--- log\n${events.map(formatTrafficLine).join('\n')}\n--- wire\n${wire.toString('latin1')}`);
      }
    }
  });
  const seqs = lines.map((l) => `${l.connection}:${l.seq}`);
  assert.equal(new Set(seqs).size, seqs.length, 'seq is unique per connection');
  for (const l of lines) for (const s of secrets) assert.ok(!l.text.includes(s), `a secret in ${formatTrafficLine(l)}`);
}

const CRLF = '\r\n';
const bigBody = Array.from({ length: 400 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'lorem ipsum '.repeat(3)}`).join(CRLF);
const attachment = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
const MESSAGES: Buffer[] = [
  // 8-bit UTF-8 in a raw header (sent in ENVELOPE as a literal that does not end in CRLF) and in the body.
  Buffer.from(['From: Jörg <j@example.com>', 'To: a@example.com', 'Subject: Grüße aus Köln – ✓', 'Date: Mon, 5 Jan 2026 09:00:00 +0000', 'Message-ID: <f1@example.com>', '', 'Schöne Grüße, naïve café', ''].join(CRLF), 'utf8'),
  // Latin-1 bytes: not UTF-8, shown as \xNN.
  Buffer.from(['From: b@example.com', 'To: a@example.com', 'Subject: Umlaute', 'Date: Mon, 5 Jan 2026 10:00:00 +0000', 'Content-Type: text/plain; charset=iso-8859-1', 'Content-Transfer-Encoding: 8bit', '', 'Grüße aus München, ½ Preis', ''].join(CRLF), 'latin1'),
  // A bare CR inside a line.
  Buffer.from(['From: c@example.com', 'To: a@example.com', 'Subject: bare CR', 'Date: Mon, 5 Jan 2026 11:00:00 +0000', '', 'before\rafter', 'next line', ''].join(CRLF), 'latin1'),
  // A 20 KB body (elided past 4096 bytes).
  Buffer.from(['From: d@example.com', 'To: a@example.com', 'Subject: twenty KB', 'Date: Mon, 5 Jan 2026 12:00:00 +0000', '', bigBody, ''].join(CRLF), 'utf8'),
  // A base64 attachment and lines that POP3 dot-stuffs.
  Buffer.from(
    [
      'From: e@example.com', 'To: a@example.com', 'Subject: attachment and dots', 'Date: Mon, 5 Jan 2026 13:00:00 +0000', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"', '', '--b1', 'Content-Type: text/plain', '', '.one dot', '..two dots', '.', 'end', '--b1',
      'Content-Type: application/octet-stream; name="data.bin"', 'Content-Transfer-Encoding: base64', '', attachment.toString('base64').replace(/.{76}/g, `$&${CRLF}`), '--b1--', '',
    ].join(CRLF),
    'utf8',
  ),
];

let server: DovecotServer;
before(async () => {
  server = await startDovecot();
  await server.addMessages(server.users[0]!.user, 'INBOX', MESSAGES.map((raw) => ({ raw })));
});
after(async () => server?.stop());

for (const loginMethod of ['LOGIN', 'AUTH=PLAIN'] as const) {
  test(`IMAP ${loginMethod}: listing, BODYSTRUCTURE, parts and raw messages are logged byte for byte`, async () => {
    const proxy = await recordingProxy(server.ports.imap);
    const user = server.users[0]!;
    const h = imapStore(server, { security: 'none', port: proxy.port }, { loginMethod, maxLiteralBytes: 4096 });
    try {
      await h.store.listFolders();
      const page = await h.store.listMessages('INBOX', 0, 50);
      assert.equal(page.messages.length, MESSAGES.length);
      for (const m of page.messages) {
        const raw = await h.store.fetchRaw('INBOX', m.id);
        assert.ok(MESSAGES.some((b) => b.equals(raw)));
        await h.store.fetchStructure('INBOX', m.id);
        await h.store.fetchPart('INBOX', m.id, '1');
      }
    } finally {
      await h.store.close();
    }
    await Promise.all(proxy.connections.map((c) => c.closed));
    await proxy.close();
    assertFaithful(h.lines, proxy, [user.password]);
    const text = h.text();
    // The login as sent, only the secret masked.
    if (loginMethod === 'LOGIN') assert.match(text, new RegExp(`C: \\S+ LOGIN "?${user.user}"? \\*\\*\\*\\*$`, 'm'));
    // Dovecot offers SASL-IR, so the response rides on the command line (saslPlain.ts), masked there.
    else assert.match(text, /C: \S+ AUTHENTICATE PLAIN \*\*\*\*$/m);
    // The LOGIN/AUTHENTICATE bytes are counted.
    const sent = h.lines.filter((l) => l.direction === 'client').reduce((n, l) => n + l.bytes, 0);
    assert.equal(sent, Buffer.concat(proxy.connections.flatMap((c) => c.toServer)).length);
    // The ENVELOPE subject literal goes on with the rest of its response line.
    assert.match(text, /S: Grüße aus Köln – ✓ \(\(\{5\}$/m);
    assert.match(text, /S: Jörg NIL "j" "example\.com"\)\) /);
    // 8-bit Latin-1 as bytes, the bare CR escaped, the 20 KB body elided with its exact count.
    assert.match(text, /S: Gr\\xfc\\xdfe aus M\\xfcnchen, \\xbd Preis/);
    assert.match(text, /S: before\\x0dafter/);
    assert.match(text, /… \d+ bytes elided \(literal of \d+ bytes\)/);
  });
}

for (const method of ['user-pass', 'sasl-plain'] as const satisfies readonly LoginMethod[]) {
  test(`POP3 ${method}: TOP, RETR of a base64 attachment with dot-stuffed lines, are logged byte for byte`, async () => {
    const proxy = await recordingProxy(server.ports.pop3);
    const user = server.users[0]!;
    const lines: TrafficLine[] = [];
    const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 4096 }).open('pop3');
    const transport = new Pop3Transport({ host: '127.0.0.1', port: proxy.port, implicitTls: false, trust: { extraCa: [], pinnedCertificate: undefined, allowInvalidCertificate: false }, limits: DEFAULT_LIMITS, tap });
    try {
      await transport.connect();
      await login(transport, method, user.user, user.password, transport.greeting);
      await transport.multiline(1 << 20, 'UIDL');
      await transport.multiline(1 << 20, 'LIST');
      for (let n = 1; n <= MESSAGES.length; n++) {
        await transport.multiline(1 << 20, 'TOP', n, 2);
        const retr = await transport.multiline(1 << 20, 'RETR', n);
        assert.ok(retr.body.equals(MESSAGES[n - 1]!), `RETR ${n} is the message`);
      }
      await transport.simple('QUIT');
    } finally {
      transport.close();
    }
    await Promise.all(proxy.connections.map((c) => c.closed));
    await proxy.close();
    assertFaithful(lines, proxy, [user.password, Buffer.from(`\0${user.user}\0${user.password}`).toString('base64')]);
    const text = lines.map(formatTrafficLine).join('\n');
    assert.match(text, method === 'user-pass' ? /C: PASS \*\*\*\*$/m : /C: AUTH PLAIN \*\*\*\*$/m);
    assert.match(text, /S: \.\.one dot$/m, 'dot-stuffed as on the wire');
    // The 20 KB body: once a line is elided, everything to the terminator is, and the next line is the ".".
    assert.match(text, /S: … \d+ bytes elided\n\[pop3#\d+\] S: \.$/m);
  });
}
