import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ImapMasker, Pop3Masker } from '../../src/core/traffic/masking';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';

test('IMAP LOGIN keeps the user and masks the password, quoted or atom or literal', () => {
  const m = new ImapMasker();
  assert.equal(m.client('A1 LOGIN "alice" "s3cr\\"et"'), 'A1 LOGIN "alice" ****');
  assert.equal(m.client('2 login alice hunter2'), '2 login alice ****');
});

test('IMAP LOGIN with literals (a non-ASCII user, a password as literal): only the password\'s bytes are masked, however the reads fall', () => {
  const script = ['3 LOGIN {6+}\r\n', 'jörg {12+}\r\n', 'sec ret pass\r\n', '4 LIST "" "*"\r\n'].join('');
  for (const chunk of [1, 4, 100]) {
    const lines: TrafficLine[] = [];
    const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 100 }).open('imap');
    const bytes = Buffer.from(script, 'utf8');
    for (let i = 0; i < bytes.length; i += chunk) tap.client(bytes.subarray(i, i + chunk));
    tap.server(Buffer.from('3 OK Logged in\r\n'));
    assert.deepEqual(lines.filter((l) => l.direction === 'client').map((l) => l.text), ['3 LOGIN {6+}', 'jörg {12+}', '****', '4 LIST "" "*"']);
    assert.equal(lines.filter((l) => l.direction === 'client').reduce((n, l) => n + l.bytes, 0), bytes.length, 'every byte counted');
  }
});

test('IMAP LOGIN with a quoted user and a literal password, and an atom user with a quoted password holding a space', () => {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 100 }).open('imap');
  tap.client(Buffer.from('5 LOGIN "al ice" {3}\r\n'));
  tap.server(Buffer.from('+ go\r\n'));
  tap.client(Buffer.from('p\x01w\r\n6 LOGIN bob "a b"\r\n', 'latin1'));
  assert.deepEqual(lines.filter((l) => l.direction === 'client').map((l) => l.text), ['5 LOGIN "al ice" {3}', '****', '6 LOGIN bob ****']);
});

test('IMAP AUTHENTICATE masks the initial response and every continuation until the tagged reply', () => {
  const m = new ImapMasker();
  assert.equal(m.client('A2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA=='), 'A2 AUTHENTICATE PLAIN ****');
  m.server('+ ');
  assert.equal(m.client('AGFsaWNlAHNlY3JldA=='), '****');
  m.server('A2 OK Logged in');
  assert.equal(m.client('A3 SELECT INBOX'), 'A3 SELECT INBOX');
});

test('IMAP AUTHENTICATE without an initial response masks the next line', () => {
  const m = new ImapMasker();
  assert.equal(m.client('A2 AUTHENTICATE PLAIN'), 'A2 AUTHENTICATE PLAIN');
  m.server('+ ');
  assert.equal(m.client('AGFsaWNlAHNlY3JldA=='), '****');
  m.server('* CAPABILITY IMAP4rev1');
  assert.equal(m.client('still-secret'), '****');
  m.server('A2 NO [AUTHENTICATIONFAILED] Authentication failed.');
  assert.equal(m.client('A3 LOGOUT'), 'A3 LOGOUT');
});

test('POP3 masks PASS, APOP digest and AUTH payloads', () => {
  const m = new Pop3Masker();
  assert.equal(m.client('USER alice'), 'USER alice');
  assert.equal(m.client('PASS hunter2'), 'PASS ****');
  assert.equal(m.client('APOP alice c4c9334bac560ecc979e58001b3e22fb'), 'APOP alice ****');
  assert.equal(m.client('AUTH PLAIN AGFsaWNlAHNlY3JldA=='), 'AUTH PLAIN ****');
  m.server('+OK Logged in.');
  assert.equal(m.client('AUTH PLAIN'), 'AUTH PLAIN');
  m.server('+ ');
  assert.equal(m.client('AGFsaWNlAHNlY3JldA=='), '****');
  m.server('+OK Logged in.');
  assert.equal(m.client('STAT'), 'STAT');
});

test('the tap scrubs the password from any line, even one no masker recognises', () => {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 100 }).open('imap', ['hunter2']);
  tap.client(Buffer.from('A9 XWEIRD hunter2 more\r\n'));
  tap.server(Buffer.from('* NO you said hunter2\r\n'));
  tap.info('note with hunter2');
  assert.ok(lines.length >= 3);
  for (const l of lines) assert.ok(!l.text.includes('hunter2'), l.text);
  assert.equal(lines[0]?.text, 'A9 XWEIRD **** more');
});

test('withheld client writes are shown by their masked description', () => {
  const lines: TrafficLine[] = [];
  const tap = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 100 }).open('imap');
  tap.clientWithheld('A1 LOGIN "alice" "pw-is-here"');
  assert.deepEqual(lines.map((l) => [l.direction, l.text]), [['client', 'A1 LOGIN "alice" ****']]);
});
