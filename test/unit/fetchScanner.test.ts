import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { scanFetch } from '../../src/core/imap/fetchScanner';
import { frameOne, imapflowParse } from './support/imapFraming';

// fetchScanner.ts reads a listing's FETCH lines instead of imapflow's tokenizer. It must give exactly what imapflow's
// parser gives for the same framed bytes, or decline (undefined) and leave the line to imapflow. The bytes are framed
// by imapflow's own ImapStream, as on a connection, so line and literals are split the way the product sees them.

async function compare(wire: string | Buffer): Promise<'read' | 'declined'> {
  const item = await frameOne(wire);
  const scanned = scanFetch(item.payload, item.literals);
  if (scanned === undefined) return 'declined';
  assert.deepEqual(scanned, await imapflowParse(item), item.payload.toString());
  return 'read';
}

const ENVELOPE = '("Mon, 2 Mar 2026 10:00:00 +0000" "Hello" (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) (("Alice" NIL "alice" "example.com")) (("Bob" NIL "bob" "example.org")) NIL NIL NIL "<m.1@example.com>")';

test('the FETCH lines of a listing are read exactly as imapflow reads them', async () => {
  const readable = [
    `* 1 FETCH (UID 17 FLAGS (\\Seen) RFC822.SIZE 1234 ENVELOPE ${ENVELOPE} MODSEQ (99))\r\n`,
    `* 2 fetch (UID 18 FLAGS () ENVELOPE ${ENVELOPE.replace('"Hello"', 'NIL')})\r\n`,
    '* 3 FETCH (UID 19 FLAGS (\\Seen \\Answered $Forwarded Junk) ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 4 FETCH (UID 20 ENVELOPE (nil "a \\"quoted\\" \\\\ subject" ((nil NiL "undisclosed-recipients" NIL) (NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 5 FETCH (UID 21 ENVELOPE ("Tue, 3 Mar 2026 11:00:00 +0100" {12}\r\nhello\r\nthere (("Zoë Ünïcode" NIL "zoe" "example.com")) NIL NIL NIL NIL NIL NIL {0}\r\n NIL))\r\n',
    '* 6 FETCH (UID 22 ENVELOPE ("" "=?UTF-8?B?w5xiZXJ3ZWlzdW5n?=" (("Team" NIL "team" NIL) (NIL NIL "alice" "example.com") (NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 7 FETCH (UID 23 INTERNALDATE "02-Mar-2026 10:00:00 +0000" RFC822.SIZE 0 FLAGS (\\Deleted))\r\n',
    '* 8 FETCH (FLAGS (\\Seen) UID 24)\r\n',
    '* 9 FETCH (UID 25 MODSEQ (18446744073709551615))\r\n',
  ];
  for (const line of readable) assert.equal(await compare(line), 'read', line);
  // 8-bit that is not UTF-8, inside a quoted string: both read the line as UTF-8 (U+FFFD for the bad bytes).
  assert.equal(await compare(Buffer.concat([Buffer.from('* 10 FETCH (UID 26 ENVELOPE (NIL "caf'), Buffer.from([0xe9, 0x20, 0xc3]), Buffer.from('" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n')])), 'read');
});

test('anything else is left to imapflow', async () => {
  const declined = [
    '* 1 FETCH (UID 17 BODY[HEADER.FIELDS (SUBJECT)] {10}\r\nSubject:\r\n)\r\n', // a section
    '* 1 FETCH (UID 17 BODY[]<0> {2}\r\nab)\r\n', // a partial
    '* 1 FETCH (UID 17 BINARY[1] ~{2}\r\nab)\r\n', // literal8
    '* 1 FETCH (UID 17  FLAGS ())\r\n', // two spaces
    '* 1 FETCH (UID 17 FLAGS (\\*))\r\n', // \* is PERMANENTFLAGS' word, not a flag
    '* 1 FETCH (UID 1:5)\r\n', // a sequence set
    '* 1 FETCH (UID 17 FLAGS (Caf\u00e9))\r\n', // 8-bit atom
    '* 1 FETCH (UID 17) trailing\r\n',
    '* 1 FETCH UID 17\r\n',
    '* 1 EXPUNGE\r\n',
    '* OK [HIGHESTMODSEQ 5] done\r\n',
    'A1 OK FETCH completed\r\n',
    `* 1 FETCH (UID 17 ENVELOPE ${'('.repeat(20)}${')'.repeat(20)})\r\n`, // deeper than envelopes go
  ];
  for (const line of declined) assert.equal(await compare(line), 'declined', line);
});

test('random FETCH lines: read the same as imapflow, or left to it', async () => {
  let seed = 4242;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chars = ['a', 'Z', ' ', '"', '\\', '(', ')', '{', '}', 'é', '😀', '=?', '\t', '*', '%', '[', ']'];
  const text = (): string => Array.from({ length: Math.floor(random() * 8) }, () => pick(chars)).join('');
  const quoted = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const literal = (s: string): string => `{${Buffer.byteLength(s)}}\r\n${s}`;
  const value = (): string => {
    const s = text();
    const r = random();
    return r < 0.15 ? pick(['NIL', 'nil']) : r < 0.3 ? literal(s) : quoted(s);
  };
  const address = (): string => `(${value()} ${value()} ${value()} ${value()})`;
  const addresses = (): string => (random() < 0.2 ? 'NIL' : `(${Array.from({ length: 1 + Math.floor(random() * 3) }, address).join(' ')})`);
  let read = 0;
  for (let i = 0; i < 400; i++) {
    const envelope = `(${value()} ${value()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${value()} ${value()})`;
    const flags = Array.from({ length: Math.floor(random() * 3) }, () => pick(['\\Seen', '\\Flagged', '$Junk', 'custom_1', '\\*', 'a]b'])).join(' ');
    const items = [`UID ${i + 1}`, `FLAGS (${flags})`, `ENVELOPE ${envelope}`, `RFC822.SIZE ${Math.floor(random() * 1e6)}`];
    if (random() < 0.5) items.reverse();
    const line = `* ${i + 1} FETCH (${items.join(' ')})\r\n`;
    const outcome = await compare(line);
    // Only `\*` and `a]b` among the flags make it decline; everything else must be read.
    if (!flags.includes('\\*') && !flags.includes('a]b')) assert.equal(outcome, 'read', line);
    if (outcome === 'read') read++;
  }
  assert.ok(read > 200, `${read} of 400 read`);
});
