import { evaluate } from '../alert/evaluate';
import type { Alert, Alerter, ProbeState } from '../alert/types';
import type { ProbeSpec } from '../config/expand';
import type { ProbeResult } from '../model/result';
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
  /** Alerts a channel failed to deliver, with the reason (never a secret). */
  alertErrors: string[];
}

const STATE_SAVE_ATTEMPTS = 3;

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

  let alerts: Alert[] = [];
  for (let attempt = 1; ; attempt++) {
    const evaluated = evaluate(previous, result, spec.thresholds, deps.now());
    const state: ProbeState = { ...evaluated.state, memo: memo ?? previous?.memo };
    if (evaluated.state.version === previous?.version || (await deps.store.saveState(state))) {
      alerts = evaluated.alerts;
      break;
    }
    if (attempt === STATE_SAVE_ATTEMPTS) {
      deps.log.error('state kept changing under this run; alerts for it skipped', { probeId: spec.id });
      break;
    }
    previous = await deps.store.getState(spec.id);
  }

  const alertErrors: string[] = [];
  for (const alert of alerts) {
    try {
      await deps.alerter.publish(alert);
    } catch (err) {
      const reason = `${alert.type} alert for ${spec.id}: ${(err as Error).message}`;
      alertErrors.push(reason);
      deps.log.error('alert not delivered', { probeId: spec.id, reason });
    }
  }
  return { result, stored: 'written', alerts, alertErrors };
}
