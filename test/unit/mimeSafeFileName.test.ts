import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { assertInside, resolveInside, safeFileName, writeInside } from '../../src/core/mime/safeFileName';

const HOSTILE = [
  '../../x',
  '..\\..\\x',
  '/etc/passwd',
  'C:\\Windows\\system32\\evil.dll',
  'C:evil.txt',
  '\\\\server\\share\\file.txt',
  '..',
  '.',
  '...',
  '',
  'CON',
  'nul.txt',
  'com1.tar.gz',
  'LPT9',
  'report.pdf.   ',
  'name...',
  'a\u0000b.txt',
  'tab\tand\nnewline.txt',
  'invoice\u202Efdp.exe',
  '<script>:"|?*.txt',
  'x'.repeat(400) + '.pdf',
  'é'.repeat(300) + '.txt',
];

describe('safeFileName', () => {
  test('hostile names become plain names', () => {
    assert.equal(safeFileName('../../x', 'f'), 'x');
    assert.equal(safeFileName('C:\\Windows\\system32\\evil.dll', 'f'), 'evil.dll');
    assert.equal(safeFileName('/etc/passwd', 'f'), 'passwd');
    assert.equal(safeFileName('..', 'fallback.bin'), 'fallback.bin');
    assert.equal(safeFileName('', 'fallback.bin'), 'fallback.bin');
    assert.equal(safeFileName(undefined, 'fallback.bin'), 'fallback.bin');
    assert.equal(safeFileName('CON', 'f'), '_CON');
    assert.equal(safeFileName('nul.txt', 'f'), '_nul.txt');
    assert.equal(safeFileName('com1.tar.gz', 'f'), '_com1.tar.gz');
    assert.equal(safeFileName('report.pdf.   ', 'f'), 'report.pdf');
    assert.equal(safeFileName('a\u0000b.txt', 'f'), 'ab.txt');
    assert.equal(safeFileName('invoice\u202Efdp.exe', 'f'), 'invoicefdp.exe');
    assert.equal(safeFileName('C:evil.txt', 'f'), 'C_evil.txt');
    assert.equal(safeFileName('Résumé.pdf', 'f'), 'Résumé.pdf');
    const long = safeFileName('x'.repeat(400) + '.pdf', 'f');
    assert.ok(Buffer.byteLength(long) <= 200 && long.endsWith('.pdf'));
    const wide = safeFileName('é'.repeat(300) + '.txt', 'f');
    assert.ok(Buffer.byteLength(wide) <= 200 && wide.endsWith('é.txt'));
    for (const name of HOSTILE) {
      const safe = safeFileName(name, 'fallback');
      assert.ok(safe.length > 0);
      // eslint-disable-next-line no-control-regex
      assert.ok(!/[\\/\u0000-\u001f<>:"|?*]/.test(safe), JSON.stringify(safe));
      assert.ok(!/^\.|[. ]$/.test(safe), JSON.stringify(safe));
    }
  });
});

describe('writing attachments inside a folder', () => {
  test('every hostile name is written inside the folder, never over another file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mi-safe-'));
    const folder = join(root, 'attachments');
    try {
      await writeFile(join(root, 'x'), 'outside, must stay');
      await mkdir(folder);
      const written: string[] = [];
      for (const name of HOSTILE) written.push(await writeInside(folder, name, `content of ${JSON.stringify(name)}`, 'attachment.bin'));
      for (const path of written) {
        assert.equal(dirname(path), folder, path);
        assertInside(folder, path);
      }
      assert.equal(new Set(written).size, HOSTILE.length, 'names are de-duplicated, nothing overwritten');
      assert.equal((await readdir(folder)).length, HOSTILE.length);
      assert.equal(await readFile(join(root, 'x'), 'utf8'), 'outside, must stay');
      assert.deepEqual(await readdir(root), ['attachments', 'x']);
      // "../../x" was written first as "x", the second "x" (from "..\\..\\x") got "x (1)".
      assert.equal(written[0], join(folder, 'x'));
      assert.equal(written[1], join(folder, 'x (1)'));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a symbolic link planted under the name is not followed', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mi-link-'));
    try {
      const folder = join(root, 'in');
      await mkdir(folder);
      await writeFile(join(root, 'target'), 'keep');
      await symlink(join(root, 'target'), join(folder, 'report.pdf'));
      const path = await writeInside(folder, 'report.pdf', 'new');
      assert.equal(path, join(folder, 'report (1).pdf'));
      assert.equal(await readFile(join(root, 'target'), 'utf8'), 'keep');
      assert.equal(await resolveInside(folder, 'report.pdf'), join(folder, 'report (2).pdf'));
      assert.equal(await resolveInside(folder, '../../etc/passwd'), join(folder, 'passwd'));
      assert.throws(() => assertInside(folder, join(folder, '..', 'x')), { name: 'MailError' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
