import type { ZoneRecord, ZoneRecords } from '../../../cli/demo/dns-server';
import {
  DnsLookupError,
  type DnsResolver,
  type LookupFailure,
  type RrType,
} from '../../../shared/dns/resolver';

/** Failures a test can script per query, as a real resolver reports them. */
export type ZoneMisbehaviour = 'timeout' | 'servfail' | 'refused';

const CODES: Record<LookupFailure, string> = {
  nxdomain: 'ENOTFOUND',
  nodata: 'ENODATA',
  timeout: 'ETIMEOUT',
  servfail: 'ESERVFAIL',
  refused: 'EREFUSED',
  error: 'EBADRESP',
};

function fail(failure: LookupFailure, name: string, type: RrType): never {
  throw new DnsLookupError(failure, { name, type }, CODES[failure]);
}

function normalise(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * A DnsResolver answering from a zone object (the same shape the loopback DNS server serves), like mailauth's test
 * helper: NXDOMAIN for unknown names, NODATA for known names (and empty non-terminals) without the type, CNAMEs
 * followed, and scripted timeouts/SERVFAIL/REFUSED. Every query is recorded in `queries`.
 */
export function zoneResolver(
  zone: ZoneRecords,
  misbehave: (name: string, type: RrType) => ZoneMisbehaviour | undefined = () => undefined,
): DnsResolver & { queries: string[] } {
  const records = new Map<string, ZoneRecord[]>();
  const names = new Set<string>();
  for (const [raw, list] of Object.entries(zone)) {
    const name = normalise(raw);
    records.set(name, [...(records.get(name) ?? []), ...list]);
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) names.add(labels.slice(i).join('.'));
  }
  const queries: string[] = [];
  const resolve = async (rawName: string, type: RrType) => {
    queries.push(`${type} ${normalise(rawName)}`);
    const scripted = misbehave(normalise(rawName), type);
    if (scripted) fail(scripted, rawName, type);
    let name = normalise(rawName);
    for (let hop = 0; hop < 8; hop++) {
      if (!names.has(name)) fail('nxdomain', rawName, type);
      const here = records.get(name) ?? [];
      const matching = here.filter((r) => r.type === type);
      const cname = here.find((r): r is Extract<ZoneRecord, { target: string }> => r.type === 'CNAME');
      if (matching.length > 0 || !cname || type === 'CNAME') {
        if (matching.length === 0) fail('nodata', rawName, type);
        return matching.map((r) => {
          switch (r.type) {
            case 'A':
            case 'AAAA':
              return r.address;
            case 'TXT':
              return r.data;
            case 'MX':
              return { exchange: r.exchange, priority: r.priority };
            default:
              return r.target;
          }
        });
      }
      name = normalise(cname.target);
    }
    return fail('servfail', rawName, type);
  };
  return Object.assign(resolve as DnsResolver, { queries });
}

/** Splits a long TXT value into 255-byte strings, as a zone file or DNS server must. */
export function txtStrings(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(value.slice(i, i + 255));
  return out.length > 0 ? out : [''];
}
