// The packaged extension: what `npm run package` builds is what a person installs, so it must hold what runs
// and nothing else, and its manifest must be ready for the marketplace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCodeServer } from './harness/codeServer';
import { repoRoot } from './harness/paths';
import { ensureVsix } from './harness/vsix';
import { readZipEntry, zipEntries } from './harness/zipEntries';

const MAX_BYTES = 3 * 1024 * 1024;

interface Manifest {
  name: string;
  displayName?: string;
  description?: string;
  publisher?: string;
  version: string;
  license?: string;
  icon?: string;
  repository?: { url?: string } | string;
  categories?: string[];
  keywords?: string[];
  galleryBanner?: { color?: string; theme?: string };
  engines: { vscode: string };
  main: string;
}

/** The package.json inside the .vsix: what the editor and the marketplace read. */
function packagedManifest(vsix: string): Manifest {
  return JSON.parse(readZipEntry(vsix, 'extension/package.json').toString('utf8')) as Manifest;
}

test('the .vsix is small and ships only the bundle, media and documents', async () => {
  const vsix = await ensureVsix();
  assert.ok(statSync(vsix).size < MAX_BYTES, `${vsix} is ${statSync(vsix).size} bytes, over 3 MB`);
  const names = zipEntries(vsix).map((e) => e.name);
  const shipped = names.filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));
  const forbidden = shipped.filter((n) => /^(src|test|out|node_modules|scripts|docs|\.vscode-test|\.ci)\//.test(n) || /\.(ts|map)$/.test(n) || /^(tsconfig|webpack|eslint)/.test(n));
  assert.deepEqual(forbidden, [], `the .vsix ships files that do not run: ${forbidden.join(', ')}`);
  for (const expected of ['package.json', 'dist/extension.js', 'media/icon.png', 'LICENSE.txt', 'changelog.md']) {
    assert.ok(shipped.includes(expected), `the .vsix lacks ${expected}; it holds ${shipped.join(', ')}`);
  }
  assert.ok(shipped.some((n) => /^readme\.md$/i.test(n)), `the .vsix lacks the README; it holds ${shipped.join(', ')}`);
  const unexpected = shipped.filter((n) => !/^(package\.json|readme\.md|changelog\.md|LICENSE\.txt|dist\/extension\.js|dist\/[\w-]+\.chunk\.js|media\/.+)$/i.test(n));
  assert.ok(shipped.includes('dist/htmlPreview.chunk.js'), `the .vsix lacks the lazily loaded preview chunk; it holds ${shipped.join(', ')}`);
  assert.deepEqual(unexpected, [], `the .vsix ships files outside the allowlist: ${unexpected.join(', ')}`);
});

test('the activation bundle is below 1 MB and no part of it carries pino or socks (imapflow is always given a logger and no proxy)', async () => {
  const vsix = await ensureVsix();
  const bundle = readZipEntry(vsix, 'extension/dist/extension.js');
  assert.ok(bundle.length < 1_000_000, `dist/extension.js is ${bundle.length} bytes, over 1 MB`);
  const text = bundle.toString('utf8');
  // The HTML sanitiser is loaded on the first preview only.
  assert.ok(!text.includes('Content-Security-Policy'), 'the HTML sanitiser is in the activation bundle');
  assert.ok(readZipEntry(vsix, 'extension/dist/htmlPreview.chunk.js').toString('utf8').includes('Content-Security-Policy'), 'the preview chunk does not hold the sanitiser');
  // imapflow is in the chunk the first IMAP account loads ("imap"): pino and socks are stubbed wherever it is.
  const parts = zipEntries(vsix)
    .map((e) => e.name)
    .filter((n) => /^extension\/dist\/[\w-]+(\.chunk)?\.js$/.test(n))
    .map((n) => ({ name: n, text: readZipEntry(vsix, n).toString('utf8') }));
  for (const part of parts) {
    for (const marker of ['pino-pretty', 'thread-stream', 'sonic-boom', 'SOCKS5 proxy']) assert.ok(!part.text.includes(marker), `${part.name} still holds "${marker}"`);
  }
  const withImapflow = parts.filter((p) => p.text.includes('imapflow') || p.text.includes('IMAP4rev1'));
  assert.ok(withImapflow.length > 0, 'no part of the bundle holds imapflow');
  for (const part of withImapflow.filter((p) => p.text.includes('logRaw'))) assert.ok(part.text.includes('pino is not bundled with Mail Inspector'), `the pino stand-in is not in ${part.name}`);
  assert.ok(parts.some((p) => p.text.includes('pino is not bundled with Mail Inspector')), 'the pino stand-in is in no part of the bundle');
});

test('`vsce ls` lists no sources, tests or dependencies', () => {
  const vsce = join(repoRoot(), 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: repoRoot(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.ok(files.includes('dist/extension.js'), `vsce ls does not list the bundle:\n${r.stdout}`);
  assert.deepEqual(files.filter((f) => /^(src|test|node_modules)\//.test(f)), []);
});

test('the manifest is ready for the marketplace', async () => {
  const vsix = await ensureVsix();
  const m = packagedManifest(vsix);
  for (const key of ['name', 'displayName', 'description', 'publisher', 'version', 'license', 'icon'] as const) {
    assert.ok(typeof m[key] === 'string' && m[key] !== '', `package.json lacks "${key}"`);
  }
  assert.equal(m.license, 'MIT');
  assert.ok(typeof m.repository === 'string' ? m.repository : m.repository?.url, 'package.json lacks "repository"');
  assert.ok((m.categories ?? []).length > 0, 'package.json lacks "categories"');
  assert.ok((m.keywords ?? []).length > 0 && (m.keywords ?? []).length <= 30, 'package.json needs 1 to 30 "keywords"');
  assert.match(m.galleryBanner?.color ?? '', /^#[0-9a-f]{6}$/i);
  assert.equal(m.main, './dist/extension.js');

  // The icon: a 128×128 PNG (the marketplace wants at least 128 px and no SVG).
  const png = readZipEntry(vsix, `extension/${m.icon as string}`);
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
});

test('the extension asks for no VS Code newer than the one it is tested in', async () => {
  const m = packagedManifest(await ensureVsix());
  const wanted = /^\^?(\d+)\.(\d+)\.(\d+)$/.exec(m.engines.vscode);
  assert.ok(wanted, `engines.vscode "${m.engines.vscode}" is not ^X.Y.Z`);
  const install = await ensureCodeServer();
  const vscodeVersion = (JSON.parse(readFileSync(join(install.entry, '..', '..', '..', 'lib', 'vscode', 'package.json'), 'utf8')) as { version: string }).version;
  const tested = vscodeVersion.split('.').map(Number);
  const asked = wanted.slice(1).map(Number);
  const cmp = asked[0] - tested[0] || asked[1] - tested[1] || asked[2] - tested[2];
  assert.ok(cmp <= 0, `engines.vscode ${m.engines.vscode} is newer than VS Code ${vscodeVersion} of the tests`);
});
