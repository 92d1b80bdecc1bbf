import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { MultilineBody } from '../../src/core/pop3/multilineBody';

/** Decodes `pieces` (the server's bytes as split into reads); returns the body and what followed it. */
function decode(pieces: Buffer[], limit = 1 << 20): { body: Buffer; rest: Buffer | undefined } {
  const decoder = new MultilineBody(limit);
  const out: Buffer[] = [];
  for (const [i, piece] of pieces.entries()) {
    const rest = decoder.push(piece, (bytes) => out.push(Buffer.from(bytes)));
    if (rest !== undefined) return { body: Buffer.concat(out), rest: Buffer.concat([rest, ...pieces.slice(i + 1)]) };
  }
  return { body: Buffer.concat(out), rest: undefined };
}

/** What a server sends for a message: lines starting with "." get another "." (RFC 1939 §3), then ".\r\n". */
function stuff(message: Buffer): Buffer {
  const text = message.toString('latin1');
  return Buffer.from(text.replace(/(^|\r\n)\./g, '$1..') + '.\r\n', 'latin1');
}

function splitAt(bytes: Buffer, ...cuts: number[]): Buffer[] {
  const points = [0, ...cuts, bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i], end));
}

function byteAtATime(bytes: Buffer): Buffer[] {
  return [...bytes].map((b) => Buffer.from([b]));
}

const TRICKY = Buffer.concat([
  Buffer.from('Subject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\x0a-not the end? no: that was CRLF\r\n', 'latin1'),
  Buffer.from('. \r\n.\rX\r\n\r\r\n.\r\r\nCaf\xe9 cr\xe8me \xff\x80\r\nbare\nLF then dot\n.still content\r\nlast line\r\n', 'latin1'),
]);

test('a body is returned byte for byte, CRLF kept, without the terminator; what follows is handed back', () => {
  const { body, rest } = decode([Buffer.from('a\r\nb\r\n.\r\n+OK next\r\n')]);
  assert.equal(body.toString(), 'a\r\nb\r\n');
  assert.equal(rest?.toString(), '+OK next\r\n');
});

test('an empty body is just the terminator', () => {
  const { body, rest } = decode([Buffer.from('.\r\n')]);
  assert.equal(body.length, 0);
  assert.equal(rest?.length, 0);
});

test('dot-stuffing is undone: "..x" is ".x" and ".." alone is "."', () => {
  assert.equal(decode([Buffer.from('..x\r\n..\r\n.y\r\n.\r\n')]).body.toString(), '.x\r\n.\r\ny\r\n');
});

test('8-bit bytes, lone CRs and a "." after a bare LF are content', () => {
  const raw = Buffer.from('caf\xe9\r\na\rb\r\nc\n.d\r\n', 'latin1');
  assert.deepEqual(decode([stuff(raw)]).body, raw);
});

test('every split into two reads gives the same bytes, including a terminator split as "\\r\\n." + "\\r\\n"', () => {
  const wire = stuff(TRICKY);
  for (let cut = 0; cut <= wire.length; cut++) {
    const { body, rest } = decode(splitAt(wire, cut));
    assert.deepEqual(body, TRICKY, `split at ${cut}`);
    assert.equal(rest?.length, 0, `split at ${cut}`);
  }
});

test('one byte per read gives the same bytes (node-pop3 issue #36 never completes here)', () => {
  const { body, rest } = decode(byteAtATime(Buffer.concat([stuff(TRICKY), Buffer.from('+OK')])));
  assert.deepEqual(body, TRICKY);
  assert.equal(rest?.toString(), '+OK');
});

test('random messages of CR, LF, dots and 8-bit bytes survive stuffing and random splits', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const alphabet = [0x2e, 0x2e, 0x0d, 0x0a, 0x0d, 0x0a, 0x41, 0xe9, 0x20];
  for (let round = 0; round < 300; round++) {
    const bytes = Buffer.from(Array.from({ length: random(60) }, () => alphabet[random(alphabet.length)]!));
    const message = Buffer.concat([bytes, Buffer.from('\r\n')]);
    const wire = stuff(message);
    const cuts = Array.from({ length: random(5) }, () => random(wire.length + 1)).sort((a, b) => a - b);
    assert.deepEqual(decode(splitAt(wire, ...cuts)).body, message, `round ${round}: ${JSON.stringify(message.toString('latin1'))}`);
  }
});

test('a body larger than the limit fails with a limit error', () => {
  assert.throws(() => decode([Buffer.from('0123456789\r\n.\r\n')], 8), (err: unknown) => MailError.is(err, 'limit'));
  assert.equal(decode([Buffer.from('0123456789\r\n.\r\n')], 12).body.length, 12);
});
