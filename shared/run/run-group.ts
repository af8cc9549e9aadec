import type { ProbeSpec } from '../suite/expand';
import { mapLimit } from '../util/concurrency';
import { type RunDeps, type RunReport, runProbe } from './run-probe';

/** Probes of one schedule slot run side by side, bounded so a large group cannot exhaust sockets or memory. */
export const GROUP_CONCURRENCY = 16;

/** Runs the probes of one slot; `onReport` hears of each as it finishes (progress), the result keeps input order. */
export function runProbes(
  specs: readonly ProbeSpec[],
  scheduledAt: Date,
  deps: RunDeps,
  onReport?: (report: RunReport) => void,
): Promise<RunReport[]> {
  return mapLimit(specs, GROUP_CONCURRENCY, async (spec) => {
    const report = await runProbe(spec, scheduledAt, deps);
    onReport?.(report);
    return report;
  });
}
