import type { CauseId } from '../model/causes/index';
import type { JsonObject, ProbeKind } from '../model/result';
import type { Status } from '../model/status';
import type { Verdict } from './flap';

const ALERT_TYPES = [
  'failure',
  'reminder',
  'recovery',
  'coverage',
  'coverage-recovered',
  'flapping',
  'flap-settled',
] as const;
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
  /** Untrusted, bounded: the value the check observed (a record, a folder, a reply code), as text. */
  observed?: string;
}

/** Where the evidence of an alert is: the deployed table (for `--remote` commands) and the dashboard. */
export interface AlertLinks {
  table?: string;
  region?: string;
  dashboardUrl?: string;
}

/** One probe of an incident as its message lists it. */
export interface IncidentLine {
  probeId: string;
  kind: ProbeKind;
  target: string;
  /** `firing` until it recovered; `change` for a finding that explains others without alerting itself. */
  state: 'firing' | 'resolved' | 'change';
  status: Status;
  cause?: CauseId;
  /** Untrusted, bounded: what it observed. */
  message: string;
  since: string;
}

/** What an alert carries when it speaks for an incident: the likely root cause and every probe involved. */
export interface IncidentView {
  id: string;
  /** The root cause as a sentence built from the relation that explains the other members, if one does. */
  cause?: string;
  rootProbeId?: string;
  /** `update` when earlier messages went out for this incident; `reminder`; `resolved` once all recovered. */
  phase: 'new' | 'update' | 'reminder' | 'resolved';
  openedAt: string;
  members: IncidentLine[];
  /** Members not listed, to keep the item and the message bounded. */
  omitted: number;
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
  /** Redacted, bounded excerpt of the run's protocol transcript. Untrusted. */
  transcript?: string[];
  links?: AlertLinks;
  incident?: IncidentView;
}

/** What a silence matches: one probe id, every probe of a target, or every probe of a group. */
export interface SilenceMatcher {
  scope: 'probe' | 'target' | 'group';
  value: string;
}

/** A maintenance window: alerts of matching probes are recorded as suppressed instead of sent, until `endsAt`. */
export interface Silence {
  id: string;
  matcher: SilenceMatcher;
  startsAt: string;
  endsAt: string;
  reason: string;
  createdBy: string;
  createdAt: string;
}

/** An alert a silence held back, kept beside the probe's results. */
export interface SuppressedAlert {
  alert: Alert;
  silenceId: string;
  reason: string;
  recordedAt: string;
}

/** One probe's part in an incident. */
export interface IncidentMember {
  probeId: string;
  kind: ProbeKind;
  group: string;
  target: string;
  /** `alert` members fire and resolve; `change` members are findings (a key rotation, a fresh listing). */
  role: 'alert' | 'change';
  firing: boolean;
  since: string;
  lastAt: string;
  /** Non-pass checks with their causes; the correlator matches relations on them. */
  findings: { check: string; cause: CauseId; status: Status; message: string }[];
  /** Ids of checks that passed on the member's last run (bounded): "DKIM and SPF unchanged". */
  passing: string[];
  resources: string[];
  /** The member's latest alert (alert members). */
  alert?: Alert;
}

/** Delivery memory of one destination (channel) for one incident. */
interface IncidentDelivery {
  /** What the last message showed (visible members and their latest alerts): a different one is news. */
  fingerprint: string;
  at: string;
  firstAt: string;
}

/** One problem: the alerts of related probes, grouped; delivered per destination with Alertmanager pacing. */
export interface Incident {
  id: string;
  version: number;
  openedAt: string;
  lastChangeAt: string;
  /** Set once every alert member recovered. */
  resolvedAt?: string;
  members: Record<string, IncidentMember>;
  /** Members dropped to keep the item bounded. */
  dropped: number;
  delivered: Record<string, IncidentDelivery>;
}

/** A channel: console, SNS, Slack. Throws when the alert could not be delivered after its own retries. */
export interface Alerter {
  readonly name: string;
  publish(alert: Alert): Promise<void>;
  /** A fan-out's channels: incidents are paced per channel (destination). */
  readonly channels?: readonly Alerter[];
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
  /** The probe's own memo (see ProbeOutcome.memo). */
  memo?: JsonObject;
  /** The newest verdicts (oldest first, at most `flapWindow`), for flap detection. */
  recent?: Verdict[];
  /** Set while the probe is flapping: failure, reminder and recovery alerts are held back. */
  flapping?: boolean;
}
