import type { ProbeState, SuppressedAlert } from '../alert/types';
import type { ProbeResult } from '../model/result';
import type { ProbeEvent, Resolution, Rollup } from '../store/rollup-model';
import type { ResultStore } from '../store/types';
import { mapLimit } from '../util/concurrency';

/** Everything a report or `history --stats` knows about one probe over a window, read from aggregates. */
export interface ProbeHistory {
  state: ProbeState;
  /** The newest raw result (for the current causes and messages); the only raw result read per probe. */
  latest?: ProbeResult;
  rollups: Rollup[];
  /** The newest event before the window: where the probe stood when the window opened. */
  before?: ProbeEvent;
  events: ProbeEvent[];
  /** Alerts a silence held back in the window, oldest first. */
  suppressed: SuppressedAlert[];
}

export interface HistoryWindow {
  since: Date;
  until: Date;
  resolution: Resolution;
}

export interface CollectedHistory {
  window: HistoryWindow;
  probes: ProbeHistory[];
}

export interface CollectOptions {
  since: Date;
  until?: Date;
  /** Probe ids, targets, groups or kinds; a probe matching any of them is kept. Empty or absent: all. */
  only?: string[];
  resolution?: Resolution;
}

/** Probes read side by side: enough to hide the latency of a remote table, few enough not to throttle it. */
const READ_CONCURRENCY = 4;
/** Up to this window, hour rollups (at most 192 points a chart); longer windows read day rollups. */
const HOURLY_UP_TO_MS = 8 * 86_400_000;

function chooseResolution(windowMs: number): Resolution {
  return windowMs <= HOURLY_UP_TO_MS ? 'hour' : 'day';
}

/** Whether `state` is one of the probes `only` names (by id, target, group or kind). */
function matches(state: ProbeState, only: string[] | undefined): boolean {
  if (!only || only.length === 0) return true;
  return only.some((key) => [state.probeId, state.target, state.group, state.kind].includes(key));
}

/**
 * Reads what a report needs with Query only: the state items, then per probe its rollups, its events, its
 * newest result and the alerts silences held back. No raw result scan: the cost grows with the number of buckets, not of runs.
 */
export async function collectHistory(store: ResultStore, options: CollectOptions): Promise<CollectedHistory> {
  const until = options.until ?? new Date();
  const window: HistoryWindow = {
    since: options.since,
    until,
    resolution: options.resolution ?? chooseResolution(until.getTime() - options.since.getTime()),
  };
  const states = (await store.listStates())
    .filter((s) => matches(s, options.only))
    .sort((a, b) => a.probeId.localeCompare(b.probeId));
  const probes = await mapLimit(states, READ_CONCURRENCY, async (state) => {
    const range = { since: window.since, until: window.until };
    const [rollups, events, latest, suppressed] = await Promise.all([
      store.rollups(state.probeId, range, window.resolution),
      store.events(state.probeId, range),
      store.historyByProbe(state.probeId, { ...range, newestFirst: true, limit: 1 }),
      store.alerting.suppressedByProbe(state.probeId, window.since, window.until),
    ]);
    const history: ProbeHistory = { state, rollups, events: events.events, suppressed };
    if (events.before) history.before = events.before;
    if (latest[0]) history.latest = latest[0];
    return history;
  });
  return { window, probes };
}
