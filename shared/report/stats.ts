import type { CauseId } from '../model/causes/index';
import type { JsonValue } from '../model/result';
import { type Status, worstStatus } from '../model/status';
import { addTo, emptyHistogram, type Histogram, mean, quantile } from '../store/histogram';
import type { ProbeEvent } from '../store/rollup-model';
import type { HistoryWindow, ProbeHistory } from './collect';

/** A stretch of time in one status, from the events (an event is written on every status change). */
interface StatusSpan {
  status: Status;
  from: number;
  to: number;
}

interface Incident {
  start: string;
  /** Undefined while it is still open. */
  end?: string;
  durationMs: number;
  causes: CauseId[];
}

interface PhaseStats {
  phase: string;
  p50?: number;
  p95?: number;
  mean?: number;
}

interface ListingSpan {
  zone: string;
  from: string;
  /** Undefined while still listed. */
  to?: string;
  codes: string;
  reason?: string;
}

interface DriftEvent {
  at: string;
  record: string;
  before: string;
  after: string;
}

interface CurrentCause {
  check: string;
  status: Status;
  cause?: CauseId;
  message: string;
}

export interface ProbeStats {
  probeId: string;
  kind: string;
  group: string;
  target: string;
  status: Status;
  /** When the current status began (the newest status change we know of). */
  since?: string;
  lastRun: string;
  current: CurrentCause[];
  runs: number;
  counts: Record<Status, number>;
  /** Share of runs with a verdict (not unknown) that passed or only warned; undefined without any. */
  passRate?: number;
  durationP50?: number;
  durationP95?: number;
  phases: PhaseStats[];
  incidents: Incident[];
  timeInFailureMs: number;
  /** Mean duration of the incidents that ended in the window. */
  mttrMs?: number;
  listings: ListingSpan[];
  drift: DriftEvent[];
}

const STATUSES: Status[] = ['pass', 'warn', 'fail', 'unknown'];

/** The merged histograms and counters of every bucket of a probe. */
function totals(history: ProbeHistory): {
  counters: Record<string, number>;
  histograms: Record<string, Histogram>;
} {
  const counters: Record<string, number> = {};
  const histograms: Record<string, Histogram> = {};
  for (const rollup of history.rollups) {
    for (const [name, v] of Object.entries(rollup.counters)) counters[name] = (counters[name] ?? 0) + v;
    for (const [name, h] of Object.entries(rollup.histograms)) {
      histograms[name] ??= emptyHistogram();
      addTo(histograms[name], h);
    }
  }
  return { counters, histograms };
}

/** Status spans over the window from the event before it and the events in it. */
function statusSpans(history: ProbeHistory, window: HistoryWindow): StatusSpan[] {
  const from = window.since.getTime();
  const until = window.until.getTime();
  const spans: StatusSpan[] = [];
  let current: { status: Status; from: number } | undefined = history.before
    ? { status: history.before.status, from }
    : undefined;
  for (const event of history.events) {
    const at = Date.parse(event.at);
    if (current && current.status === event.status) continue;
    if (current) spans.push({ ...current, to: at });
    current = { status: event.status, from: at };
  }
  if (current) spans.push({ ...current, to: Math.max(current.from, until) });
  return spans.filter((s) => s.to > s.from || s === spans[spans.length - 1]);
}

/** Incidents: the spans in `fail`, with the causes the events named while it lasted. */
function incidents(history: ProbeHistory, spans: StatusSpan[], window: HistoryWindow): Incident[] {
  const all = [...(history.before ? [history.before] : []), ...history.events];
  const until = window.until.getTime();
  return spans
    .filter((s) => s.status === 'fail')
    .map((s) => {
      const causes = new Set<CauseId>();
      for (const e of all) {
        const at = Date.parse(e.at);
        if (at < s.from - 1 || at >= s.to) continue;
        for (const c of e.checks) if (c.status === 'fail' && c.cause) causes.add(c.cause);
      }
      const open = s.to >= until;
      return {
        start: new Date(s.from).toISOString(),
        ...(open ? {} : { end: new Date(s.to).toISOString() }),
        durationMs: s.to - s.from,
        causes: [...causes],
      };
    });
}

/** DNSBL listings as spans per zone, from the zone checks in the events. */
function listingSpans(history: ProbeHistory): ListingSpan[] {
  const open = new Map<string, ListingSpan>();
  const spans: ListingSpan[] = [];
  const all = [...(history.before ? [history.before] : []), ...history.events];
  for (const event of all) {
    for (const check of event.checks) {
      if (!check.id.startsWith('zone:')) continue;
      const zone = check.id.slice(5);
      const listed = (check.status === 'fail' || check.status === 'warn') && check.cause !== undefined;
      const span = open.get(zone);
      if (listed && !span) {
        const started: ListingSpan = {
          zone,
          from: event === history.before ? 'before the window' : event.at,
          codes: describeCodes(check.details?.codes),
        };
        const reason = check.details?.reason;
        if (typeof reason === 'string') started.reason = reason;
        open.set(zone, started);
        spans.push(started);
      } else if (!listed && span && check.status === 'pass') {
        span.to = event.at;
        open.delete(zone);
      }
    }
  }
  return spans;
}

function describeCodes(codes: JsonValue | undefined): string {
  if (!Array.isArray(codes)) return '';
  return codes
    .map((c) => {
      if (!c || typeof c !== 'object' || Array.isArray(c)) return '';
      const { code, meaning } = c;
      return `${String(code ?? '')}${meaning ? ` (${String(meaning)})` : ''}`;
    })
    .filter(Boolean)
    .join(', ');
}

/** DNS record changes seen in the window, with the value before and after. */
function driftEvents(history: ProbeHistory): DriftEvent[] {
  return history.events.flatMap((event: ProbeEvent) =>
    event.checks
      .filter((c) => c.id.startsWith('drift:') && c.status === 'warn')
      .map((c) => ({
        at: typeof c.details?.changedAt === 'string' ? c.details.changedAt : event.at,
        record: c.id.slice(6),
        before: String(c.details?.before ?? ''),
        after: String(c.details?.after ?? ''),
      })),
  );
}

export function probeStats(history: ProbeHistory, window: HistoryWindow): ProbeStats {
  const { state, latest } = history;
  const { counters, histograms } = totals(history);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, counters[`status:${s}`] ?? 0])) as Record<
    Status,
    number
  >;
  const runs = STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const decided = runs - counts.unknown;
  const spans = statusSpans(history, window);
  const found = incidents(history, spans, window);
  const closed = found.filter((i) => i.end !== undefined);
  const duration = histograms.duration ?? emptyHistogram();
  const since = sinceOf(history);
  return {
    probeId: state.probeId,
    kind: state.kind,
    group: state.group,
    target: state.target,
    status: state.lastStatus,
    ...(since ? { since } : {}),
    lastRun: state.lastScheduledAt,
    current: (latest?.checks ?? [])
      .filter((c) => c.status !== 'pass')
      .map((c) => ({
        check: c.id,
        status: c.status,
        ...(c.cause ? { cause: c.cause } : {}),
        message: c.message,
      })),
    runs,
    counts,
    ...(decided > 0 ? { passRate: (counts.pass + counts.warn) / decided } : {}),
    ...optional('durationP50', quantile(duration, 0.5)),
    ...optional('durationP95', quantile(duration, 0.95)),
    phases: Object.entries(histograms)
      .filter(([name]) => name.startsWith('phase:'))
      .map(([name, h]) => ({
        phase: name.slice(6),
        ...optional('p50', quantile(h, 0.5)),
        ...optional('p95', quantile(h, 0.95)),
        ...optional('mean', mean(h)),
      })),
    incidents: found,
    timeInFailureMs: spans.filter((s) => s.status === 'fail').reduce((sum, s) => sum + (s.to - s.from), 0),
    ...(closed.length > 0
      ? { mttrMs: closed.reduce((sum, i) => sum + i.durationMs, 0) / closed.length }
      : {}),
    listings: listingSpans(history),
    drift: driftEvents(history),
  };
}

/** Since when the probe is in its current status: the start of the newest span of it, from the events. */
function sinceOf(history: ProbeHistory): string | undefined {
  const all = [...(history.before ? [history.before] : []), ...history.events];
  let since: string | undefined;
  for (let i = all.length - 1; i >= 0; i--) {
    const event = all[i] as ProbeEvent;
    if (event.status !== history.state.lastStatus) break;
    since = event.at;
  }
  return since;
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}

/** The worst status seen in a bucket's counters, or undefined for a bucket without runs. */
export function bucketStatus(counters: Record<string, number>): Status | undefined {
  const seen = STATUSES.filter((s) => (counters[`status:${s}`] ?? 0) > 0);
  return seen.length > 0 ? worstStatus(seen) : undefined;
}
