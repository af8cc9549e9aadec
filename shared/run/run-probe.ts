import { evaluate } from '../alert/evaluate';
import type { FlushWake } from '../alert/flush';
import { type AlertingConfig, recordRun } from '../alert/incidents';
import type { Alert, Alerter, AlertLinks, ProbeState } from '../alert/types';
import type { JsonObject, ProbeResult } from '../model/result';
import { recordRollups } from '../store/rollups';
import type { ResultStore } from '../store/types';
import type { ProbeSpec } from '../suite/expand';
import { MAX_CLOCK_SKEW_MS } from './events';
import { type ExecuteDeps, executeProbe, runnerResult } from './execute';

export interface RunDeps extends ExecuteDeps {
  store: ResultStore;
  alerter: Alerter;
  /** Pacing of incidents and the targets that relate probes (`alerts` and `targets` of the config). */
  alerting: AlertingConfig;
  /** Where alerts point for evidence: the deployed table and dashboard. */
  links?: AlertLinks;
  /** Runs a flush when a paced delivery falls due between runs (see shared/alert/flush.ts). */
  wake?: FlushWake;
}

export interface RunReport {
  result: ProbeResult;
  /**
   * `written`: stored and evaluated. `duplicate`: this slot was already recorded and evaluated, so nothing was
   * stored, evaluated or alerted again. `failed`: the store failed; the verdict was not recorded (`storeError`).
   */
  stored: 'written' | 'duplicate' | 'failed';
  /** Alerts this run raised (recorded into incidents; runProbes delivers them once the whole slot is in). */
  alerts: Alert[];
  storeError?: string;
}

const STATE_SAVE_ATTEMPTS = 3;

/**
 * A state whose newest slot lies in the future (an event with a far-future scheduled time got through once) would
 * make every real slot "late" forever: such a state is repaired by forgetting that slot.
 */
function repaired(state: ProbeState | undefined, deps: RunDeps): ProbeState | undefined {
  if (!state || Date.parse(state.lastScheduledAt) <= deps.now().getTime() + MAX_CLOCK_SKEW_MS) return state;
  deps.log.warn('probe state held a future slot; repaired', {
    probeId: state.probeId,
    lastScheduledAt: state.lastScheduledAt,
  });
  return { ...state, lastScheduledAt: new Date(0).toISOString() };
}

/**
 * The one path a probe run takes, in a Lambda and in the CLI alike: execute under a time budget, store once
 * per (probe, scheduled time), evaluate against the stored state, save the state conditionally, alert.
 *
 * - A probe with side effects (it sends a real message) claims its slot first: N concurrent invocations of one
 *   slot run it once.
 * - A retry of a slot whose result is stored but whose state does not reflect it (the first invocation died
 *   between the two writes) evaluates and alerts the stored result: at-least-once completion.
 * - A store failure never loses the verdict: the report carries it with `stored: 'failed'`.
 */
export async function runProbe(spec: ProbeSpec, scheduledAt: Date, deps: RunDeps): Promise<RunReport> {
  const slot = scheduledAt.toISOString();
  let previous: ProbeState | undefined;
  try {
    previous = repaired(await deps.store.getState(spec.id), deps);
    if (spec.definition.sideEffects && !(await deps.store.claimSlot(spec.id, slot))) {
      const stored = await deps.store.getResult(spec.id, slot);
      if (stored) return await settle(spec, stored, undefined, previous, deps);
      const result = runnerResult(spec, scheduledAt, deps, {
        cause: 'probe.slot-taken',
        message: `slot ${slot} is claimed by another invocation; nothing sent twice`,
      });
      return { result, stored: 'duplicate', alerts: [] };
    }
  } catch (err) {
    // Without the state the probe can still tell its verdict, but a sending probe must not act unclaimed.
    if (spec.definition.sideEffects) {
      const result = runnerResult(spec, scheduledAt, deps, {
        cause: 'probe.store-unavailable',
        message: `not run: the slot could not be claimed (${(err as Error).message})`,
      });
      return storeFailed(result, err, deps);
    }
    const { result } = await executeProbe(spec, scheduledAt, undefined, deps);
    return storeFailed(result, err, deps);
  }

  const { result, memo } = await executeProbe(spec, scheduledAt, previous?.memo, deps);
  try {
    if ((await deps.store.putResult(result)) === 'written') {
      await recordRollups(deps.store, result, previous, deps.log);
      return await settle(spec, result, memo, previous, deps);
    }
    // Already recorded: finish what the first invocation may not have (evaluate and alert its stored result).
    const stored = (await deps.store.getResult(spec.id, slot)) ?? result;
    return await settle(spec, stored, undefined, previous, deps);
  } catch (err) {
    return storeFailed(result, err, deps);
  }
}

function storeFailed(result: ProbeResult, err: unknown, deps: RunDeps): RunReport {
  const storeError = (err as Error).message;
  deps.log.error('result not recorded: the store failed', {
    probeId: result.probeId,
    scheduledAt: result.scheduledAt,
    status: result.status,
    checks: result.checks.map((c) => `${c.id} ${c.status}${c.cause ? ` ${c.cause}` : ''}`),
    error: storeError,
  });
  return { result, stored: 'failed', alerts: [], storeError };
}

/** Evaluates a stored result against the state, saves the state conditionally and records its alerts into incidents. */
async function settle(
  spec: ProbeSpec,
  result: ProbeResult,
  memo: JsonObject | undefined,
  initial: ProbeState | undefined,
  deps: RunDeps,
): Promise<RunReport> {
  let previous = initial;
  for (let attempt = 1; ; attempt++) {
    const evaluated = evaluate(previous, result, spec.thresholds, deps.now());
    if (evaluated.state.version === previous?.version) {
      // Nothing new: a late result, or a slot the state already reflects.
      return { result, stored: 'duplicate', alerts: [] };
    }
    const state: ProbeState = { ...evaluated.state, memo: memo ?? previous?.memo };
    if (await deps.store.saveState(state)) {
      await recordRun({ spec, result, previous, alerts: evaluated.alerts }, deps);
      return { result, stored: 'written', alerts: evaluated.alerts };
    }
    if (attempt === STATE_SAVE_ATTEMPTS) {
      deps.log.error('state kept changing under this run; alerts for it skipped', { probeId: spec.id });
      return { result, stored: 'written', alerts: [] };
    }
    previous = repaired(await deps.store.getState(spec.id), deps);
  }
}
