import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as tls from 'node:tls';
import { CredentialProvider, fixedPassword } from '../../src/core/credentials/credentialProvider';
import { diagnose, DiagnoseTarget, Diagnosis, diagnosisMarkdown } from '../../src/core/diagnose/diagnosis';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { formatTrafficLine, TrafficTap } from '../../src/core/traffic/trafficTap';
import { createCertificate } from '../servers/certificate';
import { capabilitiesWithout, DovecotServer, startDovecot } from '../servers/dovecot';
import { startPop3CapaProxy } from '../servers/pop3CapaProxy';
import { generateMessage } from '../servers/sampleMail';

// Diagnose Connection (issue 13, point 1) against Dovecot's TLS, STARTTLS and no-TLS listeners, IMAP and POP3:
// the report's sections and findings. Two fakes, each said where it is used: a Node TLS listener that accepts
// TLS 1.0 (Dovecot here refuses it, as it should), and a proxy that adds EXPIRE/LOGIN-DELAY to Dovecot's CAPA.
let server: DovecotServer;
let noIdle: DovecotServer;
const PASSWORD = 'alice-secret-pw';
const LIMITS = { ...DEFAULT_LIMITS, connectTimeoutMs: 5_000, greetingTimeoutMs: 5_000 };

before(async () => {
  server = await startDovecot({ apop: true });
  await server.addMessages('alice', 'INBOX', [{ raw: generateMessage(1) }, { raw: generateMessage(2) }]);
  await server.addMessages('alice', 'Sent', [{ raw: generateMessage(3) }]);
  noIdle = await startDovecot({ imapCapability: capabilitiesWithout('IDLE') });
});

after(async () => {
  await server?.stop();
  await noIdle?.stop();
});

interface Run {
  d: Diagnosis;
  md: string;
  traffic: string;
  steps: string[];
}

async function run(target: Partial<DiagnoseTarget> & Pick<DiagnoseTarget, 'protocol' | 'port' | 'security'>, options: { credentials?: CredentialProvider | false; ca?: Buffer | false } = {}): Promise<Run> {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 4096 });
  const steps: string[] = [];
  const d = await diagnose(
    { host: '127.0.0.1', user: 'alice', ...target },
    {
      limits: LIMITS,
      tap,
      onStep: (s) => steps.push(s),
      ...(options.credentials === false ? {} : { credentials: options.credentials ?? fixedPassword(PASSWORD) }),
      ...(options.ca === false ? {} : { ca: options.ca ?? server.ca }),
    },
  );
  const md = diagnosisMarkdown(d);
  const traffic = lines.map(formatTrafficLine).join('\n');
  // Whatever happened, no password and no AUTH PLAIN payload in the report, the result or the traffic.
  const payload = Buffer.from(`\0alice\0${PASSWORD}`).toString('base64');
  for (const [what, text] of [['report', md], ['result', JSON.stringify(d)], ['traffic', traffic]] as const) {
    assert.ok(!text.includes(PASSWORD), `${what} holds the password`);
    assert.ok(!text.includes(payload), `${what} holds the AUTH PLAIN payload`);
  }
  return { d, md, traffic, steps };
}

const findings = (d: Diagnosis): string => d.findings.map((f) => `${f.severity}: ${f.text}`).join('\n');

test('IMAP on the TLS listener: every section, and the findings of the harness certificate', async () => {
  const { d, md, traffic, steps } = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls' });
  assert.equal(d.stopped, undefined, findings(d));
  assert.equal(d.resolution?.literal, true);
  assert.ok(d.resolution.addresses[0]!.connectMs !== undefined);
  assert.equal(d.tls?.mode, 'implicit');
  assert.match(d.tls.facts?.protocol ?? '', /^TLSv1\.[23]$/);
  assert.equal(d.tls.facts?.chain[0]?.key, 'EC prime256v1');
  assert.equal(d.tls.accepted, true);
  assert.deepEqual(d.tls.weakVersions.map((w) => [w.version, w.accepted]), [['TLSv1', false], ['TLSv1.1', false]]);
  assert.match(d.greeting ?? '', /^\* OK /);
  const imap = d.imap!;
  assert.equal(imap.capabilitiesBeforeTls, undefined);
  assert.ok(imap.capabilitiesAfterTls?.includes('AUTH=PLAIN'));
  assert.ok(imap.capabilitiesAfterLogin?.includes('IDLE'));
  assert.equal(imap.id?.['name'], 'Dovecot');
  assert.match(imap.namespace ?? '', /^\(\("" "\/"\)\)/);
  assert.deepEqual(imap.enableAsked, ['CONDSTORE', 'QRESYNC']);
  assert.deepEqual(imap.enabled, ['CONDSTORE', 'QRESYNC']);
  assert.match(imap.quotaNote ?? '', /does not offer QUOTA/);
  const sent = imap.folders?.find((f) => f.name === 'Sent');
  assert.equal(sent?.specialUse, '\\Sent');
  assert.equal(sent?.messages, 1);
  assert.ok((sent?.size ?? 0) > 0, 'STATUS SIZE');
  assert.equal(imap.folders?.find((f) => f.name === 'INBOX')?.messages, 2);
  assert.deepEqual(d.login?.attempts.map((a) => [a.mechanism, a.ok]), [['AUTHENTICATE PLAIN', true]]);
  assert.match(d.login.attempts[0]!.answer, /^OK \[CAPABILITY …\] Logged in$/);
  // Findings: the harness certificate is self-signed (trusted as the CA given) and valid for 30 days.
  assert.match(findings(d), /^warning: The certificate expires in (29|30) days/m);
  assert.match(findings(d), /^info: The certificate is self-signed, and trusted/m);
  assert.doesNotMatch(findings(d), /STARTTLS|plain text|IDLE|TLS 1\.0/);
  for (const heading of ['# Diagnosis: IMAP 127.0.0.1:', '## Findings', '## Name resolution and TCP', '## TLS', '## Greeting', '## IMAP', '### Folders', '## Login', '## Timing']) {
    assert.ok(md.includes(heading), `report has ${heading}`);
  }
  assert.match(md, /\| `Sent` \| `\\Sent` \| 1 \| /);
  assert.ok(steps.includes('Login (AUTHENTICATE PLAIN)') && steps.includes('ENABLE') && steps.includes('TLS 1.0 and 1.1'), steps.join(', '));
  assert.ok(d.steps.every((s) => s.ms >= 0));
  // The conversation went through the tap, masked.
  assert.match(traffic, /C: D\d+ AUTHENTICATE PLAIN \*\*\*/);
});

test('IMAP on the STARTTLS listener: capabilities before and after STARTTLS; plain-text login allowed', async () => {
  const { d } = await run({ protocol: 'imap', port: server.ports.imap, security: 'starttls' });
  assert.equal(d.stopped, undefined, findings(d));
  assert.equal(d.tls?.mode, 'starttls');
  assert.equal(d.tls.upgradeOffered, true);
  assert.equal(d.tls.required, false);
  assert.ok(d.tls.facts);
  assert.ok(d.imap?.capabilitiesBeforeTls?.includes('STARTTLS'));
  assert.ok(!d.imap!.capabilitiesAfterTls?.includes('STARTTLS'));
  assert.ok(d.imap!.capabilitiesAfterLogin?.includes('IDLE'));
  assert.equal(d.login?.attempts[0]?.ok, true);
  assert.deepEqual(d.tls.weakVersions.map((w) => w.accepted), [false, false]);
  assert.match(findings(d), /^warning: The server accepts a password in plain text, before TLS \(its capabilities before STARTTLS offer LOGIN or AUTH=…\)/m);
  assert.doesNotMatch(findings(d), /does not offer STARTTLS/);
});

test('IMAP on the no-TLS listener: STARTTLS not offered; an account asking for STARTTLS stops before sending anything', async () => {
  const plain = await run({ protocol: 'imap', port: server.ports.imapNoTls, security: 'none' });
  assert.equal(plain.d.stopped, undefined, findings(plain.d));
  assert.equal(plain.d.tls?.mode, 'none');
  assert.equal(plain.d.tls.upgradeOffered, false);
  assert.equal(plain.d.tls.facts, undefined);
  assert.equal(plain.d.login?.attempts[0]?.ok, true, 'security "none": the account would log in in clear, and so does the diagnosis');
  assert.match(findings(plain.d), /^warning: The server does not offer STARTTLS on port \d+: the password and the mail travel in clear/m);
  assert.match(findings(plain.d), /^warning: The server accepts a password in plain text/m);
  const asked = await run({ protocol: 'imap', port: server.ports.imapNoTls, security: 'starttls' });
  assert.match(asked.d.stopped ?? '', /does not offer STARTTLS/);
  assert.equal(asked.d.login, undefined, 'no login tried');
  assert.match(findings(asked.d), /^error: The diagnosis stopped: The server does not offer STARTTLS/m);
  assert.match(findings(asked.d), /^error: The server does not offer STARTTLS on port/m);
  assert.ok(asked.md.includes('> Stopped: '));
});

test('without credentials, or with an untrusted certificate, it stops before login and still reads what the server offers', async () => {
  const none = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls' }, { credentials: false });
  assert.match(none.d.login?.skipped ?? '', /stop before login/);
  assert.ok(none.d.imap?.capabilitiesAfterTls?.includes('AUTH=PLAIN'));
  assert.equal(none.d.imap!.capabilitiesAfterLogin, undefined);
  assert.doesNotMatch(findings(none.d), /IDLE/, 'no verdict on IDLE without the capabilities after login');
  let asked = 0;
  const counting: CredentialProvider = { get: () => (asked++, Promise.resolve(PASSWORD)), invalidate: () => undefined };
  const untrusted = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls' }, { credentials: counting, ca: false });
  assert.equal(asked, 0, 'the password was not even asked for');
  assert.equal(untrusted.d.tls?.accepted, false);
  assert.match(untrusted.d.login?.skipped ?? '', /certificate is not trusted/);
  assert.match(findings(untrusted.d), /^warning: The certificate is self-signed: nobody but the server vouches for it/m);
  assert.match(findings(untrusted.d), /allowInvalidCertificate/);
  const allowed = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls', allowInvalidCertificate: true }, { ca: false });
  assert.equal(allowed.d.login?.attempts[0]?.ok, true, 'allowInvalidCertificate: the account would log in, and so does the diagnosis');
});

test('a refused password: the mechanism, the server\'s answer and its time; the provider is told', async () => {
  let invalidated = 0;
  const wrong: CredentialProvider = { get: () => Promise.resolve('not-the-password'), invalidate: () => void invalidated++ };
  const { d, md } = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls' }, { credentials: wrong });
  assert.equal(d.login?.attempts[0]?.ok, false);
  assert.match(d.login.attempts[0]!.answer, /NO \[AUTHENTICATIONFAILED\]/);
  assert.equal(invalidated, 1);
  assert.match(findings(d), /^error: The server refused the login \(AUTHENTICATE PLAIN\): D\d+ NO|^error: The server refused the login \(AUTHENTICATE PLAIN\): NO/m);
  assert.ok(!md.includes('not-the-password') && !JSON.stringify(d).includes('not-the-password'));
});

test('IMAP without IDLE: said as a finding', async () => {
  const { d } = await run({ protocol: 'imap', port: noIdle.ports.imaps, security: 'tls' }, { ca: noIdle.ca });
  assert.ok(d.imap?.capabilitiesAfterLogin && !d.imap.capabilitiesAfterLogin.includes('IDLE'));
  assert.match(findings(d), /^warning: The server does not offer IDLE/m);
});

test('POP3 on the TLS, STLS and no-TLS listeners: CAPA before and after STLS and login, SASL, APOP timestamp, UIDL, TOP', async () => {
  const secure = await run({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls' });
  assert.equal(secure.d.stopped, undefined, findings(secure.d));
  const p = secure.d.pop3!;
  assert.ok(p.capaAfterTls?.includes('UIDL'));
  assert.ok(p.capaAfterLogin?.includes('UIDL'));
  assert.ok(p.saslMechanisms.includes('PLAIN'));
  assert.match(p.apopTimestamp ?? '', /^<.+>$/);
  assert.equal(p.uidl, true);
  assert.equal(p.top, true);
  assert.equal(p.expire, undefined);
  assert.deepEqual(secure.d.login?.attempts.map((a) => [a.mechanism, a.ok]), [['AUTH PLAIN', true]]);
  for (const heading of ['## TLS', '## Greeting', '## POP3', '## Login']) assert.ok(secure.md.includes(heading));
  assert.match(secure.md, /- EXPIRE: not announced/);
  assert.match(secure.traffic, /C: AUTH PLAIN \*\*\*/);

  const stls = await run({ protocol: 'pop3', port: server.ports.pop3, security: 'starttls' });
  assert.equal(stls.d.tls?.mode, 'starttls');
  assert.ok(stls.d.pop3?.capaBeforeTls?.includes('STLS'));
  assert.ok(!stls.d.pop3!.capaAfterTls?.includes('STLS'));
  assert.match(findings(stls.d), /^warning: The server accepts a password in plain text, before TLS \(its CAPA before STLS offers USER or SASL\)/m);

  const plain = await run({ protocol: 'pop3', port: server.ports.pop3NoTls, security: 'none' });
  assert.equal(plain.d.tls?.upgradeOffered, false);
  assert.match(findings(plain.d), /^warning: The server does not offer STLS/m);

  const apop = await run({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls', useApop: true });
  assert.deepEqual(apop.d.login?.attempts.map((a) => [a.mechanism, a.ok]), [['APOP', true]]);
  assert.match(apop.traffic, /C: APOP alice \*\*\*/);
});

test('POP3 EXPIRE and LOGIN-DELAY in words, from Dovecot announcing them (through a CAPA-extending proxy: Dovecot has no setting for them)', async () => {
  const proxy = await startPop3CapaProxy({ host: '127.0.0.1', port: server.ports.pop3NoTls }, { add: { beforeLogin: ['EXPIRE 30 USER', 'LOGIN-DELAY 900 USER'], afterLogin: ['EXPIRE 30', 'LOGIN-DELAY 900'] } });
  try {
    const { d, md } = await run({ protocol: 'pop3', port: proxy.port, security: 'none' });
    assert.equal(d.stopped, undefined, findings(d));
    assert.ok(d.pop3?.capaBeforeTls?.includes('EXPIRE 30 USER'));
    assert.deepEqual(d.pop3!.expire, { value: '30', words: 'The server deletes messages 30 days after they were retrieved, even if the client leaves them there.' });
    assert.equal(d.pop3!.loginDelay?.value, '900');
    assert.match(d.pop3!.loginDelay.words, /one login every 15 minutes at most/);
    assert.match(findings(d), /^info: EXPIRE 30: The server deletes messages 30 days after they were retrieved/m);
    assert.match(md, /- LOGIN-DELAY: `900` — The server allows one login every 15 minutes at most/);
  } finally {
    await proxy.close();
  }
});

test('a server that still accepts TLS 1.0 and 1.1 (a Node listener: Dovecot here refuses them)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mi-diagnosis-'));
  const own = await createCertificate(dir);
  const listener = tls.createServer({ cert: await readFile(own.certFile), key: await readFile(own.keyFile), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => {
    socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] fake ready\r\n');
    socket.on('data', (chunk: Buffer) => {
      const tag = chunk.toString().split(' ')[0];
      socket.write(`${tag} OK done\r\n`);
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  let old: tls.Server | undefined;
  try {
    const port = (listener.address() as net.AddressInfo).port;
    const { d } = await run({ protocol: 'imap', port, security: 'tls' }, { credentials: false });
    assert.deepEqual(d.tls?.weakVersions.map((w) => [w.version, w.accepted]), [['TLSv1', true], ['TLSv1.1', true]]);
    assert.match(findings(d), /^warning: The server accepts TLS 1\.0, which is obsolete/m);
    assert.match(findings(d), /^warning: The server accepts TLS 1\.1/m);
    // One that speaks nothing newer than TLS 1.0: our handshake (TLS 1.2 and up) fails, and the probe says why.
    old = tls.createServer({ cert: await readFile(own.certFile), key: await readFile(own.keyFile), minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (socket) => socket.end('* OK fake\r\n'));
    await new Promise<void>((resolve) => old!.listen(0, '127.0.0.1', resolve));
    const only = await run({ protocol: 'imap', port: (old.address() as net.AddressInfo).port, security: 'tls' }, { credentials: false });
    assert.ok(only.d.stopped, 'the conversation could not start');
    assert.deepEqual(only.d.tls?.weakVersions.map((w) => [w.version, w.accepted]), [['TLSv1', true], ['TLSv1.1', false]]);
    assert.match(findings(only.d), /^warning: The server accepts TLS 1\.0/m);
  } finally {
    listener.close();
    old?.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a host name: every address it resolves to, each connect timed (Dovecot listens on 127.0.0.1 only)', async () => {
  const { d } = await run({ protocol: 'imap', host: 'localhost', port: server.ports.imaps, security: 'tls' });
  assert.equal(d.resolution?.literal, false);
  const v4 = d.resolution.addresses.find((a) => a.address === '127.0.0.1');
  assert.ok(v4?.connectMs !== undefined, JSON.stringify(d.resolution));
  assert.equal(d.tls?.facts?.hostnameMatches, true, 'the harness certificate names localhost');
  const v6 = d.resolution.addresses.filter((a) => a.family === 6);
  for (const a of v6) assert.match(a.error ?? '', /refused/, 'nothing listens on ::1');
  if (v6.length > 0) assert.match(findings(d), /^warning: \d of \d addresses of localhost do not accept a connection/m);
  assert.equal(d.login?.attempts[0]?.ok, true);
});

test('a wrong port is explained, not waited for: plain text to the TLS port, TLS to the plain port, IMAP to the POP3 port', async () => {
  const started = Date.now();
  const silent = await run({ protocol: 'imap', port: server.ports.imaps, security: 'starttls' });
  assert.match(silent.d.stopped ?? '', /^Port \d+ expects TLS from the first byte: choose TLS for this account/);
  assert.ok(Date.now() - started < LIMITS.greetingTimeoutMs, 'explained before the greeting timeout');
  assert.equal(silent.d.login, undefined);
  const handshake = await run({ protocol: 'pop3', port: server.ports.pop3, security: 'tls' });
  assert.match(handshake.d.stopped ?? '', /^Port \d+ speaks POP3 without TLS .*choose STARTTLS for this port, or TLS on port 995/);
  const foreign = await run({ protocol: 'imap', port: server.ports.pop3NoTls, security: 'none' });
  assert.match(foreign.d.stopped ?? '', /^Port \d+ speaks POP3 \(it sent "\+OK .*"\), not IMAP/);
  assert.match(findings(foreign.d), /^error: The diagnosis stopped: Port \d+ speaks POP3/m);
});

test('the ways to log in that the server offers are listed', async () => {
  const imap = await run({ protocol: 'imap', port: server.ports.imaps, security: 'tls' }, { credentials: false });
  assert.deepEqual(imap.d.login?.offered, ['AUTHENTICATE PLAIN', 'AUTHENTICATE LOGIN', 'LOGIN']);
  assert.match(imap.md, /^Offered: `AUTHENTICATE PLAIN` `AUTHENTICATE LOGIN` `LOGIN`$/m);
  const pop3 = await run({ protocol: 'pop3', port: server.ports.pop3s, security: 'tls' }, { credentials: false });
  assert.deepEqual(pop3.d.login?.offered, ['USER/PASS', 'AUTH PLAIN', 'AUTH LOGIN', 'APOP']);
});

test('a name that does not resolve, a port nobody listens on, and a cancelled diagnosis', async () => {
  const unknown = await run({ protocol: 'imap', host: 'no-such-host.invalid', port: 993, security: 'tls' });
  assert.match(unknown.d.stopped ?? '', /could not be resolved/);
  assert.match(findings(unknown.d), /^error: no-such-host\.invalid could not be resolved/m);
  const closed = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const refused = await run({ protocol: 'pop3', port: closed, security: 'tls' });
  assert.match(refused.d.resolution?.addresses[0]?.error ?? '', /refused/);
  assert.match(findings(refused.d), /^error: No address of 127\.0\.0\.1 accepts a connection/m);
  const controller = new AbortController();
  const started = Date.now();
  const cancelled = diagnose({ protocol: 'imap', host: '127.0.0.1', port: server.ports.imaps, security: 'tls', user: 'alice' }, { limits: LIMITS, ca: server.ca, credentials: fixedPassword(PASSWORD), signal: controller.signal, onStep: (s) => s === 'Greeting' && controller.abort() });
  const d = await cancelled;
  assert.match(d.stopped ?? '', /cancelled/);
  assert.ok(Date.now() - started < 3_000);
});
