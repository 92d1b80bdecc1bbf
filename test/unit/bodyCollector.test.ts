import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { BodyCollector } from '../../src/core/pop3/bodyCollector';

// A POP3 body is collected into room made for the size LIST announced (bodyCollector.ts); whatever the
// announcement, the bytes collected are exactly the bytes pushed, in order.

const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1 + ((i * 7919) % 3000), i));
const whole = Buffer.concat(chunks);

test('the same bytes with the size announced exactly, too small, too large, not at all, or zero', () => {
  for (const expected of [whole.length, 10, whole.length * 3, undefined, 0]) {
    const collector = new BodyCollector(expected);
    for (const chunk of chunks) collector.push(chunk);
    assert.ok(collector.bytes().equals(whole), `announced ${String(expected)}`);
  }
});

test('an empty body is empty; the bytes are a copy, not the chunks (a reused chunk cannot change them)', () => {
  assert.equal(new BodyCollector(100).bytes().length, 0);
  const collector = new BodyCollector(4);
  const chunk = Buffer.from('abcd');
  collector.push(chunk);
  chunk.fill(0x7a);
  assert.equal(collector.bytes().toString(), 'abcd');
});
