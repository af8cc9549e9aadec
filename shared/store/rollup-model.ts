import type { ProbeState } from '../alert/types';
import type { CauseId } from '../model/causes/index';
import type { Check, JsonObject, JsonValue, ProbeKind, ProbeResult } from '../model/result';
import type { Status } from '../model/status';
import { truncate } from '../util/sanitize';
import { bucketOf, type Histogram } from './histogram';

/**
 * What a report needs from each result, extracted once when the result is written: counters and histograms per
 * time bucket (added atomically), and an event whenever the probe or one of its checks changed. Pure: the
 * DynamoDB side is in rollups.ts.
 */

export const RESOLUTIONS = ['hour', 'day'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];
export const RESOLUTION_MS: Record<Resolution, number> = { hour: 3_600_000, day: 86_400_000 };

/** Aggregates of one probe over one hour or day. */
export interface Rollup {
  probeId: string;
  resolution: Resolution;
  /** Start of the bucket, ISO-8601 UTC. */
  start: string;
  runs: number;
  /**
   * `status:<status>` runs per status, `placement:<inbox|spam|missing>` canary placements,
   * `listed:<zone>` DNSBL runs listed on that zone, `certDaysSum`/`certDaysN` TLS certificate days left.
   */
  counters: Record<string, number>;
  /** `duration`, `phase:<name>` (SMTP and other phases), `canaryLatency`. */
  histograms: Record<string, Histogram>;
}

/** A check as an event keeps it: its change, its cause, and the facts a report shows (bounded). */
interface EventCheck {
  id: string;
  status: Status;
  previousStatus?: Status;
  cause?: CauseId;
  message: string;
  details?: JsonObject;
}

/** Written when a probe's status or one of its checks changes (and on a probe's first run). */
export interface ProbeEvent {
  probeId: string;
  kind: ProbeKind;
  group: string;
  target: string;
  at: string;
  status: Status;
  previousStatus?: Status;
  checks: EventCheck[];
}

/** The increments of one result, before they are added to a bucket. */
export interface RollupIncrement {
  counters: Record<string, number>;
  histograms: Record<string, Histogram>;
}

const MAX_NAME = 100;
const MAX_ZONES = 64;
const MAX_EVENT_CHECKS = 40;
const EVENT_MESSAGE_MAX = 300;
const EVENT_DETAIL_MAX = 500;
/** The details a report shows: DNSBL zone, codes and reason; DNS drift before/after; certificate days left. */
const EVENT_DETAILS = ['zone', 'codes', 'answers', 'reason', 'before', 'after', 'changedAt', 'daysLeft'];

function one(ms: number): Histogram {
  const value = Math.max(0, Math.round(ms));
  return { n: 1, sum: value, buckets: { [bucketOf(value)]: 1 } };
}

const nameOf = (text: string) => text.slice(0, MAX_NAME);

export function rollupIncrement(result: ProbeResult): RollupIncrement {
  const counters: Record<string, number> = { [`status:${result.status}`]: 1 };
  const histograms: Record<string, Histogram> = { duration: one(result.durationMs) };
  for (const [phase, ms] of Object.entries(result.timings)) {
    if (Number.isFinite(ms)) histograms[`phase:${nameOf(phase)}`] = one(ms);
  }
  let zones = 0;
  for (const check of result.checks) {
    if (check.id === 'tls.certificate') {
      const days = numberField(check.observed, 'daysLeft');
      if (days !== undefined) {
        counters.certDaysSum = Math.round(days);
        counters.certDaysN = 1;
      }
    } else if (result.kind === 'canary' && check.id === 'latency' && typeof check.observed === 'number') {
      histograms.canaryLatency = one(check.observed);
    } else if (result.kind === 'canary' && check.id === 'placement') {
      counters[`placement:${check.status === 'fail' ? 'spam' : 'inbox'}`] = 1;
    } else if (
      result.kind === 'canary' &&
      check.id === 'arrival' &&
      check.cause === 'canary.delivery.missing'
    ) {
      counters['placement:missing'] = 1;
    } else if (result.kind === 'dnsbl' && check.id.startsWith('zone:') && isListed(check)) {
      if (zones++ < MAX_ZONES) counters[`listed:${nameOf(check.id.slice(5))}`] = 1;
    }
  }
  return { counters, histograms };
}

/** A DNSBL zone check that found the subject listed (not "could not tell"). */
function isListed(check: Check): boolean {
  return (check.status === 'fail' || check.status === 'warn') && check.cause !== undefined;
}

function numberField(value: JsonValue | undefined, key: string): number | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * The event this result makes, or undefined when nothing changed: the probe's status moved, a check's status
 * or cause moved, or a check reports a change it saw in this run (DNS drift: `details.changedAt` inside it).
 * On a probe's first run (no previous state) the event records where it starts, with its non-pass checks.
 */
export function eventFor(result: ProbeResult, previous: ProbeState | undefined): ProbeEvent | undefined {
  const started = Date.parse(result.startedAt);
  const changed = result.checks.filter((check) => {
    if (!previous) return check.status !== 'pass';
    const known = previous.checks[check.id];
    if (!known) return check.status !== 'pass';
    if (known.status !== check.status || known.cause !== check.cause) return true;
    const at = check.details?.changedAt;
    return typeof at === 'string' && Date.parse(at) >= started;
  });
  const statusMoved = previous === undefined || previous.lastStatus !== result.status;
  if (!statusMoved && changed.length === 0) return undefined;
  // A status change also names what is failing now, so an incident knows its causes.
  const shown = statusMoved
    ? [...changed, ...result.checks.filter((c) => c.status !== 'pass' && !changed.includes(c))]
    : changed;
  return {
    probeId: result.probeId,
    kind: result.kind,
    group: result.group,
    target: result.target,
    at: new Date(Date.parse(result.scheduledAt)).toISOString(),
    status: result.status,
    ...(previous ? { previousStatus: previous.lastStatus } : {}),
    checks: shown.slice(0, MAX_EVENT_CHECKS).map((check) => eventCheck(check, previous)),
  };
}

function eventCheck(check: Check, previous: ProbeState | undefined): EventCheck {
  const before = previous?.checks[check.id]?.status;
  const details: JsonObject = {};
  for (const key of EVENT_DETAILS) {
    const value = check.details?.[key];
    if (value !== undefined) details[key] = bounded(value);
  }
  if (check.id === 'tls.certificate') {
    const days = numberField(check.observed, 'daysLeft');
    if (days !== undefined) details.daysLeft = days;
  }
  return {
    id: nameOf(check.id),
    status: check.status,
    ...(before ? { previousStatus: before } : {}),
    ...(check.cause ? { cause: check.cause } : {}),
    message: truncate(check.message, EVENT_MESSAGE_MAX),
    ...(Object.keys(details).length > 0 ? { details } : {}),
  };
}

/** Strings cut to a bound, arrays to 20 entries, at any depth: an event item never grows with remote text. */
function bounded(value: JsonValue, depth = 0): JsonValue {
  if (typeof value === 'string') return truncate(value, EVENT_DETAIL_MAX);
  if (Array.isArray(value)) return depth > 3 ? [] : value.slice(0, 20).map((v) => bounded(v, depth + 1));
  if (value && typeof value === 'object') {
    if (depth > 3) return {};
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value).slice(0, 20)) out[k] = bounded(v, depth + 1);
    return out;
  }
  return value;
}

/** The start of the bucket holding `iso`, as ISO-8601 UTC. */
export function bucketStart(iso: string, resolution: Resolution): string {
  const ms = Date.parse(iso);
  return new Date(ms - (ms % RESOLUTION_MS[resolution])).toISOString();
}
