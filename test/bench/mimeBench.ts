import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { partTreeFromBodyStructure } from '../../src/core/mime/fromBodyStructure';
import { partTreeFromRaw } from '../../src/core/mime/fromRawMessage';
import { partBytesBySection } from '../../src/core/mime/partBytes';
import { deepNestingMessage, manyPartsMessage } from '../fixtures/generate';
import type { MessageStructureObject } from 'imapflow';

// The MIME-parsing section of the benchmark: how long parsing a huge or deep message takes and how long
// the event loop (the extension host's, in the product) is blocked at a stretch meanwhile. The longest
// stall is measured two ways: perf_hooks.monitorEventLoopDelay (what a timer waiting meanwhile suffers,
// at 1 ms resolution) and a setImmediate probe timing the gap between two turns of the loop.

export interface StallSample {
  readonly name: string;
  readonly ms: number;
  readonly longestStallMs: number;
  readonly histogramMaxMs: number;
  readonly parts: number;
}

async function measureStall(name: string, work: () => Promise<number> | number): Promise<StallSample> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let longest = 0;
  let running = true;
  let last = performance.now();
  const probe = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(probe);
  };
  histogram.enable();
  setImmediate(probe);
  const start = performance.now();
  const parts = await work();
  const ms = performance.now() - start;
  running = false;
  await new Promise((resolve) => setImmediate(resolve));
  histogram.disable();
  return { name, ms, longestStallMs: longest, histogramMaxMs: histogram.max / 1e6, parts };
}

function deepStructure(depth: number): MessageStructureObject {
  let node: MessageStructureObject = { type: 'text/plain', size: 10, encoding: '7bit' };
  for (let i = 0; i < depth; i++) node = { type: 'multipart/mixed', childNodes: [node] };
  return node;
}

/** Parses a 10,000-part and a 5,000-deep message (raw, and as BODYSTRUCTURE) and reports time and the longest stall. */
export async function mimeParsingBench(): Promise<StallSample[]> {
  const many = manyPartsMessage(10_000);
  const deep = deepNestingMessage(5000);
  const manyStructure: MessageStructureObject = {
    type: 'multipart/mixed',
    childNodes: Array.from({ length: 10_000 }, (_, i) => ({ part: String(i + 1), type: 'text/plain', encoding: '7bit', size: 10 })),
  };
  // Warm-up: the first parse also pays for compiling the parser.
  await partTreeFromRaw(manyPartsMessage(200));
  const samples: StallSample[] = [];
  samples.push(await measureStall('raw, 10,000 parts', async () => (await partTreeFromRaw(many)).partCount));
  samples.push(await measureStall('raw, 5,000 nested multiparts', async () => (await partTreeFromRaw(deep)).totalParts ?? 0));
  samples.push(await measureStall('raw, part 10,000 by section', async () => (await partBytesBySection(many, '10000')).length));
  samples.push(await measureStall('BODYSTRUCTURE, 10,000 parts', async () => (await partTreeFromBodyStructure(manyStructure, many.length)).partCount));
  samples.push(await measureStall('BODYSTRUCTURE, 5,000 nested', async () => (await partTreeFromBodyStructure(deepStructure(5000), deep.length)).totalParts ?? 0));
  return samples;
}

export function stallTable(samples: readonly StallSample[]): string {
  const header = ['MIME parsing', 'ms', 'longest stall ms (probe)', 'event-loop delay max ms', 'parts'];
  const rows = samples.map((s) => [s.name, s.ms.toFixed(1), s.longestStallMs.toFixed(1), s.histogramMaxMs.toFixed(1), s.parts.toLocaleString('en-US')]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' │ ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

if (require.main === module) {
  mimeParsingBench().then(
    (samples) => console.log(stallTable(samples)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
