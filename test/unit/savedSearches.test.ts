import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { criteria, SearchQuery } from '../../src/core/search/searchCriteria';
import { hasSavedSearches, SAVED_SEARCHES_KEY } from '../../src/core/search/savedSearchKey';
import { SavedSearches, SearchMemento } from '../../src/core/search/savedSearches';

// Saved searches persist per account in the global state: a new store on the same state (as after a window
// reload or a restart) lists them again, in order, with their queries exactly as saved.

/** A Memento as VS Code keeps it: values go through JSON (what globalState stores). */
class JsonMemento implements SearchMemento {
  readonly data = new Map<string, string>();
  get<T>(key: string): T | undefined {
    const v = this.data.get(key);
    return v === undefined ? undefined : (JSON.parse(v) as T);
  }
  update(key: string, value: unknown): PromiseLike<void> {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const invoice: SearchQuery = { kind: 'criteria', criteria: criteria.text('subject', 'invoice') };
const unseenFromBob: SearchQuery = { kind: 'criteria', criteria: criteria.and(criteria.or(criteria.text('from', 'bob'), criteria.text('from', 'carol')), criteria.flag('seen', false)) };
const raw: SearchQuery = { kind: 'raw', text: 'OR FROM "bob" (SUBJECT "Grüße" SINCE 1-Mar-2026)' };

describe('saved searches', () => {
  test('come back in a new store on the same global state (a reload), per account, in the order they were made', async () => {
    const memento = new JsonMemento();
    const before = new SavedSearches(memento);
    const a = await before.add('alice', 'INBOX', invoice);
    const b = await before.add('alice', undefined, unseenFromBob);
    const c = await before.add('bob', 'Archive', raw);
    const after = new SavedSearches(memento);
    assert.deepEqual(after.list('alice'), [a, b]);
    assert.deepEqual(after.list('bob'), [c]);
    assert.deepEqual(after.list('alice')[1]?.query, unseenFromBob, 'the query is kept as it was typed');
    assert.equal(after.list('alice')[1]?.folder, undefined, 'a search of every folder stays one');
    assert.equal(after.get(c.id)?.query.kind, 'raw');
    assert.ok(hasSavedSearches(memento, 'alice') && hasSavedSearches(memento, 'bob') && !hasSavedSearches(memento, 'carol'));
  });

  test('the same query on the same folder is saved once; on another folder it is another search', async () => {
    const store = new SavedSearches(new JsonMemento());
    const first = await store.add('alice', 'INBOX', invoice);
    assert.equal((await store.add('alice', 'INBOX', { kind: 'criteria', criteria: criteria.text('subject', 'invoice') })).id, first.id);
    assert.notEqual((await store.add('alice', 'Sent', invoice)).id, first.id);
    assert.notEqual((await store.add('alice', undefined, invoice)).id, first.id);
    assert.equal(store.list('alice').length, 3);
  });

  test('Remove forgets the search for good (also after a reload), and says whether it was there', async () => {
    const memento = new JsonMemento();
    const store = new SavedSearches(memento);
    const a = await store.add('alice', 'INBOX', invoice);
    const b = await store.add('alice', 'INBOX', raw);
    let changes = 0;
    const listening = store.onDidChange(() => changes++);
    assert.equal(await store.remove(a.id), true);
    assert.equal(await store.remove(a.id), false);
    listening.dispose();
    assert.equal(changes, 1);
    assert.deepEqual(new SavedSearches(memento).list('alice'), [b]);
    await store.remove(b.id);
    assert.equal(hasSavedSearches(memento, 'alice'), false);
  });

  test('a damaged or foreign record in the global state is skipped, not thrown', () => {
    const memento = new JsonMemento();
    for (const value of [42, 'text', null, { version: 2, searches: [] }, { version: 1, searches: 'no' }]) {
      memento.data.set(SAVED_SEARCHES_KEY, JSON.stringify(value));
      assert.deepEqual(new SavedSearches(memento).list('alice'), [], JSON.stringify(value));
      assert.equal(hasSavedSearches(memento, 'alice'), false);
    }
    memento.data.set(
      SAVED_SEARCHES_KEY,
      JSON.stringify({ version: 1, searches: [{ id: 'x', accountId: 'alice' }, { id: 'y', accountId: 'alice', query: { kind: 'raw', text: 'ALL' } }, null, { id: 'z', accountId: 'alice', query: { kind: 'criteria' } }] }),
    );
    assert.deepEqual(new SavedSearches(memento).list('alice'), [{ id: 'y', accountId: 'alice', folder: undefined, query: { kind: 'raw', text: 'ALL' } }]);
  });
});
