import type { CauseId } from '../model/causes/index';
import type { JsonObject, ProbeKind } from '../model/result';
import type { Status } from '../model/status';

const ALERT_TYPES = ['failure', 'reminder', 'recovery', 'coverage', 'coverage-recovered'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];
export type Severity = 'critical' | 'warning' | 'info';

/** A check as an alert quotes it. */
export interface AlertCheck {
  id: string;
  status: Status;
  previousStatus?: Status;
  cause?: CauseId;
  message: string;
  /** How this check figures in the alert: it just started failing, it was already failing, or it recovered. */
  change?: 'new' | 'ongoing' | 'recovered';
}

/** One state transition worth telling a human about. Channels render it; the catalog supplies the words. */
export interface Alert {
  type: AlertType;
  severity: Severity;
  probeId: string;
  kind: ProbeKind;
  group: string;
  target: string;
  scheduledAt: string;
  status: Status;
  previousStatus?: Status;
  /** True for the first failure alert of a probe whose very first run already failed. */
  preExisting?: boolean;
  /** Checks that explain the alert: newly failing, still failing, or recovered. */
  checks: AlertCheck[];
  /** Since when the probe has been failing (reminders, recoveries). */
  since?: string;
}

/** A channel: console, SNS, Slack. Throws when the alert could not be delivered after its own retries. */
export interface Alerter {
  readonly name: string;
  publish(alert: Alert): Promise<void>;
}

/** Per-check memory of the state machine. */
export interface CheckState {
  status: Status;
  cause?: CauseId;
  /** Whether this check is in a hard (alerted) failure. */
  alerted: boolean;
  /** The cause the failure alert named; a different cause on the same check is a new failure. */
  alertedCause?: CauseId;
}

/**
 * Everything the evaluator remembers about one probe, stored as one item. `version` makes updates conditional:
 * two runs evaluating the same previous state cannot both win.
 */
export interface ProbeState {
  probeId: string;
  kind: ProbeKind;
  group: string;
  target: string;
  version: number;
  /** scheduledAt of the newest result evaluated. */
  lastScheduledAt: string;
  lastStatus: Status;
  /** `ok` until a failure alert goes out; `failing` until recovery. */
  phase: 'ok' | 'failing';
  consecutiveFailures: number;
  consecutivePasses: number;
  consecutiveUnknowns: number;
  coverageAlerted: boolean;
  failingSince?: string;
  /** scheduledAt of the first unknown run of the current unknown streak. */
  unknownSince?: string;
  /** scheduledAt of the result that raised the last failure, reminder or recovery alert. */
  lastAlertAt?: string;
  /** When this state was computed (wall clock). */
  updatedAt?: string;
  checks: Record<string, CheckState>;
  /** Alerts a channel could not deliver; the next run of the probe sends them again (newest 20). */
  undelivered?: Alert[];
  /** The probe's own memo (see ProbeOutcome.memo). */
  memo?: JsonObject;
}
