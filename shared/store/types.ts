import type { ProbeState } from '../alert/types';
import type { ProbeResult } from '../model/result';
import type { AlertStore } from './alert-store';

export interface TimeWindow {
  /** Inclusive lower bound (scheduledAt). */
  since: Date;
  /** Exclusive upper bound; defaults to now. */
  until?: Date;
  /** Newest first when set. */
  newestFirst?: boolean;
  limit?: number;
}

/** The one storage port. Implemented once, on DynamoDB; the local default is dynalite through the same code. */
export interface ResultStore {
  /** Writes a result once per (probeId, scheduledAt); a second write of the same slot is a `duplicate` and changes nothing. */
  putResult(result: ProbeResult): Promise<'written' | 'duplicate'>;
  getState(probeId: string): Promise<ProbeState | undefined>;
  /**
   * Saves `state` only if the stored version is still `state.version - 1` (or absent when `state.version` is 1).
   * Returns false when another run got there first.
   */
  saveState(state: ProbeState): Promise<boolean>;
  /** Results of one probe in a window. */
  historyByProbe(probeId: string, window: TimeWindow): Promise<ProbeResult[]>;
  /** Results of every probe on a target in a window. */
  historyByTarget(target: string, window: TimeWindow): Promise<ProbeResult[]>;
  /** Results of all probes in a window. */
  historyAll(window: TimeWindow): Promise<ProbeResult[]>;
  /** The state item of every probe. */
  listStates(): Promise<ProbeState[]>;
  /** Silences, suppressed alerts, incidents: the alerting items of the same table. */
  readonly alerting: AlertStore;
}
