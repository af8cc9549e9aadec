import { evaluate } from '../alert/evaluate';
import type { Alert, Alerter, ProbeState } from '../alert/types';
import type { ProbeSpec } from '../config/expand';
import type { ProbeResult } from '../model/result';
import { recordRollups } from '../store/rollups';
import type { ResultStore } from '../store/types';
import { type ExecuteDeps, executeProbe } from './execute';

export interface RunDeps extends ExecuteDeps {
  store: ResultStore;
  alerter: Alerter;
}

export interface RunReport {
  result: ProbeResult;
  /** `duplicate` when this schedule slot was already recorded: nothing was evaluated or alerted. */
  stored: 'written' | 'duplicate';
  alerts: Alert[];
  /** Alerts a channel failed to deliver (kept in the state and sent again on the next run), with the reason. */
  alertErrors: string[];
}

const STATE_SAVE_ATTEMPTS = 3;
/** Alerts kept for redelivery per probe, newest kept: a channel down for days must not grow the state item. */
const MAX_UNDELIVERED = 20;

/**
 * The one path a probe run takes, in a Lambda and in the CLI alike: execute under a time budget, store once
 * per (probe, scheduled time), evaluate against the stored state, save the state conditionally, alert.
 */
export async function runProbe(spec: ProbeSpec, scheduledAt: Date, deps: RunDeps): Promise<RunReport> {
  let previous = await deps.store.getState(spec.id);
  const { result, memo } = await executeProbe(spec, scheduledAt, previous?.memo, deps);

  if ((await deps.store.putResult(result)) === 'duplicate') {
    deps.log.info('duplicate run: slot already recorded', {
      probeId: spec.id,
      scheduledAt: result.scheduledAt,
    });
    return { result, stored: 'duplicate', alerts: [], alertErrors: [] };
  }
  await recordRollups(deps.store, result, previous, deps.log);

  let alerts: Alert[] = [];
  let saved: ProbeState | undefined;
  for (let attempt = 1; ; attempt++) {
    const evaluated = evaluate(previous, result, spec.thresholds, deps.now());
    if (evaluated.state.version === previous?.version) break; // a late result: nothing to save or send
    const state: ProbeState = { ...evaluated.state, memo: memo ?? previous?.memo, undelivered: undefined };
    if (await deps.store.saveState(state)) {
      // Alerts a channel could not take on an earlier run go out first, then this run's.
      alerts = [...(previous?.undelivered ?? []), ...evaluated.alerts];
      saved = state;
      break;
    }
    if (attempt === STATE_SAVE_ATTEMPTS) {
      deps.log.error('state kept changing under this run; alerts for it skipped', { probeId: spec.id });
      break;
    }
    previous = await deps.store.getState(spec.id);
  }

  const alertErrors: string[] = [];
  const undelivered: Alert[] = [];
  for (const alert of alerts) {
    try {
      await deps.alerter.publish(alert);
    } catch (err) {
      const reason = `${alert.type} alert for ${spec.id}: ${(err as Error).message}`;
      alertErrors.push(reason);
      undelivered.push(alert);
      deps.log.error('alert not delivered; kept for the next run', { probeId: spec.id, reason });
    }
  }
  if (saved && undelivered.length > 0) {
    const kept = { ...saved, version: saved.version + 1, undelivered: undelivered.slice(-MAX_UNDELIVERED) };
    if (!(await deps.store.saveState(kept))) {
      deps.log.error('undelivered alerts could not be kept: the state changed meanwhile', {
        probeId: spec.id,
      });
    }
  }
  return { result, stored: 'written', alerts, alertErrors };
}
