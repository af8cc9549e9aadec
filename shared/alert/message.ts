import { type RootCause, rootCause } from './correlate';
import type { Alert, Incident, IncidentLine, IncidentMember, IncidentView } from './types';

/** Members an incident message lists; the rest are counted. */
const MAX_LISTED_MEMBERS = 20;

/** Earliest first; members of one moment in probe id order, so every message lists them alike. */
const bySince = (a: IncidentMember, b: IncidentMember) =>
  a.since.localeCompare(b.since) || a.probeId.localeCompare(b.probeId);

/** The member whose alert the message is built on: the root if it alerted, else what it explains, else the earliest. */
function primaryOf(alerting: IncidentMember[], rc: RootCause | undefined): IncidentMember | undefined {
  const firing = alerting.filter((m) => m.firing);
  const pool = firing.length > 0 ? firing : alerting;
  if (rc && pool.includes(rc.root)) return rc.root;
  const explained = rc ? pool.filter((m) => rc.explained.includes(m)).sort(bySince) : [];
  return explained[0] ?? [...pool].sort(bySince)[0];
}

function lineOf(m: IncidentMember): IncidentLine {
  const finding = m.findings.find((f) => f.status === 'fail') ?? m.findings[0];
  return {
    probeId: m.probeId,
    kind: m.kind,
    target: m.target,
    state: m.role === 'change' ? 'change' : m.firing ? 'firing' : 'resolved',
    status: m.alert?.status ?? finding?.status ?? 'fail',
    ...(finding ? { cause: finding.cause } : {}),
    message: finding?.message ?? '',
    since: m.since,
  };
}

/**
 * The alert one destination is sent for an incident: the primary member's latest alert, with the incident (likely
 * cause first, then the members it explains, then the others) attached. `visible` leaves out silenced members.
 */
export function incidentAlert(
  incident: Incident,
  visible: IncidentMember[],
  phase: IncidentView['phase'],
): Alert | undefined {
  const alerting = visible.filter((m) => m.role === 'alert' && m.alert);
  // A probe that alerted is shown once, as its alert; its earlier finding is what the cause sentence quotes.
  const canonical = (m: IncidentMember) =>
    m.role === 'change' ? (alerting.find((a) => a.probeId === m.probeId) ?? m) : m;
  const found = rootCause(visible);
  const rc = found && {
    ...found,
    root: canonical(found.root),
    explained: found.explained.map(canonical),
  };
  const primary = primaryOf(alerting, rc);
  if (!primary?.alert) return undefined;
  const ordered = [
    ...(rc ? [rc.root, ...rc.explained.filter((m) => m !== rc.root)] : []),
    ...[...visible].sort(bySince).map(canonical),
  ].filter((m, i, all) => all.indexOf(m) === i);
  const view: IncidentView = {
    id: incident.id,
    ...(rc ? { cause: rc.sentence, rootProbeId: rc.root.probeId } : {}),
    phase,
    openedAt: incident.openedAt,
    members: ordered.slice(0, MAX_LISTED_MEMBERS).map(lineOf),
    omitted: ordered.length - Math.min(ordered.length, MAX_LISTED_MEMBERS) + incident.dropped,
  };
  const base = primary.alert;
  return { ...base, ...(phase === 'reminder' ? { type: 'reminder' as const } : {}), incident: view };
}
