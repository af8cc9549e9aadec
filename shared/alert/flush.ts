/**
 * Delivers incidents to each destination with Alertmanager's pacing: the first message once `groupWait` has passed
 * since the first alert joined, a new one when what a destination would see changed (members joined, recovered,
 * a silence ended) but not more often than `groupInterval`, a reminder every `repeatInterval` while firing, and one
 * resolved message when every member recovered. Silences are applied here, at delivery time, so a silence added to
 * a running incident mutes it and one that expires lets it through.
 *
 * A delivery is claimed with a conditional save of the incident before it is sent, so two runs flushing at once
 * send it once; a send that fails is un-claimed, and the next flush tries again.
 *
 * A delivery that falls due between runs (a `groupWait` or `groupInterval` not yet over) is not left to the next
 * run: the flush asks `wake` to run another flush at that time (a one-time schedule in AWS, a timer in `watch`).
 * Reminders are left to the runs, which come far more often than `repeatInterval`.
 */
import type { Grouping } from '../config/grouping';
import type { AlertStore } from '../store/alert-store';
import type { Log } from '../util/log';
import type { AlertingConfig } from './incidents';
import { incidentAlert } from './message';
import { activeSilence } from './silences';
import type { Alert, Alerter, Incident, IncidentMember, IncidentView, Silence } from './types';

export interface FlushDeps {
  alerting: AlertingConfig;
  store: { alerting: AlertStore };
  alerter: Alerter;
  log: Log;
  now: () => Date;
  /** Runs a flush at `at`; without it a delivery due between runs waits for the next run. */
  wake?: FlushWake;
}

/** Arranges for `flushIncidents` to run at a time. Asking twice for one time arranges it once. */
export type FlushWake = (at: Date) => Promise<void>;

interface Destination {
  alerter: Alerter;
  grouping: Grouping;
}

export interface FlushReport {
  sent: Alert[];
  /** Deliveries that failed (they are retried by the next flush), with the reason. */
  errors: string[];
  /** When the next paced delivery falls due (a group wait or interval still running), if one is pending. */
  nextAt?: Date;
}

const ATTEMPTS = 3;

/** One destination per channel of the alerter, each with its own pacing over `alerts.grouping`. */
function destinationsOf(alerter: Alerter, config: AlertingConfig): Destination[] {
  const channels = alerter.channels ?? [alerter];
  const own: Record<string, object | undefined> = {
    sns: config.alerts.sns?.grouping,
    slack: config.alerts.slack?.grouping,
  };
  return channels.map((a) => ({ alerter: a, grouping: { ...config.alerts.grouping, ...own[a.name] } }));
}

function fingerprint(members: IncidentMember[]): string {
  return members
    .filter((m) => m.role === 'alert')
    .map((m) => `${m.probeId}:${m.firing ? 'F' : 'R'}:${m.alert?.scheduledAt ?? ''}:${m.alert?.type ?? ''}`)
    .sort()
    .join('|');
}

type Phase = IncidentView['phase'];
type Step = { phase: Phase; at: number; fingerprint: string } | 'record' | undefined;

/**
 * What a destination is due next and when: a phase to send from `at` on, or `record` (nothing to show, mark it
 * seen at once).
 */
function nextStep(incident: Incident, visible: IncidentMember[], d: Destination): Step {
  const alerting = visible.filter((m) => m.role === 'alert');
  const firing = alerting.filter((m) => m.firing);
  const fp = fingerprint(visible);
  const last = incident.delivered[d.alerter.name];
  const { groupWait, groupInterval, repeatInterval } = d.grouping;
  if (!last) {
    if (firing.length === 0) return alerting.length > 0 && incident.resolvedAt ? 'record' : undefined;
    // The wait counts from the first alert, not from when the problem began (`since` may be a soft failure ago).
    const first = Math.min(...firing.map((m) => Date.parse(m.alert?.scheduledAt ?? m.since)));
    return { phase: 'new', at: first + groupWait, fingerprint: fp };
  }
  if (fp !== last.fingerprint) {
    const phase = firing.length > 0 ? 'update' : 'resolved';
    return { phase, at: Date.parse(last.at) + groupInterval, fingerprint: fp };
  }
  if (firing.length > 0 && repeatInterval > 0) {
    return { phase: 'reminder', at: Date.parse(last.at) + repeatInterval, fingerprint: fp };
  }
  return undefined;
}

const visibleMembers = (incident: Incident, silences: Silence[], now: Date) =>
  Object.values(incident.members).filter((m) => !activeSilence(silences, m, now));

/** Delivers whatever is due across all active incidents. Never throws for a channel; reports its errors. */
export async function flushIncidents(deps: FlushDeps): Promise<FlushReport> {
  const store = deps.store.alerting;
  const report: FlushReport = { sent: [], errors: [] };
  const active = await store.activeIncidents();
  if (active.length === 0) return report;
  const now = deps.now();
  const silences = await store.listSilences(now);
  const destinations = destinationsOf(deps.alerter, deps.alerting);
  let nextAt: number | undefined;
  for (const listed of active) {
    const pending = await flushOne(listed, destinations, silences, deps, now, report);
    if (pending !== undefined && (nextAt === undefined || pending < nextAt)) nextAt = pending;
  }
  if (nextAt === undefined) return report;
  report.nextAt = new Date(nextAt);
  if (deps.wake) {
    try {
      await deps.wake(report.nextAt);
    } catch (err) {
      deps.log.warn('flush wake-up not arranged; the next run delivers instead', {
        at: report.nextAt.toISOString(),
        error: (err as Error).message,
      });
    }
  }
  return report;
}

async function flushOne(
  listed: Incident,
  destinations: Destination[],
  silences: Silence[],
  deps: FlushDeps,
  now: Date,
  report: FlushReport,
): Promise<number | undefined> {
  const store = deps.store.alerting;
  let incident: Incident | undefined = listed;
  for (const d of destinations) {
    for (let attempt = 1; incident && attempt <= ATTEMPTS; attempt++) {
      const visible = visibleMembers(incident, silences, now);
      const step = nextStep(incident, visible, d);
      const decision = step === 'record' || (step && step.at <= now.getTime()) ? step : undefined;
      if (!decision) break;
      const at = now.toISOString();
      const previous = incident.delivered[d.alerter.name];
      const fp = decision === 'record' ? fingerprint(visible) : decision.fingerprint;
      const claimed: Incident = {
        ...incident,
        version: incident.version + 1,
        delivered: {
          ...incident.delivered,
          [d.alerter.name]: { fingerprint: fp, at, firstAt: previous?.firstAt ?? at },
        },
      };
      if (!(await store.saveIncident(claimed, true))) {
        incident = await store.getIncident(listed.id);
        continue;
      }
      incident = claimed;
      if (decision === 'record') break;
      const alert = incidentAlert(incident, visible, decision.phase);
      if (!alert) break;
      try {
        await d.alerter.publish(alert);
        report.sent.push(alert);
      } catch (err) {
        const reason = `incident ${incident.id} (${alert.type} ${alert.probeId}) to ${d.alerter.name}: ${(err as Error).message}`;
        report.errors.push(reason);
        deps.log.error('incident not delivered; the next flush retries it', { reason });
        incident = await unclaim(store, incident, d.alerter.name, previous);
      }
      break;
    }
  }
  if (!incident) return undefined;
  if (isDone(incident, deps.alerting.alerts.grouping.correlationWindow, now)) {
    await store.saveIncident({ ...incident, version: incident.version + 1 }, false);
    return undefined;
  }
  return pendingAt(incident, destinations, silences, now);
}

/** The earliest paced delivery (not a reminder) of the incident still ahead of `now`, if any. */
function pendingAt(
  incident: Incident,
  destinations: Destination[],
  silences: Silence[],
  now: Date,
): number | undefined {
  const visible = visibleMembers(incident, silences, now);
  const ahead = destinations.flatMap((d) => {
    const step = nextStep(incident, visible, d);
    return step && step !== 'record' && step.phase !== 'reminder' && step.at > now.getTime() ? [step.at] : [];
  });
  return ahead.length > 0 ? Math.min(...ahead) : undefined;
}

/** Puts a destination's delivery memory back after a failed send, so the next flush sends it again. */
async function unclaim(
  store: AlertStore,
  incident: Incident,
  destination: string,
  previous: Incident['delivered'][string] | undefined,
): Promise<Incident | undefined> {
  let current: Incident | undefined = incident;
  for (let attempt = 1; current && attempt <= ATTEMPTS; attempt++) {
    const delivered = { ...current.delivered };
    if (previous) delivered[destination] = previous;
    else delete delivered[destination];
    const next = { ...current, version: current.version + 1, delivered };
    if (await store.saveIncident(next, true)) return next;
    current = await store.getIncident(incident.id);
  }
  return current;
}

/** Resolved and told everyone who heard of it, or a change nobody alerted on that aged out of the window. */
function isDone(incident: Incident, window: number, now: Date): boolean {
  const alerting = Object.values(incident.members).filter((m) => m.role === 'alert');
  if (alerting.length === 0) return now.getTime() - Date.parse(incident.lastChangeAt) > window;
  if (!incident.resolvedAt) return false;
  const fp = fingerprint(Object.values(incident.members));
  return Object.values(incident.delivered).every((d) => d.fingerprint === fp);
}
