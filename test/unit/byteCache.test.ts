import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ByteCache } from '../../src/core/byteCache';

test('the cache stays under its byte budget, evicting the least recently used', () => {
  const cache = new ByteCache(10);
  cache.set('a', Buffer.alloc(4));
  cache.set('b', Buffer.alloc(4));
  assert.ok(cache.get('a'));
  cache.set('c', Buffer.alloc(4));
  assert.equal(cache.get('b'), undefined);
  assert.ok(cache.get('a'));
  assert.ok(cache.get('c'));
  assert.equal(cache.size, 8);
  cache.set('huge', Buffer.alloc(11));
  assert.equal(cache.get('huge'), undefined);
  cache.deletePrefix('a');
  assert.equal(cache.size, 4);
});
