import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { readEnvelopeLine } from '../../src/core/imap/envelopeLine';
import { toSummary, Untagged } from '../../src/core/imap/envelopeSummary';
import { frameOne, imapflowParse } from './support/imapFraming';

// envelopeLine.ts reads a listing's FETCH answer straight into a summary. It must give exactly the summary the
// general path gives for the same framed bytes (imapflow's parse read by envelopeSummary.ts's toSummary), or
// decline (undefined) and leave the line to that path.

async function compare(wire: string | Buffer): Promise<'read' | 'declined'> {
  const item = await frameOne(wire);
  const read = readEnvelopeLine(item.payload, item.literals);
  if (read === undefined) return 'declined';
  assert.deepEqual(read, toSummary((await imapflowParse(item)) as Untagged), item.payload.toString());
  return 'read';
}

const ALICE = '("Alice" NIL "alice" "example.com")';
const ENVELOPE = `("Mon, 2 Mar 2026 10:00:00 +0000" "Hello" (${ALICE}) (${ALICE}) (${ALICE}) (("Bob" NIL "bob" "example.org")) NIL NIL NIL "<m.1@example.com>")`;

test('the FETCH answers of a listing give the same summaries as the general path', async () => {
  const readable = [
    `* 1 FETCH (UID 17 FLAGS (\\Seen) RFC822.SIZE 1234 ENVELOPE ${ENVELOPE} MODSEQ (99))\r\n`,
    `* 2 FETCH (ENVELOPE ${ENVELOPE.replace('"Hello"', 'NIL')} FLAGS () UID 18)\r\n`,
    '* 3 FETCH (UID 19 FLAGS (\\Seen \\Answered $Forwarded Junk \\Seen) ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 4 FETCH (UID 20 ENVELOPE (nil "a \\"quoted\\" \\\\ subject" ((nil NiL "undisclosed-recipients" NIL)(NIL NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 5 FETCH (UID 21 ENVELOPE ("Tue, 3 Mar 2026 11:00:00 +0100" {12}\r\nhello\r\nthere (("Zoë Ünïcode" NIL "zoe" "example.com")) NIL NIL NIL NIL NIL NIL {0}\r\n))\r\n',
    '* 6 FETCH (UID 22 ENVELOPE ("" "=?UTF-8?B?w5xiZXJ3ZWlzdW5n?=" (("Team" NIL "team" NIL)(NIL NIL "alice" "example.com")(NIL NIL NIL NIL)) NIL NIL ((NIL NIL "x" "y") ("\\"Q\\"" NIL "q" "z")) NIL NIL NIL " <id@x> "))\r\n',
    '* 7 FETCH (UID 23 ENVELOPE ("not a date" "=?ISO-8859-1?Q?Ren=E9?=" (("=?UTF-8?Q?R=C3=A9ne?=" NIL "rene" "example.com")) NIL NIL NIL NIL NIL NIL ""))\r\n',
    '* 8 FETCH (UID 4294967295 RFC822.SIZE 0 MODSEQ (18446744073709551615) ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n',
  ];
  for (const line of readable) assert.equal(await compare(line), 'read', line);
  // 8-bit that is not UTF-8, inside a quoted string: both read the line as UTF-8 (U+FFFD for the bad bytes).
  assert.equal(await compare(Buffer.concat([Buffer.from('* 10 FETCH (UID 26 ENVELOPE (NIL "caf'), Buffer.from([0xe9, 0x20, 0xc3]), Buffer.from('" NIL NIL NIL NIL NIL NIL NIL NIL))\r\n')])), 'read');
});

test('anything else is left to the general path', async () => {
  const declined = [
    '* 1 FETCH (UID 17 FLAGS (\\Seen))\r\n', // no ENVELOPE: a flag change, not a listing's answer
    `* 1 FETCH (ENVELOPE ${ENVELOPE})\r\n`, // no UID
    `* 1 FETCH (UID 17 INTERNALDATE "02-Mar-2026 10:00:00 +0000" ENVELOPE ${ENVELOPE})\r\n`, // another item
    `* 1 FETCH (UID 17 UID 18 ENVELOPE ${ENVELOPE})\r\n`, // repeated
    `* 1 FETCH (uid 17 ENVELOPE ${ENVELOPE})\r\n`, // not upper case
    `* 1 fetch (UID 17 ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17a ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17 RFC822.SIZE NIL ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17 FLAGS (\\*) ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17 FLAGS (NIL) ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17 FLAGS (Caf\u00e9) ENVELOPE ${ENVELOPE})\r\n`,
    `* 1 FETCH (UID 17 MODSEQ (1 2) ENVELOPE ${ENVELOPE})\r\n`,
    '* 1 FETCH (UID 17 ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n', // nine fields
    '* 1 FETCH (UID 17 ENVELOPE (NIL Hello NIL NIL NIL NIL NIL NIL NIL NIL))\r\n', // an atom for a string
    '* 1 FETCH (UID 17 ENVELOPE (NIL NIL "x" NIL NIL NIL NIL NIL NIL NIL))\r\n', // a string for an address list
    '* 1 FETCH (UID 17 ENVELOPE (NIL NIL () NIL NIL NIL NIL NIL NIL NIL))\r\n',
    '* 1 FETCH (UID 17 ENVELOPE (NIL NIL ((NIL NIL NIL)) NIL NIL NIL NIL NIL NIL NIL))\r\n', // three-part address
    '* 1 FETCH (UID 17 ENVELOPE (NIL {5}\r\nab NIL NIL NIL NIL NIL NIL NIL NIL))\r\n', // literal length off (framed as 5: eats the rest)
    `* 1 FETCH (UID 17 ENVELOPE ${ENVELOPE}) trailing\r\n`,
    `* 1 FETCH (UID 17  ENVELOPE ${ENVELOPE})\r\n`,
    '* 1 EXPUNGE\r\n',
    'A1 OK FETCH completed\r\n',
  ];
  for (const line of declined) assert.equal(await compare(line), 'declined', line);
});

test('random listing answers: the same summary as the general path, or left to it', async () => {
  let seed = 977;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const chars = ['a', 'Z', ' ', '"', '\\', '(', ')', '{', '}', 'é', '😀', '=?', '=?UTF-8?Q?=C3=A9?=', '\t', '@', '<', '>'];
  const text = (): string => Array.from({ length: Math.floor(random() * 8) }, () => pick(chars)).join('');
  const quoted = (s: string): string => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  const literal = (s: string): string => `{${Buffer.byteLength(s)}}\r\n${s}`;
  const value = (s = text()): string => {
    const r = random();
    return r < 0.15 ? pick(['NIL', 'nil']) : r < 0.3 ? literal(s) : quoted(s);
  };
  const date = (): string => value(pick(['Mon, 2 Mar 2026 10:00:00 +0000', '2 Mar 2026 10:00 -0130', 'Tue,  3 Mar 2026 11:00:00 +0100 (CET)', 'garbage', '']));
  const address = (): string => `(${value()} ${value()} ${value()} ${value()})`;
  const addresses = (): string => (random() < 0.2 ? 'NIL' : `(${Array.from({ length: 1 + Math.floor(random() * 3) }, address).join(random() < 0.5 ? '' : ' ')})`);
  let read = 0;
  for (let i = 0; i < 400; i++) {
    const envelope = `(${date()} ${value()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${addresses()} ${value()} ${value()})`;
    const flags = Array.from({ length: Math.floor(random() * 4) }, () => pick(['\\Seen', '\\Flagged', '$Junk', 'custom_1', '\\Seen'])).join(' ');
    const items = [`UID ${i + 1}`, `FLAGS (${flags})`, `ENVELOPE ${envelope}`, `RFC822.SIZE ${Math.floor(random() * 1e6)}`];
    if (random() < 0.5) items.push(`MODSEQ (${Math.floor(random() * 1e9)})`);
    items.sort(() => random() - 0.5);
    const line = `* ${i + 1} FETCH (${items.join(' ')})\r\n`;
    // Every one of these has the listing's form, so every one must be read, and read alike.
    assert.equal(await compare(line), 'read', line);
    read++;
  }
  assert.equal(read, 400);
});

test('messages with the same flag list share one frozen array (a listing has a handful of distinct lists)', () => {
  const line = (uid: number, flags: string): Buffer => Buffer.from(`* ${uid} FETCH (UID ${uid} FLAGS (${flags}) ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))`);
  const a = readEnvelopeLine(line(1, '\\Seen \\Answered'), [])!;
  const b = readEnvelopeLine(line(2, '\\Seen \\Answered'), [])!;
  const c = readEnvelopeLine(line(3, '\\Seen'), [])!;
  assert.deepEqual(a.flags, ['\\Seen', '\\Answered']);
  assert.equal(a.flags, b.flags, 'the same array');
  assert.ok(Object.isFrozen(a.flags), 'which nobody can change for the others');
  assert.deepEqual(c.flags, ['\\Seen']);
  assert.notEqual(c.flags, a.flags);
});

test('messages from the same sender share one frozen From list; a list with a literal is read each time', () => {
  const line = (uid: number, from: string, literals = ''): Buffer => Buffer.from(`* ${uid} FETCH (UID ${uid} ENVELOPE (NIL NIL ${from} NIL NIL ${from} NIL NIL NIL NIL))${literals}`);
  const grace = '(("Grace Hopper" NIL "grace" "example.com"))';
  const a = readEnvelopeLine(line(1, grace), [])!;
  const b = readEnvelopeLine(line(2, grace), [])!;
  assert.deepEqual(a.from, [{ name: 'Grace Hopper', address: 'grace@example.com' }]);
  assert.equal(a.from, b.from, 'the same array');
  assert.equal(a.from, a.to, 'From and To with the same text too');
  assert.ok(Object.isFrozen(a.from) && Object.isFrozen(a.from[0]));
  const literal = Buffer.from('* 3 FETCH (UID 3 ENVELOPE (NIL NIL (({5}\r\n NIL "x" "y")) NIL NIL NIL NIL NIL NIL NIL))');
  const viaLiteral = (name: string) => readEnvelopeLine(literal, [Buffer.from(name)])!;
  assert.deepEqual(viaLiteral('Alice').from, [{ name: 'Alice', address: 'x@y' }]);
  assert.deepEqual(viaLiteral('Bobby').from, [{ name: 'Bobby', address: 'x@y' }], 'the same text, another literal: not the list read before');
});
