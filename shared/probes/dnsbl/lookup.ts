import { DnsLookupError, type DnsResolver, type LookupFailure } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';

/** How one A (or TXT) query ended: records, an authoritative "no such entry", or no answer at all. */
export type LookupOutcome<T> =
  | { kind: 'records'; records: T[] }
  | { kind: 'absent' }
  | { kind: 'failed'; failure: LookupFailure; cause: CauseId };

const CAUSE_BY_FAILURE: Record<Exclude<LookupFailure, 'nxdomain' | 'nodata'>, CauseId> = {
  timeout: 'dnsbl.query.timeout',
  servfail: 'dnsbl.query.servfail',
  refused: 'dnsbl.query.refused',
  error: 'dnsbl.query.error',
};

export const FAILURE_TEXT: Record<LookupFailure, string> = {
  nxdomain: 'NXDOMAIN',
  nodata: 'NODATA',
  timeout: 'no answer (timeout)',
  servfail: 'SERVFAIL',
  refused: 'REFUSED',
  error: 'lookup error',
};

/** Bounds for TXT reasons: written by the list operator, shown to humans, never trusted. */
const REASON_MAX_CHARS = 300;

/** Runs one query and classifies it; NXDOMAIN and NODATA both mean "not listed". Throws only on bugs. */
export async function lookup(resolve: DnsResolver, name: string, type: 'A'): Promise<LookupOutcome<string>>;
export async function lookup(
  resolve: DnsResolver,
  name: string,
  type: 'TXT',
): Promise<LookupOutcome<string[]>>;
export async function lookup(
  resolve: DnsResolver,
  name: string,
  type: 'A' | 'TXT',
): Promise<LookupOutcome<string | string[]>> {
  try {
    const records = type === 'A' ? await resolve(name, 'A') : await resolve(name, 'TXT');
    return records.length === 0 ? { kind: 'absent' } : { kind: 'records', records };
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
    if (err.isAnswer) return { kind: 'absent' };
    return {
      kind: 'failed',
      failure: err.failure,
      cause: CAUSE_BY_FAILURE[err.failure as keyof typeof CAUSE_BY_FAILURE],
    };
  }
}

/** One line of printable text from TXT records: control characters removed, length bounded. */
export function boundedReason(txt: string[][]): string | undefined {
  const text = txt
    .map((strings) => strings.join(''))
    .join(' | ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (text === '') return undefined;
  return text.length > REASON_MAX_CHARS ? `${text.slice(0, REASON_MAX_CHARS)}…` : text;
}
