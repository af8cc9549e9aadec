import { evaluate } from '../alert/evaluate';
import { type AlertingConfig, recordRun } from '../alert/incidents';
import type { Alert, Alerter, AlertLinks, ProbeState } from '../alert/types';
import type { ProbeResult } from '../model/result';
import type { ResultStore } from '../store/types';
import type { ProbeSpec } from '../suite/expand';
import { type ExecuteDeps, executeProbe } from './execute';

export interface RunDeps extends ExecuteDeps {
  store: ResultStore;
  alerter: Alerter;
  /** Pacing of incidents and the targets that relate probes (`alerts` and `targets` of the config). */
  alerting: AlertingConfig;
  /** Where alerts point for evidence: the deployed table and dashboard. */
  links?: AlertLinks;
}

export interface RunReport {
  result: ProbeResult;
  /** `duplicate` when this schedule slot was already recorded: nothing was evaluated or alerted. */
  stored: 'written' | 'duplicate';
  alerts: Alert[];
}

const STATE_SAVE_ATTEMPTS = 3;

/**
 * The one path a probe run takes, in a Lambda and in the CLI alike: execute under a time budget, store once
 * per (probe, scheduled time), evaluate against the stored state, save the state conditionally, record the alerts
 * into incidents (runProbes delivers them once the whole slot is in).
 */
export async function runProbe(spec: ProbeSpec, scheduledAt: Date, deps: RunDeps): Promise<RunReport> {
  let previous = await deps.store.getState(spec.id);
  const { result, memo } = await executeProbe(spec, scheduledAt, previous?.memo, deps);

  if ((await deps.store.putResult(result)) === 'duplicate') {
    deps.log.info('duplicate run: slot already recorded', {
      probeId: spec.id,
      scheduledAt: result.scheduledAt,
    });
    return { result, stored: 'duplicate', alerts: [] };
  }

  let alerts: Alert[] = [];
  let saved: ProbeState | undefined;
  for (let attempt = 1; ; attempt++) {
    const evaluated = evaluate(previous, result, spec.thresholds, deps.now());
    if (evaluated.state.version === previous?.version) break; // a late result: nothing to save or send
    const state: ProbeState = { ...evaluated.state, memo: memo ?? previous?.memo };
    if (await deps.store.saveState(state)) {
      alerts = evaluated.alerts;
      saved = state;
      break;
    }
    if (attempt === STATE_SAVE_ATTEMPTS) {
      deps.log.error('state kept changing under this run; alerts for it skipped', { probeId: spec.id });
      break;
    }
    previous = await deps.store.getState(spec.id);
  }

  if (saved) await recordRun({ spec, result, previous, alerts }, deps);
  return { result, stored: 'written', alerts };
}
