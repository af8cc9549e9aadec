import type { ProbeSpec } from '../suite/expand';
import { mapLimit } from '../util/concurrency';
import { type RunDeps, type RunReport, runProbe } from './run-probe';

/** Probes of one schedule slot run side by side, bounded so a large group cannot exhaust sockets or memory. */
export const GROUP_CONCURRENCY = 16;

export function runProbes(
  specs: readonly ProbeSpec[],
  scheduledAt: Date,
  deps: RunDeps,
): Promise<RunReport[]> {
  return mapLimit(specs, GROUP_CONCURRENCY, (spec) => runProbe(spec, scheduledAt, deps));
}
