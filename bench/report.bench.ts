/**
 * The report at the size the issue names: 20 probes (all four kinds) x 30 days of 5-minute results (172,800
 * results) in the embedded store, then `buildReport` over 30 days, the same code `mailprobe report` runs. The
 * history is seeded through the real rollup and event functions (test/support/seed-history.ts: increments summed
 * per bucket, written with the real ADD update; only the newest raw result per probe is stored, the only raw
 * result a report reads). Baseline: reading every raw result of one probe for the same window (bench history).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../shared/report/build';
import { openEmbeddedStore } from '../shared/store/embedded';
import { seedHistory } from '../test/support/seed-history';
import type { BenchRow } from './types';

const PROBES = 20;
const DAYS = 30;
const FIVE_MIN = 5 * 60_000;
const END = Date.parse('2026-03-31T00:00:00.000Z');
const START = END - DAYS * 86_400_000;
const BUILDS = 3;

export async function run(): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'mailprobe-bench-report-'));
  const embedded = await openEmbeddedStore({ dataDir, retentionDays: 90, clock: () => new Date(END) });
  try {
    const seedStart = performance.now();
    const seeded = await seedHistory(embedded, {
      probes: PROBES,
      from: START,
      to: END,
      intervalMs: FIVE_MIN,
      retentionDays: 90,
    });
    const seedMs = performance.now() - seedStart;
    const results = seeded.reduce((sum, p) => sum + p.results, 0);
    const events = seeded.reduce((sum, p) => sum + p.events, 0);

    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < BUILDS; i++) {
      const start = performance.now();
      const html = await buildReport(embedded.store, { since: new Date(START), generatedAt: new Date(END) });
      times.push(performance.now() - start);
      bytes = Buffer.byteLength(html);
    }
    times.sort((a, b) => a - b);
    const build = times[Math.floor(times.length / 2)] as number;

    const hourly = performance.now();
    await buildReport(embedded.store, {
      since: new Date(START),
      generatedAt: new Date(END),
      resolution: 'hour',
    });
    const hourlyMs = performance.now() - hourly;

    const size = `${PROBES} probes x ${DAYS} days of 5-min results = ${results.toLocaleString('en-US')} results, ${events} events`;
    return [
      { figure: 'seed the history (rollups, events, newest results)', value: seedMs, unit: 'ms', note: size },
      {
        figure: '30-day report of 20 probes (buildReport, day rollups)',
        value: build,
        unit: 'ms',
        baseline: 3000,
        note: `median of ${BUILDS}; target <= 3,000 ms (baseline column)`,
      },
      {
        figure: '30-day report file size',
        value: bytes / 1024,
        unit: 'KiB',
        baseline: 2048,
        note: 'self-contained HTML with uPlot inlined; target <= 2 MiB (baseline column)',
      },
      {
        figure: '30-day report of 20 probes at hour resolution (14,400 rollups)',
        value: hourlyMs,
        unit: 'ms',
        note: 'what reading hour rollups for the whole month would cost',
      },
    ];
  } finally {
    await embedded.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
