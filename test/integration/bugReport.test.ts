import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import { AccountDefinition } from '../../src/core/accounts/account';
import { fixedPassword } from '../../src/core/credentials/credentialProvider';
import { bugReportMarkdown, ReportDiagnosis } from '../../src/core/diagnose/bugReport';
import { reportDiagnosis } from '../../src/core/diagnose/bugReportDiagnosis';
import { DEFAULT_LIMITS } from '../../src/core/mailStore';
import { apopDigest, apopTimestamp, login } from '../../src/core/pop3/pop3Auth';
import { Pop3Transport } from '../../src/core/pop3/pop3Transport';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { DovecotServer, startDovecot } from '../servers/dovecot';
import { imapStore } from './support/imapFixture';
import { pop3Fixture } from './pop3Fixture';

// Copy Bug Report (issue 13 point 3): real sessions against Dovecot, one per login method, each into a tap of its
// own, then the report of that tap's record with the account's diagnosis (which logs in too, through the same tap).
// The report must hold no password and no authentication payload in any form a careless log could leak, and with
// redaction no host name, user name or address either.

let server: DovecotServer;
const MESSAGE = [
  'From: Bob Example <bob.example@example.org>',
  'To: alice@example.com',
  'Subject: Report check',
  'Message-ID: <report-check@mail.example.org>',
  '',
  'Hello.',
  '',
].join('\r\n');

before(async () => {
  server = await startDovecot({ apop: true });
  await server.addMessages(server.users[0]!.user, 'INBOX', [{ raw: MESSAGE }]);
});

after(async () => {
  await server?.stop();
});

interface Session {
  account: AccountDefinition;
  tap: TrafficTap;
  /** The line that shows the login, masked. */
  shows: RegExp;
}

const NOW_SETTINGS = { pageSize: 50, accounts: [] as unknown[], 'traffic.maxLiteralBytes': 4096 };

async function imapSession(loginMethod: 'LOGIN' | 'AUTH=PLAIN'): Promise<Session> {
  const handle = imapStore(server, { security: 'none' }, { loginMethod });
  await handle.store.listFolders();
  await handle.store.listMessages('INBOX', 0, 10);
  await handle.store.close();
  return { account: handle.store.account, tap: handle.tap, shows: loginMethod === 'LOGIN' ? /C: \S+ LOGIN "?alice"? \*\*\*\*/ : /C: \S+ AUTHENTICATE PLAIN/ };
}

async function pop3Session(method: 'user-pass' | 'sasl-plain' | 'apop'): Promise<Session> {
  if (method === 'user-pass') {
    // Dovecot offers SASL PLAIN, which the store prefers: USER/PASS is driven on a transport to the same server.
    const tap = new TrafficTap(() => undefined, { maxLiteralBytes: 4096 });
    const transport = new Pop3Transport({ host: server.host, port: server.ports.pop3NoTls, implicitTls: false, trust: { extraCa: [], pinnedCertificate: undefined, allowInvalidCertificate: false }, limits: DEFAULT_LIMITS, tap: tap.open('pop3') });
    await transport.connect();
    await login(transport, 'user-pass', server.users[0]!.user, server.users[0]!.password, transport.greeting);
    await transport.multiline(1 << 20, 'RETR', 1);
    await transport.simple('QUIT');
    transport.close();
    const account: AccountDefinition = { id: 'report-pop3', label: 'Report POP3', protocol: 'pop3', host: server.host, port: server.ports.pop3NoTls, security: 'none', user: server.users[0]!.user, allowInvalidCertificate: false, useApop: false };
    return { account, tap, shows: /C: PASS \*\*\*\*$/m };
  }
  const fixture = pop3Fixture(server, { account: { useApop: method === 'apop' } });
  await fixture.store.listFolders();
  await fixture.store.listMessages('INBOX', 0, 10);
  await fixture.store.fetchRaw('INBOX', (await fixture.store.listMessages('INBOX', 0, 1)).messages[0]!.id);
  await fixture.store.close();
  return { account: fixture.account, tap: fixture.tap, shows: method === 'apop' ? /C: APOP alice \*\*\*\*$/m : /C: AUTH PLAIN \*\*\*\*$/m };
}

async function report(session: Session, redact: boolean): Promise<{ text: string; diagnosis: ReportDiagnosis }> {
  const diagnosis = await reportDiagnosis(session.account, { credentials: fixedPassword(server.users[0]!.password), limits: DEFAULT_LIMITS, ca: server.ca, tap: session.tap });
  const text = bugReportMarkdown({
    account: session.account,
    madeAt: new Date(),
    versions: { extension: '0.1.0', vscode: '1.95.0', node: process.versions.node, platform: `${process.platform} ${process.arch}` },
    settings: { ...NOW_SETTINGS, accounts: [{ ...session.account }] },
    record: session.tap.record,
    trafficMinutes: 15,
    diagnosis,
    ...(redact ? { redact: { hosts: [session.account.host], users: [session.account.user] } } : {}),
  });
  return { text, diagnosis };
}

/** The password and every form a log could leak it in: base64 of it, SASL PLAIN payloads, the APOP digest. */
function leaks(session: Session): string[] {
  const { user, password } = server.users[0]!;
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const forms = [password, b64(password), b64(`\0${user}\0${password}`), b64(`${user}\0${user}\0${password}`), b64(user)];
  for (const c of session.tap.record.connections()) {
    const timestamp = c.greeting ? apopTimestamp(c.greeting) : undefined;
    if (timestamp) forms.push(apopDigest(timestamp, password));
  }
  return forms;
}

const METHODS = [
  ['IMAP LOGIN', () => imapSession('LOGIN')],
  ['IMAP AUTHENTICATE PLAIN', () => imapSession('AUTH=PLAIN')],
  ['POP3 USER/PASS', () => pop3Session('user-pass')],
  ['POP3 AUTH PLAIN', () => pop3Session('sasl-plain')],
  ['POP3 APOP', () => pop3Session('apop')],
] as const;

for (const [name, run] of METHODS) {
  test(`${name}: the report holds the diagnosis and the traffic, but no password or authentication payload`, async () => {
    const session = await run();
    const { text, diagnosis } = await report(session, false);
    assert.ok('markdown' in diagnosis, `the diagnosis ran: ${'skipped' in diagnosis ? diagnosis.skipped : ''}`);
    assert.match(text, /^## Diagnosis\b/m);
    assert.match(text, /^## Traffic of the last 15 minutes$/m);
    assert.match(text, session.shows, 'the login is in the traffic, masked');
    for (const form of leaks(session)) assert.ok(!text.includes(form), `${name}: "${form}" is in the report`);
    if (name === 'POP3 APOP') assert.ok(leaks(session).length > 5, 'the APOP digest was checked for');
  });
}

test('with redaction: no host, user or address is left, in the diagnosis, the settings or the traffic', async () => {
  for (const [name, run] of [METHODS[0], METHODS[4]] as const) {
    const session = await run();
    const { text } = await report(session, true);
    assert.ok(!text.includes('127.0.0.1'), `${name}: the host address is in the report`);
    assert.ok(!/localhost/i.test(text), `${name}: the certificate's host name is in the report`);
    assert.ok(!/(?<![A-Za-z0-9])alice(?![A-Za-z0-9])/i.test(text), `${name}: the user name is in the report`);
    const addresses = [...text.matchAll(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g)].map((m) => m[0]).filter((a) => !a.endsWith('@example.invalid'));
    assert.deepEqual(addresses, [], `${name}: addresses are in the report`);
    assert.ok(!/example\.(org|com)/.test(text), `${name}: a domain is in the report`);
    assert.match(text, /host-1/);
    assert.match(text, /user-1/);
    if (session.account.protocol === 'imap') assert.match(text, /address-\d+@example\.invalid/, 'the listing\'s addresses are replaced, not dropped');
  }
});
