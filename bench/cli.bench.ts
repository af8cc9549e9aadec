/**
 * Whole process against whole process: CPU seconds (user + sys) of `mailprobe --help` and `--version` against an
 * empty `node -e 0`, medians of interleaved runs. Goal: <= 2x.
 */
import { join } from 'node:path';
import { cpuSeconds, median } from './measure';
import type { BenchRow } from './types';

const RUNS = 15;
const BIN = join(__dirname, '../bin/mailprobe.js');

export async function run(): Promise<BenchRow[]> {
  const node: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(await cpuSeconds([process.execPath, '-e', '0']));
    help.push(await cpuSeconds([process.execPath, BIN, '--help']));
    version.push(await cpuSeconds([process.execPath, BIN, '--version']));
  }
  const base = median(node);
  return [
    ['mailprobe --help', median(help)],
    ['mailprobe --version', median(version)],
  ].map(([figure, value]) => ({
    figure: `${figure} CPU (user + sys), median of ${RUNS}`,
    value: Math.round((value as number) * 1000),
    unit: 'ms',
    baseline: Math.round(base * 1000),
    note: `baseline: node -e 0 in the same run; goal <= 2x: ${(value as number) / base <= 2 ? 'met' : 'missed'}`,
  }));
}
