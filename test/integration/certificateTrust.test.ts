import { strict as assert } from 'node:assert';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { MailError } from '../../src/core/errors';
import { MailStore } from '../../src/core/mailStore';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { createCertificate } from '../servers/certificate';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { pop3Fixture } from './pop3Fixture';
import { imapStore } from './support/imapFixture';
import { RecordingCredentials } from './support/recordingCredentials';

// Trusting a server that Node's CA list does not vouch for, against real Dovecot servers with
// certificates made for the test: `selfSigned` serves a self-signed certificate whose CA is never
// passed to the store; `caSigned` serves one issued by a test CA, trusted only through caFile.
let selfSigned: DovecotServer;
let caSigned: DovecotServer;
let scratch: string;
/** The pin of another certificate (made here, served by nobody). */
let otherPin: string;

const pinOf = (pem: Buffer | string): string => `sha256/${new X509Certificate(pem).fingerprint256}`;

before(async () => {
  [selfSigned, caSigned] = await Promise.all([startDovecot(), startDovecot({ testCa: true })]);
  scratch = await mkdtemp(join(tmpdir(), 'mail-inspector-trust-'));
  otherPin = pinOf((await createCertificate(scratch, 'other')).pem);
});

after(async () => {
  await Promise.all([selfSigned?.stop(), caSigned?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

type Mode = 'imap-tls' | 'imap-starttls' | 'pop3-tls' | 'pop3-stls';
const MODES: Mode[] = ['imap-tls', 'imap-starttls', 'pop3-tls', 'pop3-stls'];

interface Handle {
  store: MailStore;
  lines: TrafficLine[];
  credentials: RecordingCredentials;
}

/** A store on `server` that does not trust the server's CA unless `account` says so (caFile, pin). */
function open(server: DovecotServer, mode: Mode, account: Partial<AccountDefinition> = {}): Handle {
  const credentials = new RecordingCredentials(server.users[0]!.password);
  if (mode.startsWith('imap')) {
    const security = mode === 'imap-tls' ? 'tls' : 'starttls';
    const h = imapStore(server, { security, ...account }, { trustCa: false, credentials });
    return { store: h.store, lines: h.lines, credentials };
  }
  const security = mode === 'pop3-tls' ? 'tls' : 'starttls';
  const port = mode === 'pop3-tls' ? server.ports.pop3s : server.ports.pop3;
  const f = pop3Fixture(server, { account: { security, port, ...account }, trustCa: false, credentials });
  return { store: f.store, lines: f.lines, credentials };
}

const sentCredentials = (lines: TrafficLine[]): boolean => lines.some((l) => l.direction === 'client' && /^(\S+ (LOGIN|AUTHENTICATE)\b|USER|PASS|AUTH|APOP)/i.test(l.text));

for (const mode of MODES) {
  test(`${mode}: an untrusted self-signed certificate is a certificate error carrying its fingerprint; no password asked`, async () => {
    const h = open(selfSigned, mode);
    try {
      await assert.rejects(h.store.listFolders(), (e: unknown) => {
        assert.ok(MailError.is(e, 'certificate'), String(e));
        assert.equal(e.detail?.kind, 'certificate');
        assert.ok(e.detail?.kind === 'certificate');
        assert.equal(e.detail.presented.fingerprint, pinOf(selfSigned.ca));
        assert.equal(e.detail.presented.selfSigned, true);
        assert.equal(e.detail.presented.subject, 'CN=localhost');
        assert.equal(e.detail.pinned, undefined);
        assert.ok(e.message.includes(pinOf(selfSigned.ca)), e.message);
        assert.match(e.message, /self-signed/);
        assert.doesNotMatch(e.message, /--use-system-ca|command.line/i);
        return true;
      });
      assert.equal(h.credentials.calls, 0, 'the password was asked for an untrusted server');
      assert.ok(!sentCredentials(h.lines));
    } finally {
      await h.store.close();
    }
  });

  test(`${mode}: with the certificate pinned, the same server is trusted`, async () => {
    const h = open(selfSigned, mode, { pinnedCertificate: pinOf(selfSigned.ca) });
    try {
      assert.equal((await h.store.listFolders())[0]!.path, 'INBOX');
      assert.ok(h.lines.some((l) => l.direction === 'info' && l.text === `certificate matches the pinned fingerprint ${pinOf(selfSigned.ca)}`));
      assert.equal(h.credentials.calls, 1);
    } finally {
      await h.store.close();
    }
  });

  test(`${mode}: a pin of another certificate refuses the server and names both fingerprints`, async () => {
    const h = open(selfSigned, mode, { pinnedCertificate: otherPin });
    try {
      await assert.rejects(h.store.listFolders(), (e: unknown) => {
        assert.ok(MailError.is(e, 'certificate'), String(e));
        assert.ok(e.message.includes(otherPin), `pinned fingerprint missing: ${e.message}`);
        assert.ok(e.message.includes(pinOf(selfSigned.ca)), `presented fingerprint missing: ${e.message}`);
        assert.ok(e.detail?.kind === 'certificate');
        assert.equal(e.detail.pinned, otherPin);
        return true;
      });
      assert.equal(h.credentials.calls, 0);
      assert.ok(!sentCredentials(h.lines));
    } finally {
      await h.store.close();
    }
  });
}

test('a pin replaces verification: a CA-signed certificate whose CA is unknown is accepted by its pin, and refused without', async () => {
  const leaf = pinOf(await readFile(join(caSigned.dir, 'cert.pem'))); // the server's own certificate, not the CA's
  const pinned = open(caSigned, 'imap-tls', { pinnedCertificate: leaf });
  try {
    assert.ok((await pinned.store.listFolders()).length > 0);
  } finally {
    await pinned.store.close();
  }
  const plain = open(caSigned, 'imap-tls');
  try {
    await assert.rejects(plain.store.listFolders(), (e: unknown) => MailError.is(e, 'certificate') && e.detail?.kind === 'certificate' && e.detail.presented.fingerprint === leaf && !e.detail.presented.selfSigned);
  } finally {
    await plain.store.close();
  }
});

for (const mode of MODES) {
  test(`${mode}: caFile naming the test CA trusts the server it issued the certificate for`, async () => {
    const h = open(caSigned, mode, { caFile: caSigned.caFile });
    try {
      assert.ok((await h.store.listFolders()).length > 0);
      assert.ok(h.lines.some((l) => l.direction === 'info' && l.text === 'certificate verified'));
    } finally {
      await h.store.close();
    }
  });
}

test('the test CA in caFile does not make a certificate it did not issue trusted', async () => {
  const h = open(selfSigned, 'imap-tls', { caFile: caSigned.caFile });
  try {
    await assert.rejects(h.store.listFolders(), (e: unknown) => MailError.is(e, 'certificate'));
  } finally {
    await h.store.close();
  }
});

for (const mode of ['imap-tls', 'pop3-tls'] as const) {
  test(`${mode}: an unreadable caFile is a config error that names the file, before anything is connected`, async () => {
    for (const [caFile, why] of [[join(scratch, 'missing.pem'), /no such file/], [scratch, /folder/], [join(scratch, 'other-key.pem'), /no PEM certificate/]] as const) {
      const h = open(caSigned, mode, { caFile });
      try {
        await assert.rejects(h.store.listFolders(), (e: unknown) => {
          assert.ok(MailError.is(e, 'config'), String(e));
          assert.ok(e.message.includes(caFile), e.message);
          assert.match(e.message, why);
          return true;
        });
        assert.deepEqual(h.lines, [], 'a connection was opened');
        assert.equal(h.credentials.calls, 0);
      } finally {
        await h.store.close();
      }
    }
  });
}
