import { gunzipSync, gzipSync } from 'node:zlib';
import type { ProbeResult } from '../model/result';

/** What lists show of a result: no checks, timings or transcript, just its failing checks and their causes. */
export type ResultSummary = Pick<
  ProbeResult,
  | 'probeId'
  | 'kind'
  | 'group'
  | 'target'
  | 'scheduledAt'
  | 'startedAt'
  | 'finishedAt'
  | 'durationMs'
  | 'status'
> & {
  /** The checks that did not pass, in check order, as `check: cause` (or `check: status` when it names no cause). */
  failing: string[];
};

/** The attributes of a stored result that make its summary; the target and day indexes project only these. */
export const SUMMARY_ATTRIBUTES = [
  'probeId',
  'kind',
  'group',
  'target',
  'scheduledAt',
  'startedAt',
  'finishedAt',
  'durationMs',
  'status',
  'failing',
] as const satisfies readonly (keyof ResultSummary)[];

/** The attribute holding the rest of a result (checks, timings, transcript) as gzipped JSON. */
const BODY_ATTRIBUTE = 'body';

type Body = Pick<ProbeResult, 'checks' | 'timings' | 'transcript'>;

/**
 * The stored form of a result: the summary as plain attributes (readable in the console, projectable), the bulky
 * rest as one compressed binary. `checks` alone is 65-80% of a result's JSON and compresses several times over,
 * so most results fit in one write unit.
 */
export function encodeResult(result: ProbeResult): Record<string, unknown> {
  const { checks, timings, transcript, ...rest } = result;
  const summary: ResultSummary = {
    ...rest,
    failing: failingOf(checks),
  };
  const body: Body = { checks, timings, transcript };
  // JSON round trip: drops undefined fields, which DynamoDB cannot store.
  return { ...JSON.parse(JSON.stringify(summary)), [BODY_ATTRIBUTE]: gzipSync(JSON.stringify(body)) };
}

function failingOf(checks: ProbeResult['checks']): string[] {
  return checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.cause ?? c.status}`);
}

/**
 * Results are stored compact since before the first release; an item without its summary and body was written by a
 * development build and is named as such instead of being misread.
 */
function unreadable(item: Record<string, unknown>): Error {
  return new TypeError(
    `stored result ${String(item.probeId).slice(0, 200)} at ${String(item.scheduledAt).slice(0, 40)} is not in the compact format (written by a development build of mailprobe): remove it or the local data dir`,
  );
}

export function decodeSummary(item: Record<string, unknown>): ResultSummary {
  if (!Array.isArray(item.failing)) throw unreadable(item);
  const summary: Record<string, unknown> = {};
  for (const key of SUMMARY_ATTRIBUTES) if (item[key] !== undefined) summary[key] = item[key];
  return summary as ResultSummary;
}

export function decodeResult(item: Record<string, unknown>): ProbeResult {
  const { failing: _failing, ...summary } = decodeSummary(item);
  const raw = item[BODY_ATTRIBUTE];
  if (!(raw instanceof Uint8Array)) throw unreadable(item);
  const body = JSON.parse(gunzipSync(raw).toString('utf8')) as Body;
  return { ...summary, ...body };
}
