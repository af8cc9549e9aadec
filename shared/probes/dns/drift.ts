import { createHash } from 'node:crypto';
import type { Check, JsonObject } from '../../model/result';
import { clip } from './lookup';

/** Stored per record set: enough to show before/after in a warning, bounded for the state item. */
interface Fingerprint {
  fp: string;
  value: string;
  /** When the current value was first seen differing from the one before it. */
  changedAt?: string;
  before?: string;
}

const MAX_STORED_VALUE = 1000;
const NONE = '(none)';

/** The canonical text of a record set: records sorted, one per line; an empty set is "(none)". */
function canonical(records: string[]): string {
  return records.length === 0 ? NONE : [...records].sort().join('\n');
}

function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

function readMemo(memo: JsonObject | undefined): Record<string, Fingerprint> {
  const out: Record<string, Fingerprint> = {};
  const records = memo?.records;
  if (!records || typeof records !== 'object' || Array.isArray(records)) return out;
  for (const [key, raw] of Object.entries(records)) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) continue;
    const { fp, value, changedAt, before } = raw;
    if (typeof fp !== 'string' || typeof value !== 'string') continue;
    out[key] = {
      fp,
      value,
      ...(typeof changedAt === 'string' ? { changedAt } : {}),
      ...(typeof before === 'string' ? { before } : {}),
    };
  }
  return out;
}

/**
 * Compares each record set with its fingerprint from the previous run. A change is a `warn` check with the values
 * before and after, kept for `warnMs` so a change made yesterday is still visible today. A record set whose lookup
 * got no answer this run keeps its previous fingerprint: a timeout is not a change.
 */
export function checkDrift(
  current: Record<string, string[] | undefined>,
  previous: JsonObject | undefined,
  now: Date,
  warnMs: number,
): { checks: Check[]; memo: JsonObject } {
  const before = readMemo(previous);
  const next: Record<string, Fingerprint> = {};
  const checks: Check[] = [];
  for (const [key, records] of Object.entries(current)) {
    const prev = before[key];
    if (records === undefined) {
      if (prev) next[key] = prev;
      continue;
    }
    const value = canonical(records);
    const fp = fingerprint(value);
    const id = `drift:${key}`;
    if (!prev) {
      next[key] = { fp, value: clip(value, MAX_STORED_VALUE) };
      checks.push({ id, status: 'pass', message: `${key}: baseline recorded`, details: { fingerprint: fp } });
      continue;
    }
    const entry: Fingerprint =
      prev.fp === fp
        ? { ...prev, value: clip(value, MAX_STORED_VALUE) }
        : { fp, value: clip(value, MAX_STORED_VALUE), changedAt: now.toISOString(), before: prev.value };
    next[key] = entry;
    const changedAt = entry.changedAt ? Date.parse(entry.changedAt) : Number.NaN;
    if (entry.before !== undefined && now.getTime() - changedAt <= warnMs) {
      checks.push({
        id,
        status: 'warn',
        cause: 'dns.drift.changed',
        message: `${key} changed at ${entry.changedAt}: ${clip(entry.before, 200)} -> ${clip(value, 200)}`,
        observed: clip(value, 500),
        expected: clip(entry.before, 500),
        details: {
          before: clip(entry.before, 500),
          after: clip(value, 500),
          changedAt: entry.changedAt ?? null,
          fingerprint: fp,
        },
      });
    } else {
      checks.push({ id, status: 'pass', message: `${key}: unchanged`, details: { fingerprint: fp } });
    }
  }
  return { checks, memo: { records: next as unknown as JsonObject } };
}
