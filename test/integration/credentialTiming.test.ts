import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { MailStore } from '../../src/core/mailStore';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { freePorts } from '../servers/freePorts';
import { pop3Fixture } from './pop3Fixture';
import { imapStore } from './support/imapFixture';
import { RecordingCredentials } from './support/recordingCredentials';

// When the password is asked for: only once the server was reached and the connection secured
// (TLS handshake, STARTTLS/STLS, certificate accepted), right before logging in. Against a real Dovecot.
let server: DovecotServer;

before(async () => {
  server = await startDovecot();
  // A folder named like the password: the server then sends the password back in its LIST reply,
  // which only the tap's scrubbing (learning the password when it is given) can hide.
  await server.createFolder(server.users[0]!.user, server.users[0]!.password);
});

after(async () => {
  await server?.stop();
});

type Mode = 'imap-tls' | 'imap-starttls' | 'imap-none' | 'pop3-tls' | 'pop3-stls' | 'pop3-none';

interface Handle {
  store: MailStore;
  lines: TrafficLine[];
}

function open(mode: Mode, credentials: RecordingCredentials, account: Partial<AccountDefinition> = {}): Handle {
  const [protocol, security] = mode.split('-') as ['imap' | 'pop3', string];
  if (protocol === 'imap') {
    const sec = security === 'tls' ? 'tls' : security === 'starttls' ? 'starttls' : 'none';
    const h = imapStore(server, { security: sec, ...account }, { credentials });
    return h;
  }
  const sec = security === 'tls' ? 'tls' : security === 'stls' ? 'starttls' : 'none';
  const port = sec === 'tls' ? server.ports.pop3s : sec === 'starttls' ? server.ports.pop3 : server.ports.pop3NoTls;
  const f = pop3Fixture(server, { account: { security: sec, port, ...account }, credentials });
  return { store: f.store, lines: f.lines };
}

const isCredentialLine = (l: TrafficLine): boolean => l.direction === 'client' && /^(\S+ (LOGIN|AUTHENTICATE)\b|USER|PASS|AUTH|APOP)/i.test(l.text);

for (const mode of ['imap-tls', 'imap-starttls', 'imap-none', 'pop3-tls', 'pop3-stls', 'pop3-none'] as const) {
  test(`${mode}: the password is asked for once, after the connection is secured and before the login`, async () => {
    let seen: TrafficLine[] | undefined;
    const credentials = new RecordingCredentials(server.users[0]!.password, () => {
      seen = [...h.lines];
    });
    const h = open(mode, credentials);
    try {
      await h.store.listFolders();
      assert.equal(credentials.calls, 1);
      assert.ok(seen, 'never asked');
      assert.ok(seen.some((l) => l.direction === 'server'), 'asked before the server greeted');
      assert.ok(!seen.some(isCredentialLine), 'asked after the login was sent');
      assert.ok(h.lines.some(isCredentialLine), 'no login at all');
      if (mode.endsWith('tls')) {
        assert.ok(seen.some((l) => l.direction === 'info' && l.text === 'certificate verified'), `asked before the certificate was accepted:\n${seen.map((l) => l.text).join('\n')}`);
      }
      if (mode === 'imap-starttls') assert.ok(seen.some((l) => l.direction === 'client' && /^\S+ STARTTLS$/.test(l.text)), 'asked before STARTTLS');
      if (mode === 'pop3-stls') assert.ok(seen.some((l) => l.direction === 'client' && l.text === 'STLS'), 'asked before STLS');
    } finally {
      await h.store.close();
    }
  });
}

for (const protocol of ['imap', 'pop3'] as const) {
  test(`${protocol}: against a closed port the password is never asked and the error is the network's`, async () => {
    const [closed] = await freePorts(1);
    const credentials = new RecordingCredentials('never-used');
    const h = open(`${protocol}-tls`, credentials, { port: closed });
    try {
      await assert.rejects(h.store.listFolders(), (e: unknown) => MailError.is(e, 'refused'));
      assert.equal(credentials.calls, 0);
    } finally {
      await h.store.close();
    }
  });

  test(`${protocol}: no password given (the prompt dismissed) is a 'cancelled' error marked noPassword, and no login is sent`, async () => {
    const credentials = new RecordingCredentials(undefined);
    const h = open(`${protocol}-tls`, credentials);
    try {
      await assert.rejects(h.store.listFolders(), (e: unknown) => {
        assert.ok(MailError.is(e, 'cancelled'), String(e));
        assert.equal(e.detail?.kind, 'noPassword');
        return true;
      });
      assert.equal(credentials.calls, 1);
      assert.ok(!h.lines.some(isCredentialLine), h.lines.map((l) => l.text).join('\n'));
    } finally {
      await h.store.close();
    }
  });

  test(`${protocol}: a refused password is invalidated at the provider`, async () => {
    const credentials = new RecordingCredentials('not-the-password');
    const h = open(`${protocol}-tls`, credentials);
    try {
      await assert.rejects(h.store.listFolders(), (e: unknown) => MailError.is(e, 'auth'));
      assert.equal(credentials.invalidated, 1);
    } finally {
      await h.store.close();
    }
  });
}

test('imap: the password given after the handshake is still scrubbed from every line (here: the server echoes it as a folder name)', async () => {
  const { password } = server.users[0]!;
  const credentials = new RecordingCredentials(password);
  const h = open('imap-tls', credentials);
  try {
    const folders = await h.store.listFolders();
    assert.ok(folders.some((f) => f.path === password), 'the folder named like the password is listed');
    const text = h.lines.map((l) => l.text).join('\n');
    assert.ok(!text.includes(password), 'the password is in the traffic log');
    assert.ok(h.lines.some((l) => l.direction === 'server' && /LIST .*\*\*\*\*/.test(l.text)), 'the LIST reply naming it is masked');
  } finally {
    await h.store.close();
  }
});

/** Resolves once a traffic line matches: the provider answers only after the connection ended (no clock involved). */
async function untilLine(lines: TrafficLine[], pattern: RegExp): Promise<void> {
  while (!lines.some((l) => l.direction === 'info' && pattern.test(l.text))) await new Promise((resolve) => setImmediate(resolve));
}

for (const mode of ['imap-tls', 'pop3-tls'] as const) {
  test(`${mode}: a connection that times out while the password is being typed is made again with it, without asking twice`, async () => {
    let live: TrafficLine[] = []; // the store's traffic, once it exists
    const credentials = new RecordingCredentials(server.users[0]!.password, () => untilLine(live, /closed|failed/));
    // A short socket timeout stands for a person taking longer to type than the server waits.
    const [protocol] = mode.split('-') as ['imap' | 'pop3'];
    const limits = { socketTimeoutMs: 1500 };
    const h =
      protocol === 'imap'
        ? imapStore(server, { security: 'tls' }, { credentials, limits })
        : (() => {
            const f = pop3Fixture(server, { account: { security: 'tls', port: server.ports.pop3s }, credentials, limits });
            return { store: f.store, lines: f.lines };
          })();
    live = h.lines;
    try {
      assert.ok((await h.store.listFolders()).length > 0);
      assert.equal(credentials.calls, 1, 'asked twice');
      const connections = new Set(h.lines.map((l) => l.connection));
      assert.equal(connections.size, 2, `expected a first connection that timed out and a second one:\n${h.lines.map((l) => `${l.connection} ${l.text}`).join('\n')}`);
      assert.ok(!h.lines.map((l) => l.text).join('\n').includes(server.users[0]!.password));
    } finally {
      await h.store.close();
    }
  });
}
