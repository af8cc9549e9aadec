/** Monthly AWS cost (scripts/cost.ts) of the example config and of 10 targets x 4 kinds every 5 minutes. */
import example from '../examples/mailprobe.config';
import { monthlyCost, renderCost, sampleRun, tenByFourConfig, totalOf } from '../scripts/cost';
import type { BenchRow } from './types';

const GOAL = 5;

export async function run(): Promise<BenchRow[]> {
  const sample = await sampleRun();
  const rows: BenchRow[] = [];
  for (const [name, input] of [
    ['example config', example],
    ['10 targets x 4 kinds every 5 min', tenByFourConfig()],
  ] as const) {
    const lines = monthlyCost(input, sample);
    process.stderr.write(`${renderCost(name, lines)}\n`);
    const withoutSes = totalOf(lines, false);
    rows.push({
      figure: `AWS cost per month, ${name}, without SES`,
      value: withoutSes,
      unit: 'USD',
      baseline: GOAL,
      note: `with SES $${totalOf(lines).toFixed(2)}; baseline column = goal $${GOAL}: ${withoutSes <= GOAL ? 'met' : 'missed'}`,
    });
  }
  return rows;
}
