import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { diffByCount, KnownUidls, numbers } from '../../src/core/pop3/knownUidls';

// The UIDL comparison behind "Check for New Mail" (the Dovecot side is test/integration/pop3LiveChanges.test.ts).

test('nothing known yet: no change is reported (the first check is the baseline)', () => {
  assert.deepEqual(new KnownUidls().diff(['a', 'b']), { added: [], removed: [] });
});

test('after a whole list: every id not in it is new, every id missing is removed, both newest first', () => {
  const known = new KnownUidls();
  known.replace(['a', 'b', 'c', 'd']);
  assert.deepEqual(known.diff(['a', 'c', 'e', 'f']), { added: ['f', 'e'], removed: ['d', 'b'] });
  assert.deepEqual(known.diff(['a', 'b', 'c', 'd']), { added: [], removed: [] });
});

test('after pages only: messages older than the newest one shown are not new, those after it are', () => {
  const known = new KnownUidls();
  // The first page of a maildrop of 6 (u1 … u6): u6, u5, u4; the older ones were never paged in.
  known.page(['u6', 'u5', 'u4'], 6, true);
  assert.deepEqual(known.diff(['u1', 'u2', 'u3', 'u4', 'u6', 'u7']), { added: ['u7'], removed: ['u5'] });
  // The newest shown is gone too: new means after the newest shown that is left.
  assert.deepEqual(known.diff(['u1', 'u2', 'u3', 'u4', 'u7']), { added: ['u7'], removed: ['u6', 'u5'] });
  // "Load more" adds to what is shown; offset 0 again starts over.
  known.page(['u3', 'u2'], 6, false);
  assert.deepEqual(known.diff(['u1', 'u4', 'u5', 'u6']), { added: [], removed: ['u3', 'u2'] });
  known.page(['u9'], 1, true);
  assert.deepEqual(known.diff(['u9', 'u10']), { added: ['u10'], removed: [] });
});

test('after pages only, with none of the shown messages left (or an empty folder shown), all is new', () => {
  const known = new KnownUidls();
  known.page(['u2', 'u1'], 2, true);
  assert.deepEqual(known.diff(['u3', 'u4']), { added: ['u4', 'u3'], removed: ['u2', 'u1'] });
  const empty = new KnownUidls();
  empty.page([], 0, true);
  assert.equal(empty.empty, false);
  assert.deepEqual(empty.diff(['u1']), { added: ['u1'], removed: [] });
});

test('without UIDL only the count can be compared: a changed count replaces every number, an equal one says nothing', () => {
  const known = new KnownUidls();
  assert.deepEqual(diffByCount(known, 3), { added: [], removed: [] });
  known.page(['5', '4'], 5, true);
  assert.deepEqual(diffByCount(known, 5), { added: [], removed: [] });
  assert.deepEqual(diffByCount(known, 6), { added: ['6', '5', '4', '3', '2', '1'], removed: ['5', '4'] });
  known.replace(numbers(3));
  assert.deepEqual(diffByCount(known, 2), { added: ['2', '1'], removed: ['3', '2', '1'] });
});
