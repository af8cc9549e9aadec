import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import example from '../examples/mailprobe.config';
import { synthesizeBundles } from '../infra/bundles';
import type { BenchRow } from './types';

const RUNS = 20;
const SIZE_GOAL = 500 * 1024;
const LOAD_GOAL_MS = 150;

/** Median wall time of `node -e <code>` over RUNS fresh processes. */
function medianNodeMs(code: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const out = spawnSync(process.execPath, ['-e', code], {
      timeout: 30_000,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    if (out.status !== 0) throw new Error(`node -e failed: ${out.stderr.toString().slice(0, 300)}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] as number;
}

/**
 * Per function: minified bundle size, and the time to require it in a fresh node (median of 20) against an empty
 * node start, the cold-start cost the bundle adds. Goal: <= 500 KB and <= +150 ms each.
 */
export async function run(): Promise<BenchRow[]> {
  const root = join(__dirname, '../cdk.out');
  mkdirSync(root, { recursive: true });
  const bundles = synthesizeBundles(example, mkdtempSync(join(root, 'bundle-bench-')));
  const empty = medianNodeMs('0');
  return bundles.flatMap((b) => {
    const name = b.description.replace(/^mailprobe: /, '');
    const load = medianNodeMs(`require(${JSON.stringify(join(b.dir, 'index.js'))})`);
    return [
      {
        figure: `bundle size: ${name}`,
        value: Math.round(b.bytes / 1024),
        unit: 'KB',
        baseline: SIZE_GOAL / 1024,
        note: `goal <= 500 KB (baseline column = goal); ${b.bytes <= SIZE_GOAL ? 'met' : 'missed'}`,
      },
      {
        figure: `require() time: ${name}`,
        value: Math.round(load),
        unit: 'ms',
        baseline: Math.round(empty),
        note: `empty node start as baseline; +${Math.round(load - empty)} ms, goal <= +${LOAD_GOAL_MS} ms: ${load - empty <= LOAD_GOAL_MS ? 'met' : 'missed'}`,
      },
    ];
  });
}
