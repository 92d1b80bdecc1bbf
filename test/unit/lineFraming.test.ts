import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ImapStream } from 'imapflow/lib/handler/imap-stream';
import { frameLinesFast, Taken } from '../../src/core/imap/lineFraming';

// lineFraming.ts replaces the LINE state of imapflow's ImapStream (a byte-by-byte loop) with Buffer.indexOf on one
// connection's stream. It must frame exactly what imapflow frames: the same responses, literals and
// trailingAfterLine for the same bytes however TCP splits them, and the same failures for the same limits. Each
// case here goes through a stock ImapStream and a patched one and compares everything they push.

interface Pushed {
  payload: string;
  literals: string[];
  trailing: boolean;
}

interface Outcome {
  items: Pushed[];
  error?: string;
}

interface Limits {
  maxLineLength?: number;
  maxLiteralSize?: number;
  maxResponseSize?: number;
}

async function frame(chunks: readonly Buffer[], fast: boolean, limits: Limits = {}, taker?: (payload: Buffer, literals: Buffer[]) => Taken): Promise<Outcome> {
  const stream = new ImapStream(limits);
  if (fast) frameLinesFast(stream, taker);
  const items: Pushed[] = [];
  const done = new Promise<string | undefined>((resolve) => {
    stream.on('readable', () => {
      let item: { payload: Buffer; literals: Buffer[]; next: () => void; trailingAfterLine: boolean } | null;
      while ((item = stream.read() as typeof item) !== null) {
        items.push({ payload: item.payload.toString('latin1'), literals: item.literals.map((l) => l.toString('latin1')), trailing: item.trailingAfterLine });
        item.next();
      }
    });
    stream.on('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    stream.on('end', () => resolve(undefined));
  });
  // Each chunk waits for the stream to take the one before, as a socket's data does.
  for (const chunk of chunks) await new Promise<void>((resolve) => stream.write(chunk, () => resolve()));
  stream.end();
  const error = await done;
  return error === undefined ? { items } : { items, error };
}

async function same(chunks: readonly Buffer[], limits: Limits = {}): Promise<Outcome> {
  const stock = await frame(chunks, false, limits);
  const fast = await frame(chunks, true, limits);
  assert.deepEqual(fast, stock, `split ${chunks.map((c) => c.length).join('+')}`);
  return fast;
}

const WIRE = Buffer.from(
  [
    '* OK [CAPABILITY IMAP4rev1] ready\r\n',
    '* 1 FETCH (UID 7 FLAGS (\\Seen) ENVELOPE ("Mon, 1 Jan 2024 10:00:00 +0000" {5}\r\nhé\r\n NIL) RFC822.SIZE 10)\r\n',
    '\n',
    '* 2 FETCH (BODY[] {0}\r\n)\r\n',
    '* 3 FETCH (X {3}\r\n\r\n\n Y {2}\r\nab)\n',
    'A1 OK done\r\n',
    'partial tail without end',
  ].join(''),
  'latin1',
);

test('the same responses, literals and trailingAfterLine as imapflow for the bytes split at every position', async () => {
  const whole = await same([WIRE]);
  assert.equal(whole.items.length, 5, 'the empty line and the unterminated tail are not pushed');
  assert.deepEqual(whole.items[3]!.literals, ['\r\n\n', 'ab']);
  for (let cut = 1; cut < WIRE.length; cut++) await same([WIRE.subarray(0, cut), WIRE.subarray(cut)]);
});

test('the same for every chunk a byte long, and for random splits', async () => {
  await same(Array.from(WIRE, (b) => Buffer.from([b])));
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 50; round++) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < WIRE.length; ) {
      const size = 1 + random(40);
      chunks.push(WIRE.subarray(at, at + size));
      at += size;
    }
    await same(chunks);
  }
});

test('the same failures at the same limits: a long line, a long unterminated tail, a large literal, a large response', async () => {
  const long = Buffer.from(`* OK ${'x'.repeat(100)}\r\n`);
  assert.equal((await same([long], { maxLineLength: 50 })).error, 'LineTooLarge');
  assert.equal((await same([long.subarray(0, 80)], { maxLineLength: 50 })).error, 'LineTooLarge');
  assert.equal((await same([Buffer.from('* 1 FETCH (X {100}\r\n')], { maxLiteralSize: 10 })).error, 'LiteralTooLarge');
  const many = Buffer.from('* 1 FETCH (A {10}\r\n0123456789 B {10}\r\n0123456789 C {10}\r\n0123456789)\r\n');
  assert.equal((await same([many], { maxResponseSize: 40 })).error, 'ResponseTooLarge');
  for (let cut = 1; cut < many.length; cut += 7) await same([many.subarray(0, cut), many.subarray(cut)], { maxResponseSize: 40 });
  assert.equal((await same([many], { maxResponseSize: 10_000 })).items.length, 1);
});

test('a taker sees whole responses in order; what it takes is not pushed, and a promise it gives holds the next line back', async () => {
  const seen: string[] = [];
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let heldSince = 0;
  const outcome = frame([WIRE], true, {}, (payload, literals) => {
    const text = payload.toString('latin1');
    seen.push(text);
    if (text.startsWith('* 1 FETCH')) {
      assert.deepEqual(literals.map((l) => l.toString('latin1')), ['hé\r\n ']);
      heldSince = seen.length;
      return held;
    }
    return text.startsWith('* 2 FETCH') ? true : undefined;
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(seen.length, heldSince, 'nothing after the held response is framed until its promise settles');
  release();
  const { items, error } = await outcome;
  assert.equal(error, undefined);
  assert.deepEqual(
    seen.map((s) => s.slice(0, 9)),
    ['* OK [CAP', '* 1 FETCH', '* 2 FETCH', '* 3 FETCH', 'A1 OK don'],
  );
  assert.deepEqual(
    items.map((i) => i.payload.slice(0, 9)),
    ['* OK [CAP', '* 3 FETCH', 'A1 OK don'],
    'the taken lines (1 and 2) are not pushed; the rest are, in order',
  );
});

test('refuses a stream without the shape it was written for', () => {
  assert.throws(() => frameLinesFast({ state: 1 }), /lineFraming\.ts needs updating/);
  assert.throws(() => frameLinesFast(undefined), /lineFraming\.ts needs updating/);
});
