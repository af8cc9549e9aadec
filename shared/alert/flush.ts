/**
 * Delivers incidents to each destination with Alertmanager's pacing: the first message once `groupWait` has passed
 * since the first alert joined, a new one when what a destination would see changed (members joined, recovered,
 * a silence ended) but not more often than `groupInterval`, a reminder every `repeatInterval` while firing, and one
 * resolved message when every member recovered. Silences are applied here, at delivery time, so a silence added to
 * a running incident mutes it and one that expires lets it through.
 *
 * A delivery is claimed with a conditional save of the incident before it is sent, so two runs flushing at once
 * send it once; a send that fails is un-claimed, and the next flush tries again.
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
}

interface Destination {
  alerter: Alerter;
  grouping: Grouping;
}

export interface FlushReport {
  sent: Alert[];
  /** Deliveries that failed (they are retried by the next flush), with the reason. */
  errors: string[];
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

type Decision = { phase: IncidentView['phase']; fingerprint: string } | 'record' | undefined;

/** What a destination is due, if anything: a phase to send, or `record` (nothing to show, mark it seen). */
function decide(incident: Incident, visible: IncidentMember[], d: Destination, now: number): Decision {
  const alerting = visible.filter((m) => m.role === 'alert');
  const firing = alerting.filter((m) => m.firing);
  const fp = fingerprint(visible);
  const last = incident.delivered[d.alerter.name];
  const { groupWait, groupInterval, repeatInterval } = d.grouping;
  if (!last) {
    if (firing.length === 0) return alerting.length > 0 && incident.resolvedAt ? 'record' : undefined;
    // The wait counts from the first alert, not from when the problem began (`since` may be a soft failure ago).
    const first = Math.min(...firing.map((m) => Date.parse(m.alert?.scheduledAt ?? m.since)));
    return now >= first + groupWait ? { phase: 'new', fingerprint: fp } : undefined;
  }
  if (fp !== last.fingerprint) {
    if (now < Date.parse(last.at) + groupInterval) return undefined;
    return { phase: firing.length > 0 ? 'update' : 'resolved', fingerprint: fp };
  }
  if (firing.length > 0 && repeatInterval > 0 && now >= Date.parse(last.at) + repeatInterval) {
    return { phase: 'reminder', fingerprint: fp };
  }
  return undefined;
}

/** Delivers whatever is due across all active incidents. Never throws for a channel; reports its errors. */
export async function flushIncidents(deps: FlushDeps): Promise<FlushReport> {
  const store = deps.store.alerting;
  const report: FlushReport = { sent: [], errors: [] };
  const active = await store.activeIncidents();
  if (active.length === 0) return report;
  const now = deps.now();
  const silences = await store.listSilences(now);
  const destinations = destinationsOf(deps.alerter, deps.alerting);
  for (const listed of active) {
    await flushOne(listed, destinations, silences, deps, now, report);
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
): Promise<void> {
  const store = deps.store.alerting;
  let incident: Incident | undefined = listed;
  for (const d of destinations) {
    for (let attempt = 1; incident && attempt <= ATTEMPTS; attempt++) {
      const visible = Object.values(incident.members).filter((m) => !activeSilence(silences, m, now));
      const decision = decide(incident, visible, d, now.getTime());
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
  if (incident && isDone(incident, deps.alerting.alerts.grouping.correlationWindow, now)) {
    await store.saveIncident({ ...incident, version: incident.version + 1 }, false);
  }
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
