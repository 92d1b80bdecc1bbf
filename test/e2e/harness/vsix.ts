// The packaged extension the e2e suite installs: `npm run package` output, built here when a test file runs alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withLock } from './lock';
import { manifest, repoRoot } from './paths';

/** `npm run package`'s output, or MAIL_INSPECTOR_VSIX (e.g. a deliberately broken build, to see the suite fail). */
export function vsixPath(): string {
  if (process.env.MAIL_INSPECTOR_VSIX) return process.env.MAIL_INSPECTOR_VSIX;
  const { name, version } = manifest();
  return join(repoRoot(), `${name}-${version}.vsix`);
}

/** The .vsix path; runs `npm run package` first if it is missing (test/run.mjs builds it before the suite). */
export async function ensureVsix(): Promise<string> {
  const vsix = vsixPath();
  if (existsSync(vsix)) return vsix;
  await withLock(join(repoRoot(), '.vscode-test', 'package.lock'), () => {
    if (existsSync(vsix)) return;
    const r = spawnSync('npm', ['run', '--silent', 'package'], { cwd: repoRoot(), stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.status !== 0 || !existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
  });
  return vsix;
}
