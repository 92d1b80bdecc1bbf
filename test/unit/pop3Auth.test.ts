import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import {
  apopDigest,
  apopTimestamp,
  chooseLogin,
  hasCapability,
  login,
  parseCapabilities,
  Pop3Commander,
  saslMechanisms,
  saslPlainResponse,
} from '../../src/core/pop3/pop3Auth';
import { errReplyToMailError, Pop3ErrReply, responseCode } from '../../src/core/pop3/pop3Errors';
import { Pop3Reply } from '../../src/core/pop3/replyReader';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';

const DOVECOT_CAPA = parseCapabilities(Buffer.from('CAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n'));

test('CAPA lines are parsed; capability names and SASL mechanisms match case-insensitively', () => {
  assert.deepEqual(DOVECOT_CAPA, ['CAPA', 'TOP', 'UIDL', 'RESP-CODES', 'PIPELINING', 'AUTH-RESP-CODE', 'STLS', 'USER', 'SASL PLAIN LOGIN']);
  assert.ok(hasCapability(DOVECOT_CAPA, 'stls'));
  assert.ok(!hasCapability(DOVECOT_CAPA, 'PLAIN'));
  assert.deepEqual(saslMechanisms(['sasl plain cram-md5']), ['PLAIN', 'CRAM-MD5']);
});

test('APOP digest: the example of RFC 1939 §7', () => {
  const greeting = 'POP3 server ready <1896.697170952@dbc.mtview.ca.us>';
  assert.equal(apopTimestamp(greeting), '<1896.697170952@dbc.mtview.ca.us>');
  assert.equal(apopDigest('<1896.697170952@dbc.mtview.ca.us>', 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
  assert.equal(apopTimestamp('Dovecot ready.'), undefined);
});

test('SASL PLAIN response is base64 of NUL user NUL password (RFC 4616), UTF-8', () => {
  assert.equal(saslPlainResponse('tim', 'tanstaaftanstaaf'), 'AHRpbQB0YW5zdGFhZnRhbnN0YWFm');
  assert.deepEqual(Buffer.from(saslPlainResponse('jörg', 'pässwörd'), 'base64'), Buffer.from('\0jörg\0pässwörd', 'utf8'));
});

test('login method: SASL PLAIN when advertised, else USER/PASS; APOP only when asked and offered', () => {
  assert.equal(chooseLogin(false, DOVECOT_CAPA, 'Dovecot ready.'), 'sasl-plain');
  assert.equal(chooseLogin(false, ['USER', 'SASL LOGIN'], 'ready'), 'user-pass');
  assert.equal(chooseLogin(false, undefined, 'ready <1@x>'), 'user-pass');
  assert.equal(chooseLogin(true, DOVECOT_CAPA, 'ready <1@x>'), 'apop');
  assert.throws(() => chooseLogin(true, DOVECOT_CAPA, 'Dovecot ready.'), (err: unknown) => MailError.is(err, 'config'));
});

/** A connection that answers from a script and records the commands, sending them through a real tap. */
function scripted(replies: (Pop3Reply | string)[]): { connection: Pop3Commander; sent: string[]; lines: TrafficLine[] } {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((line) => lines.push(line), { maxLiteralBytes: 1000 }).open('pop3');
  const sent: string[] = [];
  const connection: Pop3Commander = {
    async simple(...args) {
      const line = args.join(' ');
      sent.push(line);
      tap.client(Buffer.from(`${line}\r\n`));
      const reply = replies.shift();
      if (reply === undefined) throw new Error('unexpected command');
      if (typeof reply === 'string') {
        tap.server(Buffer.from(`-ERR ${reply}\r\n`));
        throw new Pop3ErrReply(reply);
      }
      tap.server(Buffer.from(`${reply.kind === 'ok' ? '+OK' : '+'} ${reply.text}\r\n`));
      return reply;
    },
  };
  return { connection, sent, lines };
}

const OK = (text = ''): Pop3Reply => ({ kind: 'ok', text });

test('APOP with a fake greeting: the digest is sent and masked in the traffic log', async () => {
  // Unit test because the Dovecot harness offers no APOP (auth_mechanisms = plain login); the flow is
  // checked end to end against Dovecot with APOP enabled in test/integration/pop3Security.test.ts.
  const { connection, sent, lines } = scripted([OK('Logged in.')]);
  await login(connection, 'apop', 'mrose', 'tanstaaf', 'POP3 server ready <1896.697170952@dbc.mtview.ca.us>');
  assert.deepEqual(sent, ['APOP mrose c4c9334bac560ecc979e58001b3e22fb']);
  assert.deepEqual(lines.filter((l) => l.direction === 'client').map((l) => l.text), ['APOP mrose ****']);
  assert.ok(!JSON.stringify(lines).includes('c4c9334b'));
});

test('SASL PLAIN and USER/PASS: the secret never reaches the traffic log', async () => {
  const plain = scripted([OK('Logged in.')]);
  await login(plain.connection, 'sasl-plain', 'tim', 'tanstaaftanstaaf', 'ready');
  assert.deepEqual(plain.sent, ['AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm']);
  assert.deepEqual(plain.lines.filter((l) => l.direction === 'client').map((l) => l.text), ['AUTH PLAIN ****']);

  const userPass = scripted([OK(), OK('Logged in.')]);
  await login(userPass.connection, 'user-pass', 'tim', 'tanstaaf', 'ready');
  assert.deepEqual(userPass.sent, ['USER tim', 'PASS tanstaaf']);
  assert.deepEqual(userPass.lines.filter((l) => l.direction === 'client').map((l) => l.text), ['USER tim', 'PASS ****']);
});

test('a SASL continuation after the initial response is cancelled with "*", whose line is masked too', async () => {
  const { connection, sent, lines } = scripted([{ kind: 'continue', text: '' }, 'cancelled']);
  await assert.rejects(login(connection, 'sasl-plain', 'tim', 'pw', 'ready'), (err: unknown) => MailError.is(err, 'protocol'));
  assert.equal(sent[1], '*');
  assert.deepEqual(lines.filter((l) => l.direction === 'client').map((l) => l.text), ['AUTH PLAIN ****', '****']);
});

test('login failures: wrong password is auth, [IN-USE] is inUse with the explanation, [SYS/TEMP] is server', async () => {
  const wrong = scripted([OK(), '[AUTH] Authentication failed.']);
  await assert.rejects(login(wrong.connection, 'user-pass', 'tim', 'bad', 'ready'), (err: unknown) => MailError.is(err, 'auth') && err.serverText === '[AUTH] Authentication failed.');
  const uncoded = scripted(['Authentication failed.']);
  await assert.rejects(login(uncoded.connection, 'sasl-plain', 'tim', 'bad', 'ready'), (err: unknown) => MailError.is(err, 'auth'));
  const locked = scripted(['[IN-USE] Mailbox is locked by another POP3 session.']);
  await assert.rejects(login(locked.connection, 'sasl-plain', 'tim', 'pw', 'ready'), (err: unknown) => MailError.is(err, 'inUse') && /another POP3 session/.test(err.explanation) && /locked/.test(err.message));
  const temp = scripted(['[SYS/TEMP] Try later']);
  await assert.rejects(login(temp.connection, 'sasl-plain', 'tim', 'pw', 'ready'), (err: unknown) => MailError.is(err, 'server'));
});

test('-ERR mapping outside login: codes decide, STLS refusal is a TLS error, the rest is server with its words', () => {
  assert.equal(responseCode('[SYS/PERM] gone'), 'SYS/PERM');
  assert.equal(responseCode('no code'), undefined);
  assert.equal(errReplyToMailError('[IN-USE] locked', 'command', 'RETR 1').reason, 'inUse');
  assert.equal(errReplyToMailError('not now', 'stls', 'STLS').reason, 'tls');
  const err = errReplyToMailError('No such message', 'command', 'RETR 9');
  assert.equal(err.reason, 'server');
  assert.equal(err.serverText, 'No such message');
  assert.match(err.message, /RETR 9/);
});
