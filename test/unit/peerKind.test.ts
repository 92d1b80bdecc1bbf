import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { peerKindOf, quotedGreeting } from '../../src/core/diagnose/peerKind';
import { wrongPortError } from '../../src/core/diagnose/wrongPort';

test('the first bytes of a port name its protocol', () => {
  const cases: [string | Buffer, string][] = [
    ['* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n', 'imap'],
    ['* PREAUTH welcome\r\n', 'imap'],
    ['* BYE too many connections\r\n', 'imap'],
    ['+OK Dovecot ready.\r\n', 'pop3'],
    ['-ERR [SYS/TEMP] try later\r\n', 'pop3'],
    ['220 mx.example.com ESMTP Postfix\r\n', 'smtp'],
    ['220-mx.example.com ESMTP\r\n220 more\r\n', 'smtp'],
    ['554 no service\r\n', 'smtp'],
    ['HTTP/1.1 400 Bad Request\r\n\r\n', 'http'],
    [Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46]), 'tls'],
    [Buffer.from([0x16, 0x03, 0x01, 0x00, 0x10]), 'tls'],
    ['SSH-2.0-OpenSSH_9.2\r\n', 'other'],
  ];
  for (const [bytes, kind] of cases) assert.equal(peerKindOf(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1')), kind, String(bytes));
});

test('greetings are quoted on one line, printable and short', () => {
  assert.equal(quotedGreeting(Buffer.from('220 mx ESMTP\r\n250 x\r\n')), '220 mx ESMTP');
  assert.equal(quotedGreeting(Buffer.from([0x2b, 0x4f, 0x4b, 0x20, 0x07, 0xe9])), '+OK ??');
  assert.equal(quotedGreeting(Buffer.from('x'.repeat(300))).length, 101);
});

test('only findings that contradict the account are explained', () => {
  const imapStarttls = { protocol: 'imap', security: 'starttls', port: 143 } as const;
  assert.equal(wrongPortError(imapStarttls, { plain: 'imap', greeting: '* OK' }), undefined);
  assert.equal(wrongPortError(imapStarttls, { plain: 'other' }), undefined, 'an unknown answer is left to the protocol error');
  assert.equal(wrongPortError({ protocol: 'pop3', security: 'tls', port: 995 }, { tls: true, inTls: 'pop3' }), undefined);
  assert.match(wrongPortError({ protocol: 'imap', security: 'starttls', port: 993 }, { plain: 'tls', tls: true, inTls: 'imap' })?.message ?? '', /^Port 993 expects TLS from the first byte: choose TLS for this account\.$/);
  assert.match(wrongPortError({ protocol: 'imap', security: 'tls', port: 995 }, { tls: true, inTls: 'pop3' })?.message ?? '', /^Port 995 speaks POP3 over TLS, not IMAP\./);
});
