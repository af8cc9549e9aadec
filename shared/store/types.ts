import type { ProbeState } from '../alert/types';
import type { ProbeResult } from '../model/result';
import type { AlertStore } from './alert-store';
import type { ResultSummary } from './result-item';
import type { ProbeEvent, Resolution, Rollup } from './rollup-model';

/** Whose results: one probe, or every probe on a target. */
export type HistoryScope = { probeId: string } | { target: string };

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
  /** The stored result of one slot, if there is one. */
  getResult(probeId: string, scheduledAt: string): Promise<ProbeResult | undefined>;
  /**
   * Claims a slot for a probe whose run has side effects (it sends a real message) before it acts: true for the
   * first caller only, however many invocations of the slot run at once.
   */
  claimSlot(probeId: string, scheduledAt: string): Promise<boolean>;
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
  /** Summaries (no checks, timings or transcript) of a scope's results in a window: what lists and reports show. */
  summaries(scope: HistoryScope, window: TimeWindow): Promise<ResultSummary[]>;
  /** The state item of every probe. */
  listStates(): Promise<ProbeState[]>;
  /**
   * Adds a result that `putResult` wrote to its hour and day rollups, and records an event when the probe or a
   * check changed against `previous`. Call it only after `written`: that is what keeps the counts exact.
   */
  addToRollups(result: ProbeResult, previous: ProbeState | undefined): Promise<void>;
  /** Rollups of one probe whose buckets overlap the window, oldest first. */
  rollups(probeId: string, window: TimeWindow, resolution: Resolution): Promise<Rollup[]>;
  /** Events of one probe in the window, oldest first, preceded by the newest one before it (if any). */
  events(probeId: string, window: TimeWindow): Promise<{ before?: ProbeEvent; events: ProbeEvent[] }>;
  /** Silences, suppressed alerts, incidents: the alerting items of the same table. */
  readonly alerting: AlertStore;
}
