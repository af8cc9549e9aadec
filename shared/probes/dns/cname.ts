import type { AliasesSeen, NameFact } from '../../dns/answer-resolver';
import { canonicalName, type DnsLookupError, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { clip, lookup, unknownCheck } from './lookup';

/**
 * More aliases than this are a warning: Unbound gave up after 8 CNAMEs (NLnetLabs/unbound#438, until
 * `max-query-restarts` made it configurable; 11 by default since) and Knot Resolver stops at 13, so receivers behind
 * resolvers with lower limits get SERVFAIL while others resolve the record.
 */
export const MAX_ALIASES = 8;

/** How a walk along CNAME records ended. */
type ChainEnd =
  /**
   * The last name exists and is no alias: its records, of whatever type, are there to be read (for the name asked
   * for, it may also not exist: then it is no alias either, and its record check says the record is missing).
   */
  | 'resolves'
  /** The last name does not exist (NXDOMAIN). */
  | 'dangling'
  /** A name points back at one already in the chain. */
  | 'loop'
  /** More than MAX_ALIASES aliases. */
  | 'too-long'
  /** A hop got no answer (timeout, SERVFAIL, REFUSED). */
  | 'unknown';

export interface AliasChain {
  /** The name asked for, then each CNAME target in order (one entry: not an alias). */
  names: string[];
  end: ChainEnd;
  /** The failed lookup of an `unknown` end. */
  error?: DnsLookupError;
}

/**
 * Follows the CNAME records from `name`, taking each hop from what earlier answers showed (`seen`; an empty map when
 * the resolver shows none) and asking a CNAME
 * query for the others (a CNAME query is never chased by the server, so each hop is seen, even across zones and
 * through an authoritative-only server). Bounded: it stops at a loop and one hop past MAX_ALIASES.
 */
export async function followAliases(
  name: string,
  resolve: DnsResolver,
  seen: AliasesSeen,
): Promise<AliasChain> {
  const names = [canonicalName(name)];
  for (;;) {
    const current = names[names.length - 1] as string;
    const fact = seen.get(current) ?? (await askAlias(current, resolve));
    if ('error' in fact) return { names, end: 'unknown', error: fact.error };
    if ('exists' in fact) return { names, end: !fact.exists && names.length > 1 ? 'dangling' : 'resolves' };
    const target = canonicalName(fact.cname);
    const looped = names.includes(target);
    names.push(target);
    if (looped) return { names, end: 'loop' };
    if (names.length - 1 > MAX_ALIASES) return { names, end: 'too-long' };
  }
}

/** One hop asked: the CNAME of `name`, or whether it exists when it has none. */
async function askAlias(name: string, resolve: DnsResolver): Promise<NameFact | { error: DnsLookupError }> {
  const found = await lookup<string[]>(resolve, name, 'CNAME');
  if (found.kind === 'unknown') return { error: found.error };
  if (found.kind === 'none') return { exists: found.error.failure !== 'nxdomain' };
  return { cname: found.records[0] ?? '' };
}

/** The chain as one line, each untrusted name bounded: `a -> b -> c`. */
export function showChain(chain: AliasChain): string {
  return clip(chain.names.map((n) => clip(n, 120)).join(' -> '), 1200);
}

/**
 * The finding for a name the probe reads (`what` says which record, e.g. "DKIM key"): none when the name is no
 * alias, a pass naming the chain when it resolves, a failure when it dangles or loops, a warning when it is longer
 * than some resolvers follow.
 */
export function aliasCheck(id: string, what: string, chain: AliasChain): Check | undefined {
  // Not an alias, or the first query failed: the record's own check reports that.
  if (chain.names.length < 2) return undefined;
  const shown = showChain(chain);
  const last = clip(chain.names[chain.names.length - 1] as string, 120);
  const aliases = chain.names.length - 1;
  const details = { chain: chain.names.slice(0, MAX_ALIASES + 2).map((n) => clip(n, 255)), aliases };
  switch (chain.end) {
    case 'unknown':
      return {
        ...unknownCheck(id, chain.error as DnsLookupError, `${what} alias chain ${shown}`),
        observed: shown,
      };
    case 'resolves':
      return { id, status: 'pass', message: `${what} is an alias: ${shown}`, observed: shown, details };
    case 'dangling':
      return {
        id,
        status: 'fail',
        cause: 'dns.cname.dangling',
        message: `${what} is an alias to a name that does not exist: ${shown} (${last}: NXDOMAIN)`,
        observed: shown,
        details,
      };
    case 'loop':
      return {
        id,
        status: 'fail',
        cause: 'dns.cname.loop',
        message: `${what} is an alias chain that loops back to ${last}: ${shown}`,
        observed: shown,
        details,
      };
    case 'too-long':
      return {
        id,
        status: 'warn',
        cause: 'dns.cname.chain-too-long',
        message: `${what} is reached through more than ${MAX_ALIASES} aliases (${aliases} followed): ${shown}`,
        observed: shown,
        details,
      };
  }
}
