import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MailError } from '../../src/core/errors';
import { parseStatusLine, Pop3Reply, Pop3ReplyReader } from '../../src/core/pop3/replyReader';

type Event = { status: Pop3Reply } | { body: string } | 'end';

/** Feeds `pieces`; replies whose text starts with "multi" are treated as multi-line. */
function read(pieces: (string | Buffer)[]): Event[] {
  const events: Event[] = [];
  let body = '';
  const reader = new Pop3ReplyReader(
    {
      status: (reply) => {
        events.push({ status: reply });
        return reply.kind === 'ok' && reply.text.startsWith('multi') ? 1000 : undefined;
      },
      body: (bytes) => {
        body += bytes.toString('latin1');
      },
      end: () => {
        events.push({ body }, 'end');
        body = '';
      },
    },
    100,
  );
  for (const piece of pieces) reader.push(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece);
  return events;
}

const CONVERSATION = '+OK ready <1.2@x>\r\n+OK multi 2 lines\r\n1 a\r\n..2\r\n.\r\n-ERR [IN-USE] locked\r\n+ \r\n+OK multi\r\n.\r\n+OK done\r\n';
const EXPECTED: Event[] = [
  { status: { kind: 'ok', text: 'ready <1.2@x>' } },
  { status: { kind: 'ok', text: 'multi 2 lines' } },
  { body: '1 a\r\n.2\r\n' },
  'end',
  { status: { kind: 'err', text: '[IN-USE] locked' } },
  { status: { kind: 'continue', text: '' } },
  { status: { kind: 'ok', text: 'multi' } },
  { body: '' },
  'end',
  { status: { kind: 'ok', text: 'done' } },
];

test('status lines and multi-line bodies arriving in one read', () => {
  assert.deepEqual(read([CONVERSATION]), EXPECTED);
});

test('the same conversation one byte per read (node-pop3 expects a status line at the start of every read)', () => {
  assert.deepEqual(read([...CONVERSATION]), EXPECTED);
});

test('a terminator split across two reads completes the reply (node-pop3 issue #36)', () => {
  for (const split of ['\r\n.', '\r\n', '\r', '\r\n.\r']) {
    const at = CONVERSATION.indexOf('..2\r\n.\r\n') + '..2'.length + split.length;
    assert.deepEqual(read([CONVERSATION.slice(0, at), CONVERSATION.slice(at)]), EXPECTED, `split after ${JSON.stringify(split)}`);
  }
});

test('status lines: +OK, -ERR, SASL continuation; anything else is a protocol error', () => {
  assert.deepEqual(parseStatusLine('+OK'), { kind: 'ok', text: '' });
  assert.deepEqual(parseStatusLine('+ok 2 320'), { kind: 'ok', text: '2 320' });
  assert.deepEqual(parseStatusLine('-ERR no such message'), { kind: 'err', text: 'no such message' });
  assert.deepEqual(parseStatusLine('+ dXNlcg=='), { kind: 'continue', text: 'dXNlcg==' });
  assert.deepEqual(parseStatusLine('+'), { kind: 'continue', text: '' });
  assert.throws(() => parseStatusLine('* OK IMAP here'), (err: unknown) => MailError.is(err, 'protocol'));
  assert.throws(() => parseStatusLine('+OKAY'), (err: unknown) => MailError.is(err, 'protocol'));
});

test('a status line longer than the limit fails with a limit error instead of being buffered', () => {
  assert.throws(() => read(['+OK ' + 'x'.repeat(200)]), (err: unknown) => MailError.is(err, 'limit'));
});
