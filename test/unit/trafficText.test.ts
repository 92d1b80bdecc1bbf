import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { renderTrafficBytes } from '../../src/core/traffic/trafficText';
import { unrender } from '../support/unrender';

const bytes = (...parts: (string | number[])[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

test('valid UTF-8 is text, any other byte is \\xNN (never a Latin-1 guess)', () => {
  assert.equal(renderTrafficBytes(bytes('Subject: digest \u2013 issue 130')), 'Subject: digest \u2013 issue 130');
  assert.equal(renderTrafficBytes(bytes('smart ', [0x93], 'quotes', [0x94])), 'smart \\x93quotes\\x94');
  assert.equal(renderTrafficBytes(bytes('caf', [0xe9])), 'caf\\xe9', 'Latin-1 é is a byte, not "é"');
  assert.equal(renderTrafficBytes(bytes('\u00e9', [0xe2, 0x80], 'x')), '\u00e9\\xe2\\x80x', 'a cut sequence is bytes');
  assert.equal(renderTrafficBytes(bytes([0xc0, 0xaf, 0xed, 0xa0, 0x80])), '\\xc0\\xaf\\xed\\xa0\\x80', 'overlong and surrogate forms are invalid');
  assert.equal(renderTrafficBytes(bytes('\u{1f600}')), '\u{1f600}');
});

test('control characters are escaped, the line terminator is not part of the line', () => {
  assert.equal(renderTrafficBytes(bytes('a\tb\rc\x00d\x1b[31m\x7f')), 'a\\x09b\\x0dc\\x00d\\x1b[31m\\x7f');
  assert.equal(renderTrafficBytes(bytes('\u0085 \u2028 \u202e')), '\\xc2\\x85 \\xe2\\x80\\xa8 \\xe2\\x80\\xae', 'C1, line separator, bidi override');
});

test('a backslash reads as written unless it would look like an escape', () => {
  assert.equal(renderTrafficBytes(bytes('* FLAGS (\\Seen \\Answered)')), '* FLAGS (\\Seen \\Answered)');
  assert.equal(renderTrafficBytes(bytes('"a\\"b"')), '"a\\"b"');
  assert.equal(renderTrafficBytes(bytes('\\x93')), '\\\\x93', 'the text "\\x93" is not the byte 0x93');
  assert.equal(renderTrafficBytes(bytes('\\', [0x93])), '\\\\\\x93');
  assert.equal(renderTrafficBytes(bytes('\\\\')), '\\\\\\');
  assert.equal(renderTrafficBytes(bytes('end\\')), 'end\\');
});

test('the rendering is reversible for any bytes', () => {
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = [0x5c, 0x78, 0x30, 0x61, 0x93, 0xc3, 0xa9, 0xe2, 0x80, 0x93, 0xf0, 0x9f, 0x98, 0x80, 0x0d, 0x09, 0x00, 0x7f, 0xc2, 0x85, 0xff];
  for (let i = 0; i < 3000; i++) {
    const input = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.8 ? alphabet[Math.floor(random() * alphabet.length)]! : Math.floor(random() * 256))));
    const shown = renderTrafficBytes(input);
    assert.deepEqual(unrender(shown), input, `${input.toString('hex')} → ${shown}`);
    // eslint-disable-next-line no-control-regex -- no control character reaches the log
    assert.doesNotMatch(shown, /[\x00-\x1f\x7f-\x9f]/);
  }
});

test('printable ASCII with backslashes (the fast path FETCH lines take) is reversible too', () => {
  let seed = 777;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = '\\\\\\x0a "()S';
  for (let i = 0; i < 3000; i++) {
    const input = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 10) }, () => alphabet[Math.floor(random() * alphabet.length)]!).join(''), 'latin1');
    const shown = renderTrafficBytes(input);
    assert.deepEqual(unrender(shown), input, `${JSON.stringify(input.toString('latin1'))} → ${shown}`);
  }
});

test('the tap shows an IMAP literal and a POP3 body with 8-bit UTF-8 as text, and scrubs a non-ASCII password', () => {
  const lines: TrafficLine[] = [];
  const traffic = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 4096 });
  const imap = traffic.open('imap', ['pässwörd']);
  const header = bytes('Subject: digest \u2013 issue 130\r\nX-Bad: ', [0x93], '\r\n\r\n');
  imap.server(Buffer.concat([bytes(`* 1 FETCH (BODY[HEADER] {${header.length}}\r\n`), header, bytes(')\r\n')]));
  imap.server(bytes('* NO wrong pässwörd\r\n'));
  const pop3 = traffic.open('pop3');
  pop3.expectMultiline();
  pop3.server(bytes('+OK\r\nSubject: Gr\u00fc\u00dfe\r\n.\r\n'));
  assert.deepEqual(
    lines.filter((l) => l.direction === 'server').map((l) => l.text),
    [`* 1 FETCH (BODY[HEADER] {${header.length}}`, 'Subject: digest \u2013 issue 130', 'X-Bad: \\x93', '', ')', '* NO wrong ****', '+OK', 'Subject: Gr\u00fc\u00dfe', '.'],
  );
});
