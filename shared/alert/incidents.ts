/**
 * Turns the alerts of one probe run into incident membership: an alert joins the open incident that a related
 * probe (sharing a resource a cause relation names) opened within the correlation window, or opens one. Findings
 * that explain other probes' failures without alerting themselves (a DKIM key change, a listing the evaluator has
 * not alerted yet) join as `change` members, so the incident can name them as the cause. Alerts a silence covers
 * are recorded as suppressed. Nothing is sent here: flush.ts delivers incidents once a whole burst is in.
 *
 * Concurrency: resources are claimed with conditional puts (`RESOURCE#<r>` / `INCIDENT`), incidents are saved on
 * their version; a run that loses a race re-reads and joins the winner, so concurrent Lambdas build one incident.
 */
import { createHash } from 'node:crypto';
import type { ResolverSettings } from '../config/resolver';
import type { CauseId } from '../model/causes/index';
import { causeRelations, matchesAny } from '../model/causes/relations';
import type { Check, ProbeResult } from '../model/result';
import type { AlertStore, ResourceClaim } from '../store/alert-store';
import type { ProbeSpec } from '../suite/expand';
import type { MailprobeConfig } from '../suite/schema';
import type { Log } from '../util/log';
import { correlatedKinds } from './correlate';
import { withEvidence } from './evidence';
import { probeResources, type ResourceContext, resource, resourceKind } from './resources';
import { activeSilence } from './silences';
import type { Alert, AlertLinks, Incident, IncidentMember, ProbeState } from './types';

/** The parts of the config alerting reads: `alerts` (pacing) and the targets that tell which probes are related. */
export interface AlertingConfig {
  alerts: MailprobeConfig['alerts'];
  targets: ResourceContext['targets'];
}

export interface IncidentDeps {
  alerting: AlertingConfig;
  resolver: ResolverSettings;
  store: { alerting: AlertStore };
  log: Log;
  now: () => Date;
  /** Where the deployed evidence lives (table, dashboard); the CLI on the embedded store has none. */
  links?: AlertLinks;
}

export interface ProbeRun {
  spec: ProbeSpec;
  result: ProbeResult;
  previous: ProbeState | undefined;
  alerts: Alert[];
}

/** Members an incident keeps listed; beyond it the oldest resolved ones are dropped and counted. */
const MAX_MEMBERS = 100;
const PASSING_KEPT = 20;
const ATTEMPTS = 5;

const RESOLVING = new Set<Alert['type']>(['recovery', 'coverage-recovered']);
const isFiring = (a: Alert) =>
  !RESOLVING.has(a.type) && !(a.type === 'flap-settled' && a.severity !== 'critical');

const ROOT_PATTERNS = causeRelations.flatMap((r) => r.cause);

/** Checks that newly show a cause some relation names as a root: evidence for other probes' alerts. */
function changeFindings(previous: ProbeState | undefined, result: ProbeResult): Check[] {
  return result.checks.filter((c) => {
    if (c.status === 'pass' || c.status === 'unknown' || !c.cause || !matchesAny(c.cause, ROOT_PATTERNS))
      return false;
    const known = previous?.checks[c.id];
    return !known || known.status === 'pass' || known.cause !== c.cause;
  });
}

/** Records one probe run's alerts and findings into incidents (and suppressed alerts); sends nothing. */
export async function recordRun(run: ProbeRun, deps: IncidentDeps): Promise<void> {
  const changes = changeFindings(run.previous, run.result);
  if (run.alerts.length === 0 && changes.length === 0) return;
  const now = deps.now();
  const store = deps.store.alerting;
  const resources = probeResources(
    run.spec,
    { targets: deps.alerting.targets, resolver: deps.resolver },
    run.result,
  );
  const alerts = run.alerts.map((a) => withEvidence(a, run.result, deps.links));

  if (alerts.length > 0) {
    const silences = await store.listSilences(now);
    for (const alert of alerts) {
      const silence = activeSilence(silences, alert, now);
      if (silence) {
        await store.putSuppressed({
          alert,
          silenceId: silence.id,
          reason: silence.reason,
          recordedAt: now.toISOString(),
        });
      }
    }
  }
  const base = {
    probeId: run.result.probeId,
    kind: run.result.kind,
    group: run.result.group,
    target: run.result.target,
    lastAt: run.result.scheduledAt,
    passing: run.result.checks
      .filter((c) => c.status === 'pass')
      .map((c) => c.id)
      .slice(0, PASSING_KEPT),
    resources: [...resources, resource('probe', run.result.probeId)],
  };
  for (const alert of alerts) {
    const member: IncidentMember = {
      ...base,
      role: 'alert',
      firing: isFiring(alert),
      since: alert.since ?? alert.scheduledAt,
      findings: findingsOf(alert.checks),
      alert,
    };
    await join(member, alert.type === 'reminder', deps, now);
  }
  if (changes.length > 0) {
    await join(
      { ...base, role: 'change', firing: true, since: run.result.scheduledAt, findings: findingsOf(changes) },
      false,
      deps,
      now,
    );
  }
}

function findingsOf(
  checks: readonly { id: string; status: Check['status']; cause?: CauseId; message: string }[],
) {
  return checks.flatMap((c) =>
    c.cause && c.status !== 'pass'
      ? [{ check: c.id, cause: c.cause, status: c.status, message: c.message }]
      : [],
  );
}

const memberKey = (m: IncidentMember) => (m.role === 'alert' ? m.probeId : `${m.probeId}#change`);

/** The resources a member correlates on: its own probe first, then those a relation of its causes names. */
function candidatesOf(member: IncidentMember): string[] {
  const own = resource('probe', member.probeId);
  if (!member.firing) return [own];
  const kinds = correlatedKinds(member.findings.map((f) => f.cause));
  return [own, ...member.resources.filter((r) => r !== own && kinds.has(resourceKind(r)))];
}

async function join(
  member: IncidentMember,
  touchOnly: boolean,
  deps: IncidentDeps,
  now: Date,
): Promise<void> {
  const store = deps.store.alerting;
  const window = deps.alerting.alerts.grouping.correlationWindow;
  const candidates = candidatesOf(member);
  const own = candidates[0] as string;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const claims = await Promise.all(candidates.map((r) => store.getClaim(r)));
    const incidents = new Map<string, Incident | undefined>();
    for (const c of claims) {
      if (c && !incidents.has(c.incidentId))
        incidents.set(c.incidentId, await store.getIncident(c.incidentId));
    }
    const fresh = (c: ResourceClaim | undefined, r: string): Incident | undefined => {
      const inc = c ? incidents.get(c.incidentId) : undefined;
      if (!inc || inc.resolvedAt) return undefined;
      // A probe stays in its open incident; other probes join only within the correlation window.
      return r === own || now.getTime() - Date.parse(inc.lastChangeAt) <= window ? inc : undefined;
    };
    const found = candidates.map((r, i) => fresh(claims[i], r)).find((i) => i !== undefined);

    if (found) {
      if (!(await store.saveIncident(merge(found, member, touchOnly, now), true))) continue;
      await claimRest(store, candidates, claims, found.id, now, (c, r) => fresh(c, r) === undefined);
      return;
    }
    if (!member.firing) return; // a recovery of a probe in no open incident: nothing to resolve
    const created = newIncident(member, now);
    if (!(await store.saveIncident(created, true))) continue;
    const lost = await claimRest(store, candidates, claims, created.id, now, () => true);
    if (!lost) return;
    // Another run claimed a resource meanwhile: give this incident up and join theirs on the next attempt.
    await store.deleteIncident(created.id, created.version);
  }
  deps.log.error('incident membership kept changing under this run; member not recorded', {
    probeId: member.probeId,
  });
}

/**
 * Claims each candidate resource for `incidentId` where `replaceable` (unclaimed or stale). True when a claim that
 * was free at read time was taken by someone else meanwhile.
 */
async function claimRest(
  store: AlertStore,
  candidates: string[],
  claims: (ResourceClaim | undefined)[],
  incidentId: string,
  now: Date,
  replaceable: (claim: ResourceClaim | undefined, resource: string) => boolean,
): Promise<boolean> {
  let lost = false;
  for (const [i, r] of candidates.entries()) {
    const current = claims[i];
    if (current?.incidentId === incidentId) continue;
    if (current && !replaceable(current, r)) continue;
    const ok = await store.claim({ resource: r, incidentId, at: now.toISOString() }, current?.incidentId);
    if (!ok) lost = true;
  }
  return lost;
}

function newIncident(member: IncidentMember, now: Date): Incident {
  const id = createHash('sha256')
    .update(`${member.since}|${memberKey(member)}`)
    .digest('hex')
    .slice(0, 16);
  return {
    id,
    version: 1,
    openedAt: now.toISOString(),
    lastChangeAt: now.toISOString(),
    members: { [memberKey(member)]: member },
    dropped: 0,
    delivered: {},
  };
}

function merge(incident: Incident, member: IncidentMember, touchOnly: boolean, now: Date): Incident {
  const key = memberKey(member);
  const known = incident.members[key];
  const next: IncidentMember =
    touchOnly && known
      ? { ...known, lastAt: member.lastAt }
      : { ...member, since: known?.firing && member.firing ? known.since : member.since };
  const members = { ...incident.members, [key]: next };
  let dropped = incident.dropped;
  const keys = Object.keys(members);
  if (keys.length > MAX_MEMBERS) {
    const oldest = keys
      .filter((k) => k !== key)
      .sort(
        (a, b) =>
          Number(members[a]?.firing) - Number(members[b]?.firing) ||
          (members[a]?.lastAt ?? '').localeCompare(members[b]?.lastAt ?? ''),
      )[0];
    if (oldest) {
      delete members[oldest];
      dropped++;
    }
  }
  const alertMembers = Object.values(members).filter((m) => m.role === 'alert');
  const resolved = alertMembers.length > 0 && alertMembers.every((m) => !m.firing);
  const out: Incident = {
    ...incident,
    version: incident.version + 1,
    members,
    dropped,
    lastChangeAt: touchOnly ? incident.lastChangeAt : now.toISOString(),
  };
  if (resolved) out.resolvedAt = now.toISOString();
  else delete out.resolvedAt;
  return out;
}
