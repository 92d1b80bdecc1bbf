// The code-server install runs a nested npm. Under `npm run …` the outer npm exports npm_config_user_agent
// ("npm/11 node/v20 …"); passed on, the nested npm takes it as its own config and code-server's postinstall reads
// the Node version from it and refuses to install on the Node 24 first on PATH. The harness strips what npm exported.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withoutNpmRunEnv } from '../e2e/harness/codeServer';

const outer = {
  PATH: '/usr/bin:/bin',
  HOME: '/root',
  // A Node version unlike the one running the test, so that the two can be told apart.
  npm_config_user_agent: 'npm/9.9.9 node/v18.99.0 linux x64 workspaces/false',
  npm_config_nodedir: '/usr',
  npm_lifecycle_event: 'test',
  npm_package_name: 'mail-inspector',
  INIT_CWD: '/work/main',
  NODE: '/usr/bin/node',
};

test('the environment given to the nested npm keeps PATH and HOME and drops what the outer npm run exported', () => {
  const env = withoutNpmRunEnv(outer);
  assert.deepEqual(Object.keys(env).sort(), ['HOME', 'PATH']);
});

test('a nested npm lifecycle script sees its own npm user agent, not the outer one', { timeout: 60_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'mi-npm-env-'));
  try {
    // What code-server's postinstall does: read the Node version from npm_config_user_agent.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', version: '1.0.0', private: true, scripts: { probe: 'node -e "console.log(process.env.npm_config_user_agent)"' } }));
    const run = (env: NodeJS.ProcessEnv): string =>
      spawnSync('npm', ['run', '--silent', 'probe'], { cwd: dir, env, encoding: 'utf8' }).stdout.trim();
    const leaked = run({ ...process.env, ...outer, PATH: process.env.PATH });
    assert.match(leaked, /node\/v18\.99\.0/, 'without the fix the outer user agent leaks (the bug this guards against)');
    const clean = run(withoutNpmRunEnv({ ...process.env, ...outer, PATH: process.env.PATH }));
    assert.ok(clean.includes(`node/${process.version}`), `nested npm reported "${clean}"`);
    assert.ok(!clean.includes('v18.99.0'), clean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
