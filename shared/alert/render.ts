/**
 * The words of an alert, the same on every channel: subject, what changed, per check the catalog's title,
 * explanation and remediation, since when, and how to see the history. Explanations and remediations come only
 * from the cause catalog. Fields marked untrusted are returned raw: each channel escapes them for its sink.
 */
import { type CauseId, causes, isCauseId } from '../model/causes/index';
import type { Status } from '../model/status';
import { SNS_SUBJECT_MAX } from '../util/sanitize';
import type { Alert, AlertCheck, AlertType, IncidentLine } from './types';

export interface RenderedCheck {
  id: string;
  status: Status;
  previousStatus?: Status;
  change?: AlertCheck['change'];
  causeId?: CauseId;
  /** The cause's title, or the check id when it names no known cause. */
  title: string;
  explanation?: string;
  /** Omitted for recovered checks: there is nothing left to fix. */
  remediation?: string;
  /** Untrusted: what this run observed (banner text, TXT content...). */
  message: string;
  /** Untrusted: the observed value itself (a record, a folder), when the check carries one. */
  observed?: string;
}

interface RenderedIncident {
  id: string;
  /** Untrusted (built from check messages): the likely root cause in one sentence. */
  cause?: string;
  /** `3 probes, 2 still failing`. */
  summary: string;
  members: (IncidentLine & { title: string })[];
  omitted: number;
}

export interface RenderedAlert {
  /** One line, at most 99 characters (SNS accepts less than 100). Contains config names: escape per sink. */
  subject: string;
  /** What changed, one sentence. */
  headline: string;
  /** `2026-11-23 10:05 UTC`: the run that raised the alert. */
  at: string;
  /** `2026-11-23 10:00 UTC (5m)`, when the alert says since when. */
  since?: string;
  checks: RenderedCheck[];
  /** Checks left out of `checks` to keep the alert readable. */
  omittedChecks: number;
  /** `mailprobe history <probe>`, with `--remote --table <name>` when the alert came from a deployed table. */
  historyCommand: string;
  /**
   * `mailprobe report --remote --table <name> --only <probes>`: the HTML report (charts, incidents, listings) of
   * the alert's probe and, for an incident of a few probes, of every probe involved.
   */
  reportCommand: string;
  dashboardUrl?: string;
  /** Untrusted, redacted: the end of the run's transcript. */
  transcript: string[];
  incident?: RenderedIncident;
}

/** More than this many checks in one alert are counted, not listed. */
export const MAX_LISTED_CHECKS = 10;

const TAG: Record<AlertType, string> = {
  failure: 'FAIL',
  reminder: 'STILL FAILING',
  recovery: 'RECOVERED',
  coverage: 'COVERAGE GAP',
  'coverage-recovered': 'COVERAGE RESTORED',
  flapping: 'FLAPPING',
  'flap-settled': 'SETTLED',
};

/** Status marks shared by the text channels. */
const MARK: Record<Status, string> = { pass: '✓', warn: '!', unknown: '?', fail: '✗' };

const CHANGE_ORDER: Record<NonNullable<AlertCheck['change']>, number> = { new: 0, ongoing: 1, recovered: 2 };

export function renderAlert(alert: Alert): RenderedAlert {
  const ordered = [...alert.checks].sort(
    (a, b) => CHANGE_ORDER[a.change ?? 'ongoing'] - CHANGE_ORDER[b.change ?? 'ongoing'],
  );
  const checks = ordered.map(renderCheck);
  const listed = checks.slice(0, MAX_LISTED_CHECKS);
  const duration = alert.since ? elapsed(alert.since, alert.scheduledAt) : undefined;
  const incident = alert.incident && alert.incident.members.length > 1 ? renderIncident(alert) : undefined;
  return {
    subject: subjectOf(alert, checks, incident),
    headline: headlineOf(alert, checks, duration),
    at: formatTime(alert.scheduledAt),
    ...(alert.since ? { since: `${formatTime(alert.since)}${duration ? ` (${duration})` : ''}` } : {}),
    checks: listed,
    omittedChecks: checks.length - listed.length,
    historyCommand: historyCommandOf(alert),
    reportCommand: reportCommandOf(alert),
    ...(alert.links?.dashboardUrl ? { dashboardUrl: alert.links.dashboardUrl } : {}),
    transcript: alert.transcript ?? [],
    ...(incident ? { incident } : {}),
  };
}

/** `--remote --table <name> [--region <region>]` when the alert came from a deployed table. */
function remoteWords(alert: Alert): string[] {
  const { table, region } = alert.links ?? {};
  if (!table) return [];
  return ['--remote', '--table', shellWord(table), ...(region ? ['--region', shellWord(region)] : [])];
}

/** The exact command that shows the evidence: against the deployed table when the alert names one. */
function historyCommandOf(alert: Alert): string {
  return ['mailprobe', 'history', shellWord(alert.probeId), ...remoteWords(alert)].join(' ');
}

/** An incident of up to this many probes gets a report of them all; a larger one, of the whole suite. */
const MAX_REPORT_PROBES = 5;

/** The report command: of the alert's probe, of every probe of a small incident, of the suite for a large one. */
function reportCommandOf(alert: Alert): string {
  const view = alert.incident;
  const probes = [...new Set([alert.probeId, ...(view?.members ?? []).map((m) => m.probeId)])];
  const complete = (view?.omitted ?? 0) === 0 && probes.length <= MAX_REPORT_PROBES;
  const only = complete ? ['--only', ...probes.map(shellWord)] : [];
  return ['mailprobe', 'report', ...remoteWords(alert), ...only].join(' ');
}

const titleOfCause = (cause: string | undefined) =>
  cause && isCauseId(cause) ? causes[cause].title : undefined;

function renderIncident(alert: Alert): RenderedIncident {
  const view = alert.incident as NonNullable<Alert['incident']>;
  const probes = new Set(view.members.map((m) => m.probeId)).size;
  const firing = view.members.filter((m) => m.state === 'firing').length;
  return {
    id: view.id,
    ...(view.cause ? { cause: view.cause } : {}),
    summary: `${probes + view.omitted} probes involved, ${firing} failing now`,
    members: view.members.map((m) => ({ ...m, title: titleOfCause(m.cause) ?? m.status })),
    omitted: view.omitted,
  };
}

function renderCheck(c: AlertCheck): RenderedCheck {
  const entry = c.cause && isCauseId(c.cause) ? causes[c.cause] : undefined;
  return {
    id: c.id,
    status: c.status,
    ...(c.previousStatus ? { previousStatus: c.previousStatus } : {}),
    ...(c.change ? { change: c.change } : {}),
    ...(entry && c.cause ? { causeId: c.cause } : {}),
    title: entry?.title ?? c.id,
    ...(entry && c.change !== 'recovered'
      ? { explanation: entry.explanation, remediation: entry.remediation }
      : {}),
    message: c.message,
    ...(c.observed !== undefined ? { observed: c.observed } : {}),
  };
}

/**
 * `[mailprobe] FAIL submission/mail.example.com: SMTP AUTH rejected (+1 more)`, and `(+2 related)` for an incident
 * of several probes; the probe id is shortened first to stay within SNS's limit.
 */
function subjectOf(alert: Alert, checks: RenderedCheck[], incident: RenderedIncident | undefined): string {
  const tag = `[mailprobe] ${TAG[alert.type]} `;
  const first = checks[0];
  // Count only checks in the same role as the first (newly failing, still failing, recovered).
  const peers = checks.filter((c) => c.change === first?.change).length;
  const related = incident ? new Set(incident.members.map((m) => m.probeId)).size - 1 + incident.omitted : 0;
  const more = [peers > 1 ? `+${peers - 1} more` : '', related > 0 ? `+${related} related` : '']
    .filter(Boolean)
    .join(', ');
  const moreText = more ? ` (${more})` : '';
  const what = `: ${first ? first.title : alert.status}${moreText}`;
  let id = alert.probeId;
  const room = SNS_SUBJECT_MAX - tag.length - what.length;
  if (id.length > room) id = `${id.slice(0, Math.max(room, 20) - 3)}...`;
  const subject = `${tag}${id}${what}`;
  return subject.length <= SNS_SUBJECT_MAX ? subject : `${subject.slice(0, SNS_SUBJECT_MAX - 3)}...`;
}

function headlineOf(alert: Alert, checks: RenderedCheck[], duration: string | undefined): string {
  switch (alert.type) {
    case 'failure': {
      if (alert.preExisting)
        return 'Failing on its first run: the problem was there before monitoring started.';
      const fresh = checks.filter((c) => c.change === 'new').map((c) => c.id);
      const ongoing = checks.filter((c) => c.change === 'ongoing').map((c) => c.id);
      if (ongoing.length > 0) {
        return `Already failing${duration ? ` for ${duration}` : ''}; now also failing: ${fresh.join(', ')} (still failing: ${ongoing.join(', ')}).`;
      }
      return `Now failing${alert.previousStatus ? ` (last run: ${alert.previousStatus})` : ''}.`;
    }
    case 'reminder':
      return `Still failing${duration ? ` after ${duration}` : ''}.`;
    case 'recovery':
      return `Recovered${duration ? ` after ${duration} of failure` : ''}: the last runs were ${alert.status}.`;
    case 'coverage':
      return `No verdict${duration ? ` for ${duration}` : ''}: the last runs ended unknown, so this target is not being checked.`;
    case 'coverage-recovered':
      return `Runs reach a verdict again (${alert.status})${duration ? ` after ${duration} without one` : ''}.`;
    case 'flapping':
      return 'Flapping: the verdict keeps changing, so failure and recovery alerts are held back until it settles.';
    case 'flap-settled':
      return `Stopped flapping; the last run was ${alert.status}.`;
  }
}

/** `2026-11-23T10:05:00.000Z` -> `2026-11-23 10:05 UTC`; anything unparsable is returned as it is. */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `2d 4h`, `3h 20m`, `45m`; undefined under a minute or when either time is unparsable. */
function elapsed(fromIso: string, toIso: string): string | undefined {
  const minutes = Math.floor((Date.parse(toIso) - Date.parse(fromIso)) / 60_000);
  if (!(minutes >= 1)) return undefined;
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return `${m}m`;
}

/** A word a POSIX shell passes through unchanged: as it is when safe, else single-quoted. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9._/:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The alert as plain-text lines (console, SNS email): headline, probe, times, each check with the catalog's
 * words, the history and report commands. `clean` makes untrusted and config text safe for the sink.
 */
export function alertTextLines(
  alert: Alert,
  rendered: RenderedAlert,
  clean: (text: string) => string,
): string[] {
  const lines: string[] = [];
  const incident = rendered.incident;
  if (incident?.cause) lines.push(`Likely cause: ${clean(incident.cause)}`);
  lines.push(
    rendered.headline,
    `Probe:  ${alert.kind} ${clean(alert.probeId)} (target ${clean(alert.target)})`,
    `Run:    ${rendered.at}${rendered.since ? `, since ${rendered.since}` : ''}`,
  );
  for (const c of rendered.checks) {
    const cause = c.causeId ? ` [${c.causeId}]` : '';
    const change = c.change ? ` (${c.change})` : '';
    lines.push('', `${MARK[c.status]} ${clean(c.id)}: ${c.title}${cause}${change}`);
    lines.push(`  Observed: ${clean(c.message)}`);
    if (c.observed !== undefined) lines.push(`  Value: ${clean(c.observed)}`);
    if (c.explanation) lines.push(`  Why: ${c.explanation}`);
    if (c.remediation) lines.push(`  Fix: ${c.remediation}`);
  }
  if (rendered.omittedChecks > 0) lines.push('', `...and ${rendered.omittedChecks} more checks.`);
  if (incident) {
    lines.push('', `Incident ${incident.id}: ${incident.summary}`);
    for (const m of incident.members) lines.push(`  ${incidentLineText(m, clean)}`);
    if (incident.omitted > 0) lines.push(`  ...and ${incident.omitted} more probes.`);
  }
  if (rendered.transcript.length > 0) {
    lines.push('', 'Transcript (end, redacted):', ...rendered.transcript.map((l) => `  ${clean(l)}`));
  }
  lines.push('', `History: ${clean(rendered.historyCommand)}`, `Report:  ${clean(rendered.reportCommand)}`);
  if (rendered.dashboardUrl) lines.push(`Dashboard: ${clean(rendered.dashboardUrl)}`);
  return lines;
}

export const STATE_WORD: Record<IncidentLine['state'], string> = {
  firing: 'failing',
  resolved: 'recovered',
  change: 'changed',
};

/** `✗ canary/seed (canary, seed-gmail) failing since 10:10 UTC: Canary filed as spam: canary filed as spam (Junk)`. */
function incidentLineText(m: RenderedIncident['members'][number], clean: (text: string) => string): string {
  return `${MARK[m.status]} ${clean(m.probeId)} ${STATE_WORD[m.state]} since ${formatTime(m.since)}: ${m.title}: ${clean(m.message)}`;
}
