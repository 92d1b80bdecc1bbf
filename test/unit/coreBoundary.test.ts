// The core's type check itself refuses `import 'vscode'` (not only ESLint): a file importing it, checked with
// src/core/tsconfig.json's settings, fails with TS2306 although @types/vscode is installed in the same package.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function check(config: string, source: string): { status: number | null; output: string } {
  // Inside the repository (out/ is git-ignored), so that node_modules and the configs' rootDir apply.
  const dir = mkdtempSync(join(root, 'out', 'core-boundary-'));
  try {
    writeFileSync(join(dir, 'probe.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, config), include: [join(dir, 'probe.ts')], exclude: [] }));
    const r = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--noEmit'], { encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const config of ['src/core/tsconfig.json', 'tsconfig.test.json']) {
  test(`${config}: importing vscode fails the type check`, { timeout: 120_000 }, () => {
    const r = check(config, "import * as vscode from 'vscode';\nexport const uri = vscode.Uri;\n");
    assert.notEqual(r.status, 0, 'the import type-checked');
    assert.match(r.output, /TS2306/);
    assert.match(r.output, /vscodeIsNotAllowedInCore/);
    const typeOnly = check(config, "import type { Uri } from 'vscode';\nexport type U = Uri;\n");
    assert.notEqual(typeOnly.status, 0, 'a type-only import type-checked');
  });
}

test('src/core/tsconfig.json: a core file without vscode type-checks (the probe itself is sound)', { timeout: 120_000 }, () => {
  const r = check('src/core/tsconfig.json', "import { readFileSync } from 'node:fs';\nexport const read = readFileSync;\n");
  assert.equal(r.status, 0, r.output);
});
