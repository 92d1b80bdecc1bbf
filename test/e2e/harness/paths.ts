// Where the e2e harness finds the repository and keeps its cached, git-ignored state.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root: the nearest folder above this file whose package.json is the extension's. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'mail-inspector') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of mail-inspector not found above ${__dirname}`);
    dir = parent;
  }
}

/** The git-ignored cache that holds the code-server install between runs. */
export function hostDir(): string {
  return process.env.MAIL_INSPECTOR_HOST_DIR ?? join(repoRoot(), '.vscode-test', 'host');
}

/** The extension's manifest, read from disk (the tests are not bundled with it). */
export function manifest(): { name: string; version: string; engines: { vscode: string } } {
  return JSON.parse(readFileSync(join(repoRoot(), 'package.json'), 'utf8')) as { name: string; version: string; engines: { vscode: string } };
}

/**
 * Where the e2e suite writes its screenshots: the git-ignored test-results/screenshots/, so that a test run leaves
 * `git status` clean. The README's pictures in docs/screenshots/ are refreshed only on request
 * (`npm run screenshots`, which sets MAIL_INSPECTOR_UPDATE_SCREENSHOTS=1); MAIL_INSPECTOR_SCREENSHOTS names any
 * other folder.
 */
export function screenshotDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MAIL_INSPECTOR_SCREENSHOTS) return env.MAIL_INSPECTOR_SCREENSHOTS;
  if (env.MAIL_INSPECTOR_UPDATE_SCREENSHOTS === '1') return join(repoRoot(), 'docs', 'screenshots');
  return join(repoRoot(), 'test-results', 'screenshots');
}
