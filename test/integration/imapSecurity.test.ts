import { strict as assert } from 'node:assert';
import { createServer, Server, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { MailError, MailErrorReason } from '../../src/core/errors';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';

// Transport security, credentials and limits against a real Dovecot (and two tiny fake servers for
// greetings a real Dovecot cannot be made to send: silence, and PREAUTH).
let server: DovecotServer;

before(async () => {
  server = await startDovecot();
  const big = ['Subject: Big', 'From: a@example.com', '', 'x'.repeat(50_000), ''].join('\r\n');
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: 'Subject: Small\r\nFrom: a@example.com\r\n\r\nhi\r\n', flags: 'S' }, { raw: big, flags: 'S' }]);
});

after(async () => {
  await server?.stop();
});

const isReason = (reason: MailErrorReason) => (e: unknown): boolean => {
  assert.ok(MailError.is(e), `expected a MailError, got ${String(e)}`);
  assert.equal(e.reason, reason, `${e.reason}: ${e.message}`);
  return true;
};

for (const security of ['tls', 'starttls', 'none'] as const) {
  test(`${security}: lists folders, and the wire shows the right transport`, async () => {
    const handle = imapStore(server, { security });
    try {
      const folders = await handle.store.listFolders();
      assert.ok(folders.some((f) => f.path === 'INBOX'));
      const text = handle.text();
      const sentStarttls = handle.lines.some((l) => l.direction === 'client' && /^\S+ STARTTLS$/i.test(l.text));
      assert.equal(sentStarttls, security === 'starttls', 'STARTTLS is sent exactly when the account asks for it');
      assert.match(text, security === 'none' ? /-- connected \(unencrypted\)/ : /-- connected \(TLS\)/);
    } finally {
      await handle.store.close();
    }
  });
}

test('STARTTLS required but not offered: TLS error, and no credentials ever leave', async () => {
  const handle = imapStore(server, { security: 'starttls', port: server.ports.imapNoTls });
  try {
    await assert.rejects(handle.store.listFolders(), isReason('tls'));
    const client = handle.lines.filter((l) => l.direction === 'client').map((l) => l.text);
    assert.ok(!client.some((t) => /LOGIN|AUTHENTICATE/i.test(t)), client.join('\n'));
    assert.ok(!handle.text().includes(server.users[0]!.password));
  } finally {
    await handle.store.close();
  }
});

test('a self-signed certificate is refused unless the account allows invalid certificates', async () => {
  const strict = imapStore(server, { security: 'tls' }, { trustCa: false });
  await assert.rejects(strict.store.listFolders(), isReason('certificate'));
  await strict.store.close();
  const starttls = imapStore(server, { security: 'starttls' }, { trustCa: false });
  await assert.rejects(starttls.store.listFolders(), isReason('certificate'));
  assert.ok(!starttls.lines.some((l) => l.direction === 'client' && /LOGIN|AUTHENTICATE/.test(l.text)));
  await starttls.store.close();
  const lenient = imapStore(server, { security: 'tls', allowInvalidCertificate: true }, { trustCa: false });
  try {
    assert.ok((await lenient.store.listFolders()).length > 0);
  } finally {
    await lenient.store.close();
  }
});

test('a wrong password is an auth error with the server\'s words, not a crash or a hang', async () => {
  const handle = imapStore(server, {}, { password: 'wrong-password' });
  try {
    await assert.rejects(handle.store.listFolders(), (e: unknown) => {
      isReason('auth')(e);
      assert.match((e as MailError).serverText ?? '', /Authentication failed/i);
      return true;
    });
    assert.ok(!handle.text().includes('wrong-password'));
  } finally {
    await handle.store.close();
  }
});

for (const loginMethod of ['LOGIN', 'AUTH=PLAIN'] as const) {
  test(`the traffic log shows the commands but never the password (${loginMethod})`, async () => {
    const { password } = server.users[0]!;
    const handle = imapStore(server, { security: 'none' }, { loginMethod });
    try {
      await handle.store.listMessages('INBOX', 0, 10);
      const text = handle.text();
      assert.ok(!text.includes(password), 'password in log');
      assert.ok(!text.includes(Buffer.from(`\0${server.users[0]!.user}\0${password}`).toString('base64')), 'SASL PLAIN payload in log');
      assert.match(text, loginMethod === 'LOGIN' ? /C: \S+ LOGIN "?alice"? \*\*\*\*/ : /C: \S+ AUTHENTICATE PLAIN/);
      assert.match(text, /C: \S+ EXAMINE/);
      assert.match(text, /C: \S+ FETCH 1:2 /);
      assert.match(text, /S: \S+ OK/);
    } finally {
      await handle.store.close();
    }
  });
}

test('SASL PLAIN: one round trip where the server offers SASL-IR (RFC 4959), else the response after its "+"; masked either way', async () => {
  const { user, password } = server.users[0]!;
  const payload = Buffer.from(`\0${user}\0${password}`).toString('base64');
  /** The client's lines and whether the server sent a "+" continuation, up to the end of the AUTHENTICATE exchange. */
  const login = async (target: DovecotServer, options: { password?: string } = {}): Promise<{ sent: string[]; plus: boolean; text: string; error?: unknown }> => {
    const handle = imapStore(target, {}, options);
    let error: unknown;
    try {
      await handle.store.listFolders();
    } catch (e) {
      error = e;
    } finally {
      await handle.store.close();
    }
    const end = handle.lines.findIndex((l) => l.direction === 'server' && /^\S+ (OK|NO|BAD) /.test(l.text) && l.tag !== undefined && handle.lines.some((c) => c.direction === 'client' && c.tag === l.tag && /AUTHENTICATE/.test(c.text)));
    const exchange = handle.lines.slice(0, end + 1);
    return {
      sent: exchange.filter((l) => l.direction === 'client').map((l) => l.text),
      plus: exchange.some((l) => l.direction === 'server' && l.text.startsWith('+')),
      text: handle.text(),
      error,
    };
  };

  const ir = await login(server);
  assert.equal(ir.error, undefined);
  assert.deepEqual(ir.sent.filter((t) => /AUTHENTICATE/.test(t)).map((t) => t.replace(/^\S+ /, '')), ['AUTHENTICATE PLAIN ****'], ir.sent.join(' | '));
  assert.equal(ir.sent.length, 1, `nothing after the command line: ${ir.sent.join(' | ')}`);
  assert.equal(ir.plus, false, 'no continuation asked for');
  for (const secret of [password, payload]) assert.ok(!ir.text.includes(secret), 'the response is masked');

  const refused = await login(server, { password: 'wrong-password' });
  assert.ok(MailError.is(refused.error, 'auth'), String(refused.error));
  assert.match(refused.error.serverText ?? '', /^NO \[AUTHENTICATIONFAILED\] Authentication failed/, 'the server\'s words with its response code, as from imapflow\'s own AUTHENTICATE');
  // Nowhere for the refused response to show: the log, the error, its server text, or the command imapflow says it ran.
  const wrongPayload = Buffer.from(`\0${user}\0wrong-password`).toString('base64');
  const executed = String((refused.error.cause as { executedCommand?: unknown } | undefined)?.executedCommand ?? '');
  assert.match(executed, /AUTHENTICATE PLAIN/, 'imapflow names the command it ran');
  for (const shown of [refused.text, refused.error.message, refused.error.serverText ?? '', executed]) {
    for (const secret of ['wrong-password', wrongPayload]) assert.ok(!shown.includes(secret), `the response is not in: ${shown.slice(0, 200)}`);
  }

  const plain = await startDovecot({ imapCapability: capabilitiesWithout('SASL-IR') });
  try {
    const twoSteps = await login(plain);
    assert.equal(twoSteps.error, undefined);
    assert.doesNotMatch(twoSteps.text, /CAPABILITY[^\n]*SASL-IR/, 'this server does not offer SASL-IR');
    assert.deepEqual(twoSteps.sent.map((t) => t.replace(/^\S+ (?=AUTHENTICATE)/, '')), ['AUTHENTICATE PLAIN', '****']);
    assert.equal(twoSteps.plus, true, 'the response waits for the "+"');
    for (const secret of [password, payload]) assert.ok(!twoSteps.text.includes(secret), 'the response is masked');
  } finally {
    await plain.stop();
  }
});

test('a literal over maxLiteralBytes is a clear limit error, and the store still works afterwards', async () => {
  const handle = imapStore(server, {}, { limits: { maxLiteralBytes: 10_000, maxResponseBytes: 20_000 } });
  try {
    const page = await handle.store.listMessages('INBOX', 0, 10);
    const big = page.messages.find((m) => m.subject === 'Big');
    const small = page.messages.find((m) => m.subject === 'Small');
    assert.ok(big && small);
    await assert.rejects(handle.store.fetchRaw('INBOX', big.id), isReason('limit'));
    const raw = await handle.store.fetchRaw('INBOX', small.id);
    assert.match(raw.toString(), /Subject: Small/);
  } finally {
    await handle.store.close();
  }
});

async function fakeServer(onConnection: (socket: Socket) => void): Promise<{ server: Server; port: number; received: string[] }> {
  const received: string[] = [];
  const s = createServer((socket) => {
    socket.on('data', (d) => received.push(d.toString('latin1')));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const address = s.address();
  assert.ok(address && typeof address === 'object');
  return { server: s, port: address.port, received };
}

test('a server that never greets ends in a timeout error (fake server: Dovecot always greets)', async () => {
  const fake = await fakeServer(() => undefined);
  const handle = imapStore(server, { security: 'none', port: fake.port }, { limits: { greetingTimeoutMs: 500, connectTimeoutMs: 2000 } });
  try {
    await assert.rejects(handle.store.listFolders(), isReason('timeout'));
  } finally {
    await handle.store.close();
    fake.server.close();
  }
});

test('STARTTLS with a PREAUTH greeting stops before anything is sent in clear (fake server: Dovecot will not PREAUTH over TCP)', async () => {
  const fake = await fakeServer((socket) => socket.write('* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n'));
  const handle = imapStore(server, { security: 'starttls', port: fake.port }, { limits: { socketTimeoutMs: 2000 } });
  try {
    await assert.rejects(handle.store.listFolders(), isReason('tls'));
    const sent = fake.received.join('');
    assert.doesNotMatch(sent, /LIST|LOGIN|AUTHENTICATE|EXAMINE/, sent);
  } finally {
    await handle.store.close();
    fake.server.close();
  }
});

test('nothing listening: a "refused" error', async () => {
  const fake = await fakeServer(() => undefined);
  const { port } = fake;
  await new Promise<void>((resolve) => fake.server.close(() => resolve()));
  const handle = imapStore(server, { security: 'none', port });
  await assert.rejects(handle.store.listFolders(), isReason('refused'));
  await handle.store.close();
});

test('a folder name with CR, LF or NUL is refused before anything is sent', async () => {
  const handle = imapStore(server);
  try {
    for (const bad of ['INBOX\r\nA1 DELETE INBOX', 'INBOX\n', 'IN\0BOX']) {
      await assert.rejects(handle.store.listMessages(bad, 0, 10), isReason('config'));
      await assert.rejects(handle.store.fetchRaw(bad, '1'), isReason('config'));
    }
    assert.equal(handle.lines.length, 0, 'no connection was even opened');
  } finally {
    await handle.store.close();
  }
});

test('a server line longer than maxLineBytes is a limit error, not an ever-growing buffer (fake server: Dovecot keeps lines short)', async () => {
  const fake = await fakeServer((socket) => {
    socket.write('* OK ');
    const chunk = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 40; i++) socket.write(chunk);
  });
  const handle = imapStore(server, { security: 'none', port: fake.port }, { limits: { maxLineBytes: 256 * 1024, socketTimeoutMs: 5000 } });
  try {
    await assert.rejects(handle.store.listFolders(), isReason('limit'));
    const longest = Math.max(...handle.lines.map((l) => l.text.length));
    assert.ok(longest < 100 * 1024, `the traffic log cut the line (${longest} characters)`);
  } finally {
    await handle.store.close();
    fake.server.close();
  }
});
