import { promises as dns } from 'node:dns';
import type { QuerySettings, ResolverSettings } from '../config/resolver';

export type RrType = 'A' | 'AAAA' | 'MX' | 'TXT' | 'PTR' | 'CNAME' | 'NS';
/** What a failed query asked for: the resolver's types, and those only the DNSSEC-aware queries ask. */
type QueryType = RrType | 'TLSA' | 'SOA' | 'DNSKEY' | 'DS';

/** How a lookup ended when it produced no records. Only `nxdomain` and `nodata` are answers; the rest are `unknown`. */
export type LookupFailure = 'nxdomain' | 'nodata' | 'timeout' | 'servfail' | 'refused' | 'error';

/** A name as the probes compare names: lower case, without the final dot. */
export function canonicalName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

export class DnsLookupError extends Error {
  override readonly name = 'DnsLookupError';
  constructor(
    readonly failure: LookupFailure,
    readonly query: { name: string; type: QueryType },
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    // An outcome of a query, read by its fields, never a bug: no stack trace. A DNSBL sweep ends nearly every query
    // here (not listed is NXDOMAIN), and capturing the stack was a seventh of the sweep's CPU.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${query.type} ${query.name}: ${failure} (${code})`, options);
    Error.stackTraceLimit = stackTraceLimit;
  }

  /** True when the server answered authoritatively that there is no such record. */
  get isAnswer(): boolean {
    return this.failure === 'nxdomain' || this.failure === 'nodata';
  }
}

const FAILURE_BY_CODE: Record<string, LookupFailure> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'nodata',
  ETIMEOUT: 'timeout',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ECANCELLED: 'timeout',
};

export interface MxRecord {
  exchange: string;
  priority: number;
}

/** The DNS port probes take, one function as in mailauth's `resolver` option; TXT answers keep their strings. */
export interface DnsResolver {
  (name: string, type: 'A' | 'AAAA' | 'PTR' | 'CNAME' | 'NS'): Promise<string[]>;
  (name: string, type: 'MX'): Promise<MxRecord[]>;
  (name: string, type: 'TXT'): Promise<string[][]>;
  (name: string, type: RrType): Promise<string[] | MxRecord[] | string[][]>;
}

/**
 * A resolver on the configured servers (ports allowed), with short, explicit timeouts and tries. Node's c-ares
 * resolver never consults /etc/hosts for these record queries, so answers come from DNS only.
 */
export function createResolver(settings: QuerySettings): DnsResolver {
  const r = new dns.Resolver({ timeout: settings.timeoutMs, tries: settings.tries });
  if (settings.servers.length > 0) r.setServers(settings.servers);
  const query = async (name: string, type: RrType) => {
    try {
      switch (type) {
        case 'A':
          return await r.resolve4(name);
        case 'AAAA':
          return await r.resolve6(name);
        case 'MX':
          return await r.resolveMx(name);
        case 'TXT':
          return await r.resolveTxt(name);
        case 'PTR':
          return await r.resolvePtr(name);
        case 'CNAME':
          return await r.resolveCname(name);
        case 'NS':
          return await r.resolveNs(name);
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'UNKNOWN';
      throw new DnsLookupError(FAILURE_BY_CODE[code] ?? 'error', { name, type }, code, { cause: err });
    }
  };
  return query as DnsResolver;
}

/** Builds the resolver for a set of settings: the one factory the runner hands probes (`ctx.dns`), replaceable in tests. */
export type ResolverFactory = (settings: ResolverSettings) => DnsResolver;

/**
 * The default factory: one resolver per distinct settings, kept for the life of the process (a Lambda container,
 * a CLI run), so probes share c-ares channels and per-resolver caches (DNSBL zone self-tests) across runs.
 */
export function resolverFactory(): ResolverFactory {
  const made = new Map<string, DnsResolver>();
  return (settings) => {
    const key = JSON.stringify([settings.servers, settings.timeoutMs, settings.tries]);
    let resolver = made.get(key);
    if (!resolver) {
      resolver = createResolver(settings);
      made.set(key, resolver);
    }
    return resolver;
  };
}
