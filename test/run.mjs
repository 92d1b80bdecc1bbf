// The test entry point: `npm test` runs unit, integration and end-to-end suites; a mode runs one of them.
// Usage: node test/run.mjs [unit|integration|e2e|screenshots|bench|all]
// `screenshots` is the e2e suite with MAIL_INSPECTOR_UPDATE_SCREENSHOTS=1: it refreshes docs/screenshots/ (the README's
// pictures); every other run writes its screenshots to the git-ignored test-results/screenshots/.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystem } from '../scripts/ensureSystem.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const requested = process.argv[2] ?? 'all';
const mode = requested === 'screenshots' ? 'e2e' : requested;
if (requested === 'screenshots') process.env.MAIL_INSPECTOR_UPDATE_SCREENSHOTS = '1';
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

ensureSystem({ chromium: mode === 'all' || mode === 'e2e', kerberos: mode === 'all' || mode === 'e2e' });
rmSync(join(root, 'out'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.test.json']);

const suites = { unit: ['out/test/unit'], integration: ['out/test/integration'], e2e: ['out/test/e2e'] };
if (mode === 'bench') {
  run(process.execPath, ['--expose-gc', 'out/test/bench/bench.js']);
} else {
  if (mode === 'all' || mode === 'e2e') run('npm', ['run', '--silent', 'package']);
  const dirs = mode === 'all' ? [...suites.unit, ...suites.integration, ...suites.e2e] : suites[mode];
  if (!dirs) throw new Error(`unknown mode ${mode}`);
  run(process.execPath, ['--enable-source-maps', '--test', '--test-concurrency=2', '--test-reporter=spec', ...dirs]);
}
