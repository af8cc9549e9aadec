/**
 * Whole process against whole process: CPU seconds (user + sys) of `mailprobe --help` and `--version` against an
 * empty `node -e 0`, medians of interleaved runs. Goal: <= 2x.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchRow } from './types';

const RUNS = 15;
const BIN = join(__dirname, '../bin/mailprobe.js');

/** CPU seconds of one process, from /usr/bin/time. */
function cpuSeconds(command: string[]): number {
  const out = spawnSync('/usr/bin/time', ['-f', '%U %S', ...command], { encoding: 'utf8', timeout: 30_000 });
  if (out.status !== 0) throw new Error(`${command.join(' ')} failed: ${out.stderr.slice(-300)}`);
  const [user, sys] = (out.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  return (user ?? Number.NaN) + (sys ?? Number.NaN);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function run(): Promise<BenchRow[]> {
  const node: number[] = [];
  const help: number[] = [];
  const version: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(cpuSeconds([process.execPath, '-e', '0']));
    help.push(cpuSeconds([process.execPath, BIN, '--help']));
    version.push(cpuSeconds([process.execPath, BIN, '--version']));
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
