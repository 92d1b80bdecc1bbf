import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { maskedEcho, splitTag, trailingLiteral, typedSecret } from '../../src/core/console/consoleLine';

test('a typed tag is recognised when a command name follows it; otherwise the console adds its own', () => {
  assert.deepEqual(splitTag('a1 NOOP'), { tag: 'a1', rest: 'NOOP' });
  assert.deepEqual(splitTag('x.7 uid fetch 1 FLAGS'), { tag: 'x.7', rest: 'uid fetch 1 FLAGS' });
  assert.deepEqual(splitTag('NOOP'), { rest: 'NOOP' });
  assert.deepEqual(splitTag('LIST "" *'), { rest: 'LIST "" *' });
  assert.deepEqual(splitTag('UID FETCH 1 FLAGS'), { rest: 'UID FETCH 1 FLAGS' });
  // Not a tag: a "+" (RFC 3501 tag syntax), or no command after it.
  assert.deepEqual(splitTag('a+ NOOP'), { rest: 'a+ NOOP' });
  assert.deepEqual(splitTag('t1 XYZZY'), { rest: 't1 XYZZY' });
});

test('a literal announced at the end of a line: synchronizing or LITERAL+', () => {
  assert.deepEqual(trailingLiteral('APPEND INBOX {12}'), { bytes: 12, synchronizing: true });
  assert.deepEqual(trailingLiteral('APPEND INBOX (\\Seen) {310+}'), { bytes: 310, synchronizing: false });
  assert.equal(trailingLiteral('APPEND INBOX {12} x'), undefined);
  assert.equal(trailingLiteral('NOOP'), undefined);
});

test('the secret of a typed line is masked in the echo, one * per character, and found for scrubbing', () => {
  assert.equal(maskedEcho('imap', 'LOGIN alice secret-pw'), 'LOGIN alice *********');
  assert.equal(maskedEcho('imap', 'a1 login "al ice" "p\\"w"'), 'a1 login "al ice" ******');
  assert.equal(maskedEcho('imap', 'LOGIN alice'), 'LOGIN alice', 'nothing to mask before the password starts');
  assert.equal(maskedEcho('imap', 'AUTHENTICATE PLAIN AGFsaWNl'), 'AUTHENTICATE PLAIN ********');
  assert.equal(maskedEcho('imap', 'NOOP'), 'NOOP');
  assert.equal(maskedEcho('pop3', 'PASS hunter2'), 'PASS *******');
  assert.equal(maskedEcho('pop3', 'APOP alice c4c9334bac560ecc979e58001b3e22fb'), `APOP alice ${'*'.repeat(32)}`);
  assert.equal(maskedEcho('pop3', 'AUTH PLAIN AGFsaWNl'), 'AUTH PLAIN ********');
  assert.equal(maskedEcho('pop3', 'USER alice'), 'USER alice');
  assert.equal(typedSecret('imap', 'LOGIN alice "p\\"w\\\\x"'), 'p"w\\x', 'a quoted password as the server reads it');
  assert.equal(typedSecret('imap', 'C9 LOGIN alice s3cret'), 's3cret');
  assert.equal(typedSecret('pop3', 'PASS hunter2'), 'hunter2');
  assert.equal(typedSecret('pop3', 'STAT'), undefined);
});
