// README's setup section lists exactly the Debian packages the scripts install for each of the two commands.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
// scripts/ensureSystem.mjs is an ES module; Node 20.19+ loads it with require().
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { debianPackages } = require(join(root, 'scripts', 'ensureSystem.mjs')) as { debianPackages(o: { chromium?: boolean; kerberos?: boolean }): string[] };

function listed(command: string): string[] {
  const m = new RegExp(`^\\s*- \`${command}\`: \`([^\`]+)\`$`, 'm').exec(readme);
  assert.ok(m, `README does not list the packages for ${command}`);
  return m[1].split(/\s+/);
}

test('README lists the packages npm test installs', () => {
  assert.deepEqual(listed('npm test'), debianPackages({ chromium: true, kerberos: true }));
});

test('README lists the packages npm run demo installs', () => {
  assert.deepEqual(listed('npm run demo'), debianPackages({ kerberos: true }));
});

test('README says Node 20 is what the user needs and that Node 24 for code-server is fetched', () => {
  assert.match(readme, /Node\.js 20 and npm/);
  assert.match(readme, /needs \*\*Node 24\*\*: the scripts fetch it/);
});
