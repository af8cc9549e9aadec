import type { ProbeBatch } from './events';

/** Where a large group's slot is split to: batches of targets, each run later by the kind's own runner. */
export interface WorkQueue {
  /** Enqueues every batch or throws naming what was refused. */
  send(batches: readonly ProbeBatch[]): Promise<void>;
}
