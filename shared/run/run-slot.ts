import type { ProbeSpec } from '../suite/expand';
import { chunk, type ProbeBatch } from './events';
import { runProbes } from './run-group';
import type { RunDeps, RunReport } from './run-probe';
import type { WorkQueue } from './work-queue';

export type SlotOutcome =
  | { ran: RunReport[] }
  /** The group was larger than one batch: its targets went to the work queue in this many batches. */
  | { fannedOut: number };

/**
 * One schedule slot of one group: run its probes here, or, when there are more than `batchSize` and a work queue,
 * split the targets into batches on the queue (each later run by the kind's runner with capped concurrency).
 */
export async function runSlot(
  specs: readonly ProbeSpec[],
  slot: { group: string; scheduledTime: string },
  deps: RunDeps,
  fanOut: { queue: WorkQueue | undefined; batchSize: number },
): Promise<SlotOutcome> {
  if (fanOut.queue && specs.length > fanOut.batchSize) {
    const batches = chunk(
      specs.map((s) => s.targetName),
      fanOut.batchSize,
    ).map((targets): ProbeBatch => ({ ...slot, targets }));
    await fanOut.queue.send(batches);
    return { fannedOut: batches.length };
  }
  return { ran: await runProbes(specs, new Date(slot.scheduledTime), deps) };
}
