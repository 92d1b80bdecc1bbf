// Prints the size of what `npm run package` ships and fails when the activation bundle reaches its budget: the
// extension host loads dist/extension.js on activation, so every byte of it costs start-up time. Parts loaded on
// first use (dist/*.chunk.js, e.g. the HTML preview's sanitiser) are listed beside it.
// Usage: node scripts/bundleSize.mjs
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUDGET_BYTES = 1_000_000;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const size = (name) => statSync(join(dist, name)).size;
const show = (n) => `${n.toLocaleString('en-US')} bytes (${(n / 1000).toFixed(0)} kB)`;
const main = size('extension.js');
process.stdout.write(`dist/extension.js: ${show(main)}, budget ${show(BUDGET_BYTES)}\n`);
for (const chunk of readdirSync(dist).filter((f) => f.endsWith('.chunk.js')).sort()) {
  process.stdout.write(`dist/${chunk}: ${show(size(chunk))}, loaded on first use\n`);
}
if (main >= BUDGET_BYTES) {
  process.stderr.write(`dist/extension.js is over its budget of ${show(BUDGET_BYTES)}: see webpack.config.js (aliases, lazy chunks) and what src/ imports.\n`);
  process.exit(1);
}
