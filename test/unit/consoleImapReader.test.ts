import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ImapResponseReader } from '../../src/core/console/imapResponseReader';

const wire = '* 1 FETCH (UID 1 BODY[] {23}\r\nC9 OK not a reply\r\nx\r\n)\r\n+ go ahead\r\nC2 OK [READ-ONLY] done\r\n';

test("the console's reader hands over each response's first line, skipping literals, however the bytes are split", () => {
  for (const size of [1, 2, 7, wire.length]) {
    const heads: string[] = [];
    const reader = new ImapResponseReader((line) => heads.push(line));
    const bytes = Buffer.from(wire);
    for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
    assert.deepEqual(heads, ['* 1 FETCH (UID 1 BODY[] {23}', '+ go ahead', 'C2 OK [READ-ONLY] done'], `reads of ${size} bytes`);
  }
});

test('reset() during a response (STARTTLS said OK) drops the rest of the chunk: nothing sent in clear after it is read', () => {
  const heads: string[] = [];
  const reader: ImapResponseReader = new ImapResponseReader((line) => {
    heads.push(line);
    if (line.startsWith('C1 OK')) reader.reset();
  });
  reader.push(Buffer.from('C1 OK Begin TLS negotiation now\r\n* OK injected\r\nC2 OK injected\r\n'));
  assert.deepEqual(heads, ['C1 OK Begin TLS negotiation now']);
  reader.push(Buffer.from('* OK after\r\n'));
  assert.deepEqual(heads.at(-1), '* OK after');
});
