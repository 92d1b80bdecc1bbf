import { statSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { ReferenceRow } from './referenceBench';

// Activation (issue 15 point 6): the bundle dist/extension.js loaded and activate() run in this process with no
// network, `vscode` answered by a stub that accepts every call (a Proxy: each property is a function that returns
// another stub, `new` works, configuration `get(key, fallback)` returns the fallback), so what is timed is our
// code: evaluating the bundle and what activate() does before it returns. Run in a child process of its own so
// that nothing else of the bench is loaded; the bundle's size is read beside it. Build the bundle first
// (`npm run -s package` or webpack); without one the row says so.

/** MAIL_INSPECTOR_BUNDLE names another build of it (e.g. webpack --output-path elsewhere). */
const BUNDLE = process.env.MAIL_INSPECTOR_BUNDLE ?? path.resolve(__dirname, '../../../dist/extension.js');

type Stub = ((...args: unknown[]) => unknown) & Record<string | symbol, unknown>;

function stub(name = 'vscode'): Stub {
  const cache = new Map<string | symbol, unknown>();
  const target = function () {} as unknown as Stub;
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then' || key === Symbol.iterator || key === Symbol.asyncIterator) return undefined;
      if (key === Symbol.toPrimitive) return () => '';
      if (key === 'toString' || key === 'toJSON') return () => name;
      if (!cache.has(key)) cache.set(key, stub(`${name}.${String(key)}`));
      return cache.get(key);
    },
    set(_t, key, value) {
      cache.set(key, value);
      return true;
    },
    apply(_t, _this, args) {
      // getConfiguration().get(key, fallback) and Memento.get(key, fallback): the fallback, so settings have their defaults.
      if (name.endsWith('.get') && args.length >= 2) return args[1];
      if (name.endsWith('.get') || name.endsWith('.inspect')) return undefined;
      return stub(`${name}()`);
    },
    construct() {
      return stub(`new ${name}`) as object;
    },
  });
}

function context(): Record<string, unknown> {
  const dir = tmpdir();
  const memento = { get: (_k: string, fallback?: unknown) => fallback, update: async () => undefined, keys: () => [], setKeysForSync: () => undefined };
  return {
    subscriptions: [] as unknown[],
    extensionPath: path.dirname(path.dirname(BUNDLE)),
    extensionUri: stub('extensionUri'),
    globalStorageUri: stub('globalStorageUri'),
    storageUri: stub('storageUri'),
    logUri: stub('logUri'),
    globalStoragePath: dir,
    storagePath: dir,
    logPath: dir,
    globalState: memento,
    workspaceState: memento,
    secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: stub('onDidChange') },
    extensionMode: 1,
    extension: { packageJSON: { version: '0.0.0' }, id: 'bench.mail-inspector' },
    environmentVariableCollection: stub('environmentVariableCollection'),
    asAbsolutePath: (p: string) => path.join(path.dirname(path.dirname(BUNDLE)), p),
  };
}

/** In the child: load, activate, print the figures as JSON. */
async function child(): Promise<void> {
  const vscode = stub();
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = loader._load;
  loader._load = function (request, parent, isMain) {
    if (request === 'vscode') return vscode;
    return original.call(this, request, parent, isMain);
  };
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const start = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle is CommonJS, loaded the way VS Code loads it
  const extension = require(BUNDLE) as { activate(context: unknown): unknown };
  const loaded = performance.now();
  await extension.activate(context());
  const activated = performance.now();
  histogram.disable();
  process.stdout.write(JSON.stringify({ loadMs: loaded - start, activateMs: activated - loaded, totalMs: activated - start, stallMs: histogram.max / 1e6 }));
  process.exit(0);
}

interface ActivationRun {
  readonly loadMs: number;
  readonly activateMs: number;
  readonly totalMs: number;
}

/** Rows for the reference table: activation (median of 5 fresh processes) and the bundle's size. */
export async function activationBench(): Promise<ReferenceRow[]> {
  let size: number;
  try {
    size = statSync(BUNDLE).size;
  } catch {
    return [{ task: 'activation: no bundle (run `npm run -s package` first)', ours: { ms: 0, bytes: 0 }, theirs: undefined, reference: '—' }];
  }
  const { execFile } = await import('node:child_process');
  const runs: ActivationRun[] = [];
  for (let i = 0; i < 5; i++) {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [__filename, '--child'], (error, stdout, stderr) => (error ? reject(new Error(`activation failed: ${stderr || error.message}`)) : resolve(stdout))),
    );
    runs.push(JSON.parse(out) as ActivationRun);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const total = median(runs.map((r) => r.totalMs));
  return [
    {
      task: `activation: load dist/extension.js (${size.toLocaleString('en-US')} bytes, target < 1,000,000) + activate(), no network; load ${median(runs.map((r) => r.loadMs)).toFixed(1)} ms, activate ${median(runs.map((r) => r.activateMs)).toFixed(1)} ms`,
      ours: { ms: total, bytes: 0 },
      theirs: undefined,
      reference: 'target: under 100 ms',
    },
  ];
}

if (require.main === module && process.argv.includes('--child')) {
  void child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (require.main === module) {
  void activationBench().then((rows) => console.log(rows.map((r) => `${r.task}: ${r.ours.ms.toFixed(1)} ms`).join('\n')));
}
