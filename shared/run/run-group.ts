import { flushIncidents } from '../alert/flush';
import type { ProbeSpec } from '../suite/expand';
import { mapLimit } from '../util/concurrency';
import { type RunDeps, type RunReport, runProbe } from './run-probe';

/** Probes of one schedule slot run side by side, bounded so a large group cannot exhaust sockets or memory. */
export const GROUP_CONCURRENCY = 16;

/** Runs one slot's probes (`onReport` hears of each as it finishes), then delivers the incidents they are due. */
export async function runProbes(
  specs: readonly ProbeSpec[],
  scheduledAt: Date,
  deps: RunDeps,
  onReport?: (report: RunReport) => void,
): Promise<RunReport[]> {
  const reports = await mapLimit(specs, GROUP_CONCURRENCY, async (spec) => {
    const report = await runProbe(spec, scheduledAt, deps);
    onReport?.(report);
    return report;
  });
  await flushIncidents(deps);
  return reports;
}
