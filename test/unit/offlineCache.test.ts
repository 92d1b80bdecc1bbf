import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, test } from 'node:test';
import { CacheFiles, nodeCacheFiles, TEMP_MARKER } from '../../src/core/mailbox/cacheFiles';
import { OfflineCache, OfflineCacheOptions } from '../../src/core/mailbox/offlineCache';
import { FolderInfo, MessagePage } from '../../src/core/mailStore';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-offline-'));
  dirs.push(dir);
  return dir;
}

function cacheIn(directory: string, options: Partial<OfflineCacheOptions> = {}): OfflineCache {
  return new OfflineCache({ directory, ...options });
}

/** Every file under dir, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

const FOLDERS: FolderInfo[] = [
  { path: 'INBOX', name: 'INBOX', delimiter: '/', parentPath: undefined, specialUse: 'inbox', selectable: true, total: 2, unseen: 1, size: undefined },
  { path: 'Archive/2026', name: '2026', delimiter: '/', parentPath: 'Archive', specialUse: undefined, selectable: true, total: 0, unseen: 0, size: undefined },
];

const PAGE: MessagePage = {
  total: 2,
  nextOffset: undefined,
  uidValidity: 77,
  messages: [
    { id: '2', seq: 2, subject: 'Grüße', from: [{ name: 'Bob', address: 'bob@example.org' }], to: [], date: new Date('2026-03-01T10:00:00Z'), messageId: '<2@x>', size: 120, flags: ['\\Seen'] },
    { id: '1', seq: 1, subject: 'first', from: [], to: [{ name: '', address: 'a@example.org' }], date: undefined, messageId: undefined, size: 80, flags: [] },
  ],
};

test('folders, pages, structures and bodies come back as they were stored, also after a restart', async () => {
  const dir = tempDir();
  const cache = cacheIn(dir);
  await cache.saveFolders('acct', [...FOLDERS.map((f) => ({ ...f, offline: true }))]);
  await cache.savePage('acct', 'INBOX', 77, 'p0', { ...PAGE, offline: true });
  await cache.saveStructure('acct', 'INBOX', 77, '2', { structure: { type: 'text/plain', parameters: { charset: 'utf-8' } }, size: 120 });
  await cache.saveRaw('acct', 'INBOX', 77, '2', Buffer.from('Subject: Gr\xfc\xdfe\r\n\r\nbody\r\n', 'latin1'));

  const again = cacheIn(dir); // another process, later
  assert.deepEqual(await again.folders('acct'), FOLDERS, 'stored without the offline mark');
  const page = await again.page('acct', 'INBOX', 'p0');
  assert.deepEqual(page, { page: PAGE, uidValidity: 77 });
  assert.ok(page?.page.messages[0]?.date instanceof Date);
  assert.deepEqual(await again.structure('acct', 'INBOX', '2'), { structure: { type: 'text/plain', parameters: { charset: 'utf-8' } }, size: 120 });
  assert.deepEqual(await again.raw('acct', 'INBOX', '2'), Buffer.from('Subject: Gr\xfc\xdfe\r\n\r\nbody\r\n', 'latin1'));
  assert.equal(await again.raw('acct', 'INBOX', '1'), undefined);
  assert.equal(await again.folders('other'), undefined, 'accounts are kept apart');
  assert.equal(await again.page('acct', 'Sent', 'p0'), undefined);
});

test('past maxMegabytes the least recently used files go first, and the order survives a restart', async () => {
  const dir = tempDir();
  const kib = 1 / 1024;
  const cache = cacheIn(dir, { maxMegabytes: 10 * kib }); // 10 KiB
  const body = (c: string): Buffer => Buffer.alloc(3000, c);
  await cache.saveRaw('acct', 'INBOX', 1, 'a', body('a'));
  await cache.saveRaw('acct', 'INBOX', 1, 'b', body('b'));
  await cache.saveRaw('acct', 'INBOX', 1, 'c', body('c'));
  assert.ok(await cache.raw('acct', 'INBOX', 'a')); // a is now the most recently used
  await cache.saveRaw('acct', 'INBOX', 1, 'd', body('d'));
  assert.equal(await cache.raw('acct', 'INBOX', 'b'), undefined, 'b was the least recently used');
  assert.ok((await cache.bytes()) <= 10 * 1024);

  // Order of use on disk now: c (written), a (read), d (written). Another process evicts by that order.
  const restarted = cacheIn(dir, { maxMegabytes: 10 * kib });
  await restarted.saveRaw('acct', 'INBOX', 1, 'e', body('e'));
  assert.equal(await restarted.raw('acct', 'INBOX', 'c'), undefined, 'c was used before a and d');
  assert.ok(await restarted.raw('acct', 'INBOX', 'a'), 'reading a counted as a use, also for the next process');
  assert.ok(await restarted.raw('acct', 'INBOX', 'd'));
  assert.ok(await restarted.raw('acct', 'INBOX', 'e'));
  await restarted.saveRaw('acct', 'INBOX', 1, 'huge', Buffer.alloc(11 * 1024));
  assert.equal(await restarted.raw('acct', 'INBOX', 'huge'), undefined, 'a file larger than the whole cache is not kept');
  assert.ok(await restarted.raw('acct', 'INBOX', 'e'), 'and evicts nothing');
});

test('a new UIDVALIDITY replaces the folder generation on disk; an earlier generation is never served', async () => {
  const dir = tempDir();
  const cache = cacheIn(dir);
  await cache.savePage('acct', 'INBOX', 100, 'p0', { ...PAGE, uidValidity: 100 });
  await cache.saveRaw('acct', 'INBOX', 100, '1', Buffer.from('old generation, UID 1'));
  await cache.saveRaw('acct', 'Sent', 5, '1', Buffer.from('sent 1'));
  assert.equal(await cache.generation('acct', 'INBOX'), 100);

  await cache.saveRaw('acct', 'INBOX', 200, '2', Buffer.from('new generation, UID 2'));
  assert.equal(await cache.generation('acct', 'INBOX'), 200);
  assert.equal(await cache.raw('acct', 'INBOX', '1'), undefined, 'UID 1 of generation 100 is gone');
  assert.equal(await cache.page('acct', 'INBOX', 'p0'), undefined, 'so are its pages');
  assert.equal(await cache.raw('acct', 'INBOX', '2', { uidValidity: 100 }), undefined, 'an address of generation 100 finds nothing');
  assert.deepEqual(await cache.raw('acct', 'INBOX', '2', { uidValidity: 200 }), Buffer.from('new generation, UID 2'));
  assert.deepEqual(await cache.raw('acct', 'Sent', '1'), Buffer.from('sent 1'), 'other folders keep theirs');
  assert.equal(filesUnder(dir).some((f) => f.includes('v-100')), false, 'nothing of generation 100 is left on disk');

  await cache.saveRaw('acct', 'pop', undefined, 'uidl-1', Buffer.from('pop3'));
  assert.equal(await cache.generation('acct', 'pop'), undefined, 'POP3: a folder without generations');
  assert.deepEqual(await cache.raw('acct', 'pop', 'uidl-1'), Buffer.from('pop3'));
});

test('corrupt, truncated, misplaced and leftover files are ignored and removed, never thrown', async () => {
  const dir = tempDir();
  const errors: unknown[] = [];
  const cache = cacheIn(dir, { onError: (e) => errors.push(e) });
  await cache.saveFolders('acct', FOLDERS);
  await cache.savePage('acct', 'INBOX', 7, 'p0', PAGE);
  await cache.savePage('acct', 'INBOX', 7, 'p1', PAGE);
  await cache.saveStructure('acct', 'INBOX', 7, '1', { structure: { type: 'text/plain' }, size: 1 });
  await cache.saveRaw('acct', 'INBOX', 7, '1', Buffer.from('raw one'));
  await cache.saveRaw('acct', 'INBOX', 7, '2', Buffer.from('raw two'));
  const files = filesUnder(dir);
  const find = (prefix: string): string[] => files.filter((f) => f.split('/').pop()!.startsWith(prefix)).map((f) => join(dir, f));
  const [folders] = find('folders');
  const [page0, page1] = find('page-');
  const [structure] = find('structure-');
  const [raw1, raw2] = find('raw-');
  assert.ok(folders && page0 && page1 && structure && raw1 && raw2);

  writeFileSync(folders, '{"format":"mail-inspector-offline","version":1,"kind":"fol'); // truncated JSON
  writeFileSync(page0, JSON.stringify({ format: 'mail-inspector-offline', version: 1, kind: 'page', account: 'acct', folder: 'INBOX', uidValidity: 7, key: 'p0', data: { total: 'two', messages: [] } }));
  writeFileSync(page1, readFileSync(structure)); // a valid record, but of another message in the wrong place
  writeFileSync(structure, Buffer.from([0xff, 0xfe, 0x00, 0x01]));
  const good = readFileSync(raw1);
  good[good.length - 1] ^= 0x01; // one bit flipped in the body: the digest no longer matches
  writeFileSync(raw1, good);
  writeFileSync(raw2, readFileSync(raw2).subarray(0, 30)); // cut off in the header
  writeFileSync(join(dir, 'stray.json' + TEMP_MARKER + '1-abc'), 'half a write');

  const fresh = cacheIn(dir, { onError: (e) => errors.push(e) });
  assert.equal(await fresh.folders('acct'), undefined);
  assert.equal(await fresh.page('acct', 'INBOX', 'p0'), undefined);
  assert.equal(await fresh.page('acct', 'INBOX', 'p1'), undefined);
  assert.equal(await fresh.structure('acct', 'INBOX', '1'), undefined);
  assert.equal(await fresh.raw('acct', 'INBOX', '1'), undefined);
  assert.equal(await fresh.raw('acct', 'INBOX', '2'), undefined);
  for (const path of [folders, page0, page1, structure, raw1, raw2]) assert.equal(existsSync(path), false, `${path} was removed`);
  assert.equal(existsSync(join(dir, 'stray.json' + TEMP_MARKER + '1-abc')), false, 'a leftover temporary file is removed');
  assert.deepEqual(errors, []);

  await fresh.saveRaw('acct', 'INBOX', 7, '1', Buffer.from('raw one'));
  assert.deepEqual(await fresh.raw('acct', 'INBOX', '1'), Buffer.from('raw one'), 'and the entry can be stored again');
});

test('a cache whose directory cannot be written reports the failure and misses, without throwing', async () => {
  const dir = tempDir();
  const blocked = join(dir, 'file-not-dir');
  writeFileSync(blocked, 'x');
  const errors: unknown[] = [];
  const cache = cacheIn(blocked, { onError: (e) => errors.push(e) });
  await cache.saveRaw('acct', 'INBOX', 1, '1', Buffer.from('x'));
  await cache.saveFolders('acct', FOLDERS);
  assert.equal(await cache.raw('acct', 'INBOX', '1'), undefined);
  assert.equal(await cache.folders('acct'), undefined);
  assert.ok(errors.length >= 2, 'each failed write was reported');
});

test('maxMegabytes 0 turns the cache off: nothing is written, nothing is read', async () => {
  const dir = tempDir();
  await cacheIn(dir).saveRaw('acct', 'INBOX', 1, '1', Buffer.from('kept while on'));
  const before = filesUnder(dir);
  const off = cacheIn(dir, { maxMegabytes: 0 });
  assert.equal(off.enabled, false);
  await off.saveFolders('acct', FOLDERS);
  await off.savePage('acct', 'INBOX', 1, 'p0', PAGE);
  await off.saveRaw('acct', 'INBOX', 1, '2', Buffer.from('x'));
  assert.deepEqual(filesUnder(dir), before, 'no file written');
  assert.equal(await off.raw('acct', 'INBOX', '1'), undefined, 'no file read');
  assert.equal(await off.folders('acct'), undefined);
  const empty = join(dir, 'never');
  await cacheIn(empty, { maxMegabytes: 0 }).saveFolders('acct', FOLDERS);
  assert.equal(existsSync(empty), false, 'the directory is not even created');
});

test('writes go to a temporary file renamed over the target: a crash before the rename leaves the old entry whole', async () => {
  const dir = tempDir();
  const written: string[] = [];
  let crash = false;
  const files: CacheFiles = {
    ...nodeCacheFiles,
    writeFile: (path, data) => {
      written.push(path);
      return nodeCacheFiles.writeFile(path, data);
    },
    rename: (from, to) => (crash ? Promise.reject(new Error('power cut')) : nodeCacheFiles.rename(from, to)),
  };
  const errors: unknown[] = [];
  const cache = cacheIn(dir, { files, onError: (e) => errors.push(e) });
  await cache.saveRaw('acct', 'INBOX', 1, '1', Buffer.from('first version'));
  assert.ok(written.length > 0);
  assert.ok(written.every((path) => path.includes(TEMP_MARKER)), 'no final file is ever opened for writing');

  crash = true;
  await cache.saveRaw('acct', 'INBOX', 1, '1', Buffer.alloc(5000, 'n'));
  assert.equal(errors.length, 1);
  crash = false;
  assert.deepEqual(await cacheIn(dir).raw('acct', 'INBOX', '1'), Buffer.from('first version'));
  assert.equal(filesUnder(dir).some((f) => f.includes(TEMP_MARKER)), false, 'the temporary file of the failed write is gone');
});

test('file names are hashes: folder paths with any characters stay inside the cache and never collide', async () => {
  const dir = tempDir();
  const cache = cacheIn(dir);
  const names = ['../../etc/passwd', 'a/b\\c', 'nul\0byte', 'Ünïcödé 📬', 'x'.repeat(400), 'inbox', 'INBOX', '.', '..', 'con', ''];
  for (const [i, name] of names.entries()) await cache.saveRaw('acct/../x', name, 1, `../${i}`, Buffer.from(`message ${i}`));
  const files = filesUnder(dir);
  for (const file of files) {
    assert.match(file, /^a-[0-9a-f]{32}\/f-[0-9a-f]{32}\/(generation\.json|v-1\/raw-[0-9a-f]{32}\.eml)$/);
  }
  assert.equal(new Set(files.map((f) => f.split('/')[1])).size, names.length, 'one folder directory per name');
  for (const [i, name] of names.entries()) assert.deepEqual(await cache.raw('acct/../x', name, `../${i}`), Buffer.from(`message ${i}`));
  for (const file of files) assert.ok(statSync(join(dir, file)).isFile());
});

test('clear(account) removes that account only', async () => {
  const dir = tempDir();
  const cache = cacheIn(dir);
  await cache.saveFolders('one', FOLDERS);
  await cache.saveRaw('one', 'INBOX', 1, '1', Buffer.from('one'));
  await cache.saveFolders('two', FOLDERS);
  await cache.clear('one');
  assert.equal(await cache.folders('one'), undefined);
  assert.equal(await cache.raw('one', 'INBOX', '1'), undefined);
  assert.deepEqual(await cache.folders('two'), FOLDERS);
  assert.equal(await cacheIn(dir).folders('one'), undefined, 'gone from disk, not only from memory');
  assert.equal(await cache.bytes(), readFileSync(join(dir, filesUnder(dir)[0]!)).length);
});
