import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

// A listing's reader (envelopeLine.ts) must keep its optimised code across a full garbage collection that finds no
// listing alive (issue 15). With a new reader object per line (and a summary whose `modseq` was added to it), the
// hidden classes those objects lead to died with the last of them, and V8 threw the reader's optimised code away
// ("weak objects" in --trace-deopt): the next listing ran in the interpreter until it was optimised again, about
// 100–140 ms more CPU per 10,000 envelopes. This is checked with V8's own status of the function, in a child process
// (the flags are V8's test hooks), not by timing anything.

const MODULE = join(__dirname, '..', '..', 'src', 'core', 'imap', 'envelopeLine.js');

const CHILD = `
const { readEnvelopeLine } = require(${JSON.stringify(MODULE)});
const line = (i) => Buffer.from('* ' + i + ' FETCH (UID ' + i + ' FLAGS (\\\\Seen) RFC822.SIZE 900 MODSEQ (' + (i + 1) + ') ENVELOPE ("Thu, 01 Jan 2026 00:07:00 +0000" "Subject ' + i + '" (("Eve" NIL "eve" "example.org")) NIL NIL (("Bob" NIL "bob" "example.org")) NIL NIL NIL "<m.' + i + '@example.com>"))');
function listing() {
  let read = 0;
  for (let i = 1; i <= 2000; i++) if (readEnvelopeLine(line(i), []) !== undefined) read++;
  return read;
}
%PrepareFunctionForOptimization(readEnvelopeLine);
const read = listing() + listing();
%OptimizeFunctionOnNextCall(readEnvelopeLine);
listing();
const before = %GetOptimizationStatus(readEnvelopeLine);
gc();
gc();
const after = %GetOptimizationStatus(readEnvelopeLine);
process.stdout.write(JSON.stringify({ read, before, after }));
`;

/** V8's OptimizationStatus bit for "has optimised code" (src/runtime/runtime.h: kOptimized). */
const OPTIMIZED = 1 << 4;

test("the listing reader keeps its optimised code across a full garbage collection with no listing alive", () => {
  const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '-e', CHILD], { encoding: 'utf8' });
  const { read, before, after } = JSON.parse(out) as { read: number; before: number; after: number };
  assert.equal(read, 4000, 'every line is read by the reader, not declined');
  assert.ok(before & OPTIMIZED, `optimised after the listings (V8 status ${before.toString(2)})`);
  assert.ok(after & OPTIMIZED, `still optimised after the collection (V8 status ${after.toString(2)})`);
});
