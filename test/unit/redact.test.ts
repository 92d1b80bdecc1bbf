import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { Redactor } from '../../src/core/diagnose/redact';

test('host names, user names and addresses become placeholders, the same value the same placeholder', () => {
  const r = new Redactor({ hosts: ['mailhost', 'Mail.Example.com'], users: ['alice', 'bob@corp.example.net'] });
  const text = r.redact(
    [
      'Connecting to mail.example.com:993 (mailhost, 192.0.2.10, 2001:db8::25)',
      'C: 2 LOGIN "alice" ****',
      'From: Carol <carol@example.org>, bob@corp.example.net; again carol@example.org',
      'S: * OK imap.example.org Dovecot ready; MAILHOST says hi to Alice',
      '(("Dave" NIL "dave" "example.org"))',
    ].join('\n'),
  );
  assert.equal(
    text,
    [
      'Connecting to host-1:993 (host-2, host-3, host-4)',
      'C: 2 LOGIN "user-1" ****',
      'From: Carol <address-1@example.invalid>, address-2@example.invalid; again address-1@example.invalid',
      'S: * OK host-5 Dovecot ready; host-2 says hi to user-1',
      '(("Dave" NIL "address-3" "example.invalid"))',
    ].join('\n'),
  );
  assert.deepEqual(r.counts, { host: 5, user: 1, address: 3 });
  assert.equal(r.redact(text), text, 'a redacted text keeps its placeholders');
});

test('protocol words, settings keys, file names, times and fingerprints are not host names', () => {
  const r = new Redactor({ hosts: [], users: [] });
  const kept = [
    'C: 5 UID FETCH 1:* (BODY.PEEK[1] RFC822.SIZE)',
    '"mailInspector.cache.maxMegabytes": 200, "mailInspector.traffic.maxLiteralBytes": 4096',
    'attachment "report.pdf" and figures.bin, Node.js 20.1.2, TLSv1.3',
    '# 14:03:07.123 NOOP: OK, 0.42 ms',
    'pinned sha256/AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89',
  ].join('\n');
  assert.equal(r.redact(kept), kept);
  assert.equal(r.redact('the certificate names localhost and LOCALHOST'), 'the certificate names host-1 and host-1');
});
