// A test run must leave `git status` clean: screenshots go to the git-ignored test-results/ unless the README's
// pictures are refreshed on request.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { repoRoot, screenshotDir } from '../e2e/harness/paths';

test('e2e screenshots go to a git-ignored folder by default', () => {
  const dir = screenshotDir({});
  assert.equal(relative(repoRoot(), dir), join('test-results', 'screenshots'));
  const probe = join(relative(repoRoot(), dir), 'probe.png');
  const ignored = spawnSync('git', ['check-ignore', '-q', probe], { cwd: repoRoot() });
  assert.equal(ignored.status, 0, `${probe} is not ignored by git`);
});

test('the README pictures are refreshed only on request', () => {
  assert.equal(relative(repoRoot(), screenshotDir({ MAIL_INSPECTOR_UPDATE_SCREENSHOTS: '1' })), join('docs', 'screenshots'));
  assert.equal(screenshotDir({ MAIL_INSPECTOR_SCREENSHOTS: '/tmp/shots', MAIL_INSPECTOR_UPDATE_SCREENSHOTS: '1' }), '/tmp/shots');
});
