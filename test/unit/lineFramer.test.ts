import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { FramedLine, ImapLineFramer, Pop3LineFramer } from '../../src/core/traffic/lineFramer';
import { TrafficLine } from '../../src/core/traffic/trafficLine';
import { TrafficTap } from '../../src/core/traffic/trafficTap';
import { renderTrafficBytes } from '../../src/core/traffic/trafficText';

/** A framed line as text: its bytes rendered, an elision as the tap words it. */
function shown(out: string[]): (line: FramedLine) => void {
  return (line) => out.push(line.kind === 'elided' ? (line.payloadTotal !== undefined ? `… ${line.wire} bytes elided (literal of ${line.payloadTotal} bytes)` : `… ${line.wire} bytes elided`) : renderTrafficBytes(line.bytes) + (line.cut > 0 ? ` … ${line.cut} bytes of this line elided` : ''));
}

function frame(framer: { push(b: Buffer): void }, input: string, chunkSize: number): void {
  const bytes = Buffer.from(input, 'latin1');
  for (let i = 0; i < bytes.length; i += chunkSize) framer.push(bytes.subarray(i, i + chunkSize));
}

test('an IMAP literal over the limit shows its first bytes and the elided count, however it is split', () => {
  const body = 'Subject: hi\r\n\r\n' + 'x'.repeat(5000);
  const input = `* 1 FETCH (UID 7 BODY[] {${body.length}}\r\n${body})\r\nA5 OK done\r\n`;
  for (const chunk of [1, 7, 4096, 100000]) {
    const out: string[] = [];
    frame(new ImapLineFramer({ maxPayloadBytes: 20 }, shown(out)), input, chunk);
    assert.equal(out[0], `* 1 FETCH (UID 7 BODY[] {${body.length}}`);
    assert.equal(out[1], 'Subject: hi');
    assert.match(out.join('\n'), new RegExp(`… ${body.length - 20} bytes elided \\(literal of ${body.length} bytes\\)`));
    assert.equal(out.at(-2), ')');
    assert.equal(out.at(-1), 'A5 OK done');
  }
});

test('a literal under the limit is shown whole', () => {
  const out: string[] = [];
  frame(new ImapLineFramer({ maxPayloadBytes: 4096 }, shown(out)), '* 1 FETCH (BODY[HEADER] {14}\r\nSubject: a\r\n\r\n)\r\n', 3);
  assert.deepEqual(out, ['* 1 FETCH (BODY[HEADER] {14}', 'Subject: a', '', ')']);
  assert.ok(!out.join('').includes('elided'));
});

test('an over-long line is cut, not buffered whole', () => {
  const out: string[] = [];
  frame(new ImapLineFramer({ maxPayloadBytes: 10, maxLineBytes: 50 }, shown(out)), `* OK ${'y'.repeat(1000)}\r\n`, 64);
  assert.equal(out.length, 1);
  assert.match(out[0] ?? '', /^\* OK y+ … 957 bytes of this line elided$/);
});

test('POP3 multi-line bodies are elided past the limit and end at the dot, split anywhere', () => {
  const body = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\r\n');
  const input = `+OK 1234 octets\r\n${body}\r\n.\r\n+OK next\r\n`;
  for (const chunk of [1, 2, 5, 1000]) {
    const out: string[] = [];
    const framer = new Pop3LineFramer({ maxPayloadBytes: 30 }, shown(out));
    framer.expectMultiline();
    frame(framer, input, chunk);
    assert.deepEqual(out.slice(0, 4), ['+OK 1234 octets', 'line 0', 'line 1', 'line 2']);
    assert.match(out.join('\n'), /… \d+ bytes elided\n\.\n\+OK next$/);
  }
});

test('an elided POP3 body is counted to the byte, the same however it is split (stuffed dots, bare LF, long lines, ".\\r")', () => {
  const lines = ['Subject: x', '', ...Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? `..stuffed ${i}` : i % 11 === 0 ? `bare ${i}\n` : i % 13 === 0 ? 'z'.repeat(150) : i % 17 === 0 ? '.\r' : `line ${i}`))];
  const body = lines.join('\r\n');
  const input = `+OK big\r\n${body}\r\n.\r\n+OK after\r\n`;
  let reference: string[] | undefined;
  for (const chunk of [1, 2, 3, 5, 7, 64, 1000, 100000]) {
    const out: string[] = [];
    let wire = 0;
    const framer = new Pop3LineFramer({ maxPayloadBytes: 40, maxLineBytes: 100 }, (line) => {
      wire += line.wire;
      shown(out)(line);
    });
    framer.expectMultiline();
    frame(framer, input, chunk);
    assert.equal(wire, Buffer.byteLength(input, 'latin1'), `every byte accounted for (chunks of ${chunk})`);
    assert.deepEqual(out.slice(-2), ['.', '+OK after']);
    if (reference) assert.deepEqual(out, reference, `chunks of ${chunk}`);
    reference = out;
  }
});

test('IMAP lines are framed alike however the bytes are split (whole lines in one read, or pieces): literals, bare LF, long lines', () => {
  const literal = 'Subject: a {3}\r\n\r\nbody ends in {3}';
  const input = [
    '* 1 FETCH (UID 1 FLAGS (\\Seen) ENVELOPE ("Mon, 1 Jan 2024 00:00:00 +0000" "hi" NIL NIL NIL NIL NIL NIL NIL "<a@b>"))\r\n',
    `* 2 FETCH (UID 2 BODY[] {${Buffer.byteLength(literal)}}\r\n${literal} FLAGS ())\r\n`,
    '* 3 FETCH (UID 3)\n',
    `* OK ${'w'.repeat(300)}\r\n`,
    '* 4 FETCH (UID 4 BODY[HEADER] {0}\r\n)\r\n',
    'A7 OK done\r\n',
    '* BYE bare CR\r',
  ].join('');
  const framed = (chunk: number): string[] => {
    const out: string[] = [];
    const framer = new ImapLineFramer({ maxPayloadBytes: 12, maxLineBytes: 200 }, (l) => out.push(JSON.stringify({ ...l, bytes: l.bytes.toString('latin1') })));
    frame(framer, input, chunk);
    framer.flush();
    return out;
  };
  const whole = framed(100000);
  assert.ok(whole.length > 8);
  for (const chunk of [1, 2, 3, 5, 7, 13, 64, 4096]) assert.deepEqual(framed(chunk), whole, `chunks of ${chunk}`);
});

test('a POP3 -ERR reply to a multi-line command has no body', () => {
  const out: string[] = [];
  const framer = new Pop3LineFramer({ maxPayloadBytes: 30 }, shown(out));
  framer.expectMultiline();
  frame(framer, '-ERR no such message\r\n+OK fine\r\n', 4);
  assert.deepEqual(out, ['-ERR no such message', '+OK fine']);
});

test('the tap counts bytes per connection and in total', () => {
  const lines: TrafficLine[] = [];
  const traffic = new TrafficTap((l) => lines.push(l), { maxLiteralBytes: 10 });
  const a = traffic.open('imap');
  const b = traffic.open('imap');
  a.client(Buffer.from('A1 NOOP\r\n'));
  b.server(Buffer.from('* OK hi\r\n'));
  assert.deepEqual(a.counts, { sent: 9, received: 0 });
  assert.deepEqual(traffic.totals, { sent: 9, received: 9 });
  assert.notEqual(a.id, b.id);
  assert.deepEqual(lines.map((l) => `${l.connection} ${l.direction} ${l.text}`), [`${a.id} client A1 NOOP`, `${b.id} server * OK hi`]);
});
