import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { pageRange } from '../../src/core/paging';

test('first page of a large folder is the newest pageSize messages', () => {
  assert.deepEqual(pageRange(10_000, 0, 50), { from: 9951, to: 10_000, nextOffset: 50 });
});

test('following pages walk back to message 1 and then stop', () => {
  assert.deepEqual(pageRange(120, 50, 50), { from: 21, to: 70, nextOffset: 100 });
  assert.deepEqual(pageRange(120, 100, 50), { from: 1, to: 20, nextOffset: undefined });
  assert.equal(pageRange(120, 120, 50), undefined);
});

test('an empty folder has no page; bad arguments throw', () => {
  assert.equal(pageRange(0, 0, 50), undefined);
  assert.throws(() => pageRange(10, 0, 0), RangeError);
  assert.throws(() => pageRange(10, -1, 5), RangeError);
  assert.throws(() => pageRange(10, 0.5, 5), RangeError);
});

test('a folder smaller than a page fits on one page', () => {
  assert.deepEqual(pageRange(7, 0, 50), { from: 1, to: 7, nextOffset: undefined });
});
