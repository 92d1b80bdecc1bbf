import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { countUids, formatUidSet, highestBelow, parseUidSet, rangesOf } from '../../src/core/imap/uidSet';

test('a UID set parses into ascending merged ranges, whatever order and overlaps the server wrote', () => {
  assert.deepEqual(parseUidSet('7,1:3,4,10:8,2'), [
    [1, 4],
    [7, 10],
  ]);
  assert.deepEqual(parseUidSet(''), []);
  assert.equal(countUids(parseUidSet('1:100000')), 100_000);
  assert.throws(() => parseUidSet('1:*'), /not a UID/);
  assert.deepEqual(rangesOf([5, 3, 4, 9]), [
    [3, 5],
    [9, 9],
  ]);
  assert.equal(formatUidSet([9, 3, 4, 5, 12]), '3:5,9,12');
});

test('a page is the highest UIDs strictly below the cursor, across gaps, and says whether more remain', () => {
  const ranges = parseUidSet('1:3,10:12,20');
  assert.deepEqual(highestBelow(ranges, undefined, 3), { uids: [20, 12, 11], more: true });
  assert.deepEqual(highestBelow(ranges, 11, 3), { uids: [10, 3, 2], more: true });
  assert.deepEqual(highestBelow(ranges, 3, 3), { uids: [2, 1], more: false });
  assert.deepEqual(highestBelow(ranges, 2, 1), { uids: [1], more: false });
  assert.deepEqual(highestBelow(ranges, 1, 5), { uids: [], more: false });
  // A cursor that was expunged meanwhile (UID 15 gone): the page starts below it all the same.
  assert.deepEqual(highestBelow(ranges, 15, 2), { uids: [12, 11], more: true });
  // Exactly a page left: no "more".
  assert.deepEqual(highestBelow(parseUidSet('1:4'), 5, 4), { uids: [4, 3, 2, 1], more: false });
});

test('a contiguous 100,000-message folder is one range, and its first page costs a page, not the folder', () => {
  const ranges = parseUidSet('1:100000');
  assert.equal(ranges.length, 1);
  assert.deepEqual(highestBelow(ranges, undefined, 3).uids, [100000, 99999, 99998]);
});
