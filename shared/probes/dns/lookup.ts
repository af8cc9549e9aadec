import { DnsLookupError, type DnsResolver, type MxRecord, type RrType } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import type { Check } from '../../model/result';

/** How one query ended: records, an authoritative "there is none", or a failure that leaves the answer unknown. */
export type Lookup<T> =
  | { kind: 'records'; records: T }
  | { kind: 'none'; error: DnsLookupError }
  | { kind: 'unknown'; error: DnsLookupError };

export async function lookup<T extends unknown[]>(
  resolve: DnsResolver,
  name: string,
  type: RrType,
): Promise<Lookup<T>> {
  try {
    const records = (await resolve(name, type)) as T;
    if (records.length === 0) {
      // c-ares reports "no records" as ENODATA; a resolver answering an empty list means the same.
      return { kind: 'none', error: new DnsLookupError('nodata', { name, type }, 'ENODATA') };
    }
    return { kind: 'records', records };
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
    return err.isAnswer ? { kind: 'none', error: err } : { kind: 'unknown', error: err };
  }
}

/** TXT records at `name`, each record's strings joined (RFC 7208 3.3, RFC 6376 3.6.2.2). */
export async function txt(resolve: DnsResolver, name: string): Promise<Lookup<string[]>> {
  const found = await lookup<string[][]>(resolve, name, 'TXT');
  return found.kind === 'records'
    ? { kind: 'records', records: found.records.map((s) => s.join('')) }
    : found;
}

export function addresses(
  resolve: DnsResolver,
  name: string,
  type: 'A' | 'AAAA' | 'PTR',
): Promise<Lookup<string[]>> {
  return lookup<string[]>(resolve, name, type);
}

export function mx(resolve: DnsResolver, name: string): Promise<Lookup<MxRecord[]>> {
  return lookup<MxRecord[]>(resolve, name, 'MX');
}

const LOOKUP_CAUSE = {
  timeout: 'dns.lookup.timeout',
  servfail: 'dns.lookup.servfail',
  refused: 'dns.lookup.refused',
  error: 'dns.lookup.error',
  nxdomain: 'dns.lookup.error',
  nodata: 'dns.lookup.error',
} as const satisfies Record<DnsLookupError['failure'], CauseId>;

export function lookupCause(error: DnsLookupError): CauseId {
  return LOOKUP_CAUSE[error.failure];
}

/** The `unknown` check for a query that got no answer: never "record missing". */
export function unknownCheck(id: string, error: DnsLookupError, what: string): Check {
  return {
    id,
    status: 'unknown',
    cause: LOOKUP_CAUSE[error.failure],
    message: `${what}: ${error.query.type} ${error.query.name} got no answer (${error.failure}, ${error.code})`,
    details: { query: `${error.query.type} ${error.query.name}`, failure: error.failure, code: error.code },
  };
}

/** At most `max` characters of untrusted text, with the length of what was cut. */
export function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…[+${text.length - max} chars]` : text;
}

/** Parses a `tag=value; tag=value` list (DKIM, DMARC, MTA-STS, TLS-RPT, BIMI). Later duplicates do not override. */
export function tagList(record: string): { tags: Map<string, string>; order: string[]; malformed: string[] } {
  const tags = new Map<string, string>();
  const order: string[] = [];
  const malformed: string[] = [];
  for (const part of record.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      malformed.push(item);
      continue;
    }
    const key = item.slice(0, eq).trim().toLowerCase();
    order.push(key);
    if (!tags.has(key)) tags.set(key, item.slice(eq + 1).trim());
  }
  return { tags, order, malformed };
}

/**
 * Memoises every query of one probe run (SPF evaluation per IP, MTA-STS and the MX check ask the same names) and
 * writes one transcript line per distinct query.
 */
export function cachingResolver(resolve: DnsResolver, record?: (line: string) => void): DnsResolver {
  const cache = new Map<string, Promise<unknown>>();
  const query = (name: string, type: RrType) => {
    const key = `${type} ${name.toLowerCase()}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = resolve(name, type);
      if (record) {
        hit.then(
          (answer) => record(`${key}: ${clip(JSON.stringify(answer), 400)}`),
          (err: unknown) => record(`${key}: ${err instanceof DnsLookupError ? err.failure : 'error'}`),
        );
      }
      cache.set(key, hit);
    }
    return hit;
  };
  return query as DnsResolver;
}
