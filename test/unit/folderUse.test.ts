import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { countOrder } from '../../src/core/imap/folderMapping';
import { FOLDER_USE_LIMIT, FolderUse } from '../../src/core/mailbox/folderUse';
import { FolderInfo } from '../../src/core/mailStore';

/** A Map behind the KeyValueStore interface (globalState in the extension), recording what was stored. */
function memory(initial?: unknown): { get(key: string): unknown; update(key: string, value: unknown): Promise<void>; writes: number } {
  const values = new Map<string, unknown>();
  if (initial !== undefined) values.set('mailInspector.folderUse', initial);
  return {
    writes: 0,
    get: (key) => values.get(key),
    update(key, value) {
      this.writes++;
      values.set(key, JSON.parse(JSON.stringify(value)) as unknown); // as globalState keeps it: plain JSON
      return Promise.resolve();
    },
  };
}

function folder(path: string, selectable = true): FolderInfo {
  return { path, name: path, delimiter: '/', parentPath: undefined, specialUse: undefined, selectable, total: undefined, unseen: undefined, size: undefined };
}

describe('the folders used last', () => {
  test('a folder opened moves to the front, per account, and the order survives a restart', async () => {
    const storage = memory();
    const use = new FolderUse(storage);
    await use.touch('a', 'INBOX');
    await use.touch('a', 'Sent');
    await use.touch('b', 'Archive');
    await use.touch('a', 'INBOX');
    assert.deepEqual(use.order('a'), ['INBOX', 'Sent']);
    assert.deepEqual(use.order('b'), ['Archive']);
    assert.deepEqual(use.order('c'), []);
    const writes = storage.writes;
    await use.touch('a', 'INBOX');
    assert.equal(storage.writes, writes, 'touching the folder already in front writes nothing');
    assert.deepEqual(new FolderUse(storage).order('a'), ['INBOX', 'Sent'], 'read back from the store');
  });

  test(`it keeps ${FOLDER_USE_LIMIT} folders per account, dropping the ones used longest ago`, async () => {
    const use = new FolderUse(memory());
    for (let i = 0; i < FOLDER_USE_LIMIT + 10; i++) await use.touch('a', `F${i}`);
    const order = use.order('a');
    assert.equal(order.length, FOLDER_USE_LIMIT);
    assert.equal(order[0], `F${FOLDER_USE_LIMIT + 9}`);
    assert.ok(!order.includes('F0') && !order.includes('F9'));
  });

  test('a renamed folder keeps its place and takes the folders below it along; a deleted one goes with them', async () => {
    const storage = memory();
    const use = new FolderUse(storage);
    for (const path of ['Projects/2026/Q1', 'Projects2', 'Projects', 'INBOX', 'Projects/2026']) await use.touch('a', path);
    await use.moved('a', 'Projects', 'Work', '/');
    assert.deepEqual(use.order('a'), ['Work/2026', 'INBOX', 'Work', 'Projects2', 'Work/2026/Q1']);
    await use.moved('a', 'Work/2026', undefined, '/');
    assert.deepEqual(use.order('a'), ['INBOX', 'Work', 'Projects2']);
    assert.deepEqual(new FolderUse(storage).order('a'), ['INBOX', 'Work', 'Projects2']);
    const writes = storage.writes;
    await use.moved('a', 'Nowhere', 'Else', '/');
    assert.equal(storage.writes, writes, 'a folder not in the record changes nothing');
  });

  test('a stored record of another shape counts as empty and is replaced by the next use', async () => {
    for (const damaged of ['INBOX', { version: 2, accounts: {} }, { version: 1, accounts: { a: 'INBOX' } }, { version: 1, accounts: { a: [1, 2] } }, null]) {
      const storage = memory(damaged);
      const use = new FolderUse(storage);
      assert.deepEqual(use.order('a'), [], JSON.stringify(damaged));
      await use.touch('a', 'Sent');
      assert.deepEqual(new FolderUse(storage).order('a'), ['Sent']);
    }
  });
});

describe('the order counts are asked in', () => {
  test('the folders used last first (listed and selectable only), then the rest in the order given', () => {
    const folders = [folder('INBOX'), folder('Archive'), folder('Lists', false), folder('Lists/dovecot'), folder('Sent'), folder('Trash')];
    const order = countOrder(folders, ['Sent', 'Gone', 'Lists', 'Lists/dovecot']).map((f) => f.path);
    assert.deepEqual(order, ['Sent', 'Lists/dovecot', 'INBOX', 'Archive', 'Trash']);
    assert.deepEqual(countOrder(folders).map((f) => f.path), ['INBOX', 'Archive', 'Lists/dovecot', 'Sent', 'Trash']);
  });
});
