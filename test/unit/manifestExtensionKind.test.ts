// Where the extension runs decides where mail connections are made: with Remote-SSH or a dev container, a server
// reachable only from the remote host must be reached from there, so the manifest prefers the workspace side.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { extensionKind?: string[]; dependencies: Record<string, string>; devDependencies: Record<string, string> };

test('extensionKind is declared and prefers the workspace (remote) extension host', () => {
  assert.deepEqual(manifest.extensionKind, ['workspace', 'ui']);
});

test('dependencies are pinned to exact versions', () => {
  for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
    assert.match(range, /^\d+\.\d+\.\d+$/, `${name} is not pinned exactly: "${range}"`);
  }
});

test('mailparser is no dependency: TOP headers are read by the core\'s own header parser', () => {
  assert.equal(manifest.dependencies.mailparser, undefined);
});
