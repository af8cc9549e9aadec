import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName, type DnsLookupError, type DnsResolver } from '../../dns/resolver';
import { addresses, clip, mx, txt } from './lookup';

/**
 * A static walk of a domain's SPF policy (RFC 7208), following every include and redirect the way checkdmarc does:
 * syntax of every record, the DNS-querying terms counted recursively (4.6.4), void lookups, include loops. mailauth
 * evaluates SPF for one IP and stops at the first match, so its counters cannot tell the worst case; this walk can.
 */

export const SPF_LOOKUP_LIMIT = 10;
export const SPF_LOOKUP_WARN = 8;
export const SPF_VOID_LIMIT = 2;
/** RFC 7208 4.6.4: an `mx` term whose MX lookup returns more than 10 hosts is a permerror. */
const SPF_MX_LIMIT = 10;
/** Records fetched before the walk stops: far above any valid policy, low enough to bound a hostile one. */
const MAX_RECORDS = 40;
/** Terms past this count are still counted but no longer queried: the policy is far over the limit already. */
const MAX_QUERIED_TERMS = 30;
const MAX_DEPTH = 12;

export type SpfProblemKind =
  | 'syntax'
  | 'multiple'
  | 'missing'
  | 'loop'
  | 'too-many-mx'
  | 'ptr'
  | 'redirect-ignored'
  | 'too-deep';

export interface SpfProblem {
  kind: SpfProblemKind;
  /** The domain whose record has the problem. */
  domain: string;
  /** 0 for the checked domain's own record, more for included or redirected ones. */
  depth: number;
  message: string;
}

type Qualifier = '+' | '-' | '~' | '?';

export interface SpfAnalysis {
  /** The v=spf1 records at the domain itself: none, one, or (a permerror) several. */
  records: string[];
  lookups: number;
  /** DNS-querying terms per domain whose record holds them. */
  lookupsBy: Record<string, number>;
  voids: number;
  /** Names that answered NXDOMAIN/NODATA to a term's query. */
  voidNames: string[];
  problems: SpfProblem[];
  /** Queries that got no answer (timeout, SERVFAIL...): the counts are then a lower bound. */
  unknown: DnsLookupError[];
  /** The `all` that ends evaluation for the domain (through redirects), if any. */
  all: Qualifier | undefined;
  /** True when the walk stopped at its bound: lookups is then a lower bound. */
  truncated: boolean;
}

const MACRO_EXPAND = /%\{[slodiphcrtv]\d*r?[.\-+,/_=]*\}|%%|%_|%-/gi;
const TOPLABEL = /\.(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])\.?$/i;
/** Stands in for an expanded macro while checking a domain-spec; a space never occurs inside one SPF term. */
const MARK = ' ';

/** RFC 7208 7.1 macro-string: visible characters, every `%` starting a valid macro. */
function validMacroString(s: string): boolean {
  const stripped = s.replace(MACRO_EXPAND, MARK);
  return !stripped.includes('%') && /^[\x21-\x7e ]*$/.test(stripped);
}

/** RFC 7208 7.1 domain-spec: a macro-string ending in a macro or in `.toplabel`. */
function validDomainSpec(s: string): boolean {
  if (s === '' || !validMacroString(s)) return false;
  const stripped = s.replace(MACRO_EXPAND, MARK);
  return stripped.endsWith(MARK) || TOPLABEL.test(stripped);
}

function hasMacro(s: string): boolean {
  return s.includes('%');
}

const CIDR4 = '(?:0|[1-9]\\d?)';
const CIDR6 = '(?:0|[1-9]\\d{0,2})';
const A_OR_MX = new RegExp(`^(a|mx)(?::(.*?))?(?:/(${CIDR4}))?(?://(${CIDR6}))?$`, 'i');
const PTR = /^ptr(?::(.*))?$/i;
const IP4 = new RegExp(`^ip4:([^/]+)(?:/(${CIDR4}))?$`, 'i');
const IP6 = new RegExp(`^ip6:([^/]+)(?:/(${CIDR6}))?$`, 'i');
const INCLUDE = /^include:(.*)$/i;
const EXISTS = /^exists:(.*)$/i;
const MODIFIER = /^([a-z][a-z0-9_.-]*)=(.*)$/i;

type Term =
  | { type: 'all'; qualifier: Qualifier }
  | { type: 'include' | 'exists'; qualifier: Qualifier; target: string }
  | { type: 'a' | 'mx'; qualifier: Qualifier; target: string | undefined }
  | { type: 'ptr'; qualifier: Qualifier; target: string | undefined }
  | { type: 'ip'; qualifier: Qualifier }
  | { type: 'redirect' | 'exp'; target: string }
  | { type: 'unknown-modifier' };

/** One term, or the reason it is not valid SPF. */
function parseTerm(raw: string): Term | string {
  const modifier = MODIFIER.exec(raw);
  if (modifier) {
    const name = (modifier[1] as string).toLowerCase();
    const value = modifier[2] as string;
    if (name === 'redirect' || name === 'exp') {
      return validDomainSpec(value) ? { type: name, target: value } : `invalid domain in "${name}="`;
    }
    return validMacroString(value) ? { type: 'unknown-modifier' } : `invalid value of modifier "${name}"`;
  }
  let qualifier: Qualifier = '+';
  let term = raw;
  if (/^[+\-~?]/.test(term)) {
    qualifier = term[0] as Qualifier;
    term = term.slice(1);
  }
  if (/^all$/i.test(term)) return { type: 'all', qualifier };
  const include = INCLUDE.exec(term);
  if (include) {
    return validDomainSpec(include[1] as string)
      ? { type: 'include', qualifier, target: include[1] as string }
      : 'include needs a valid domain';
  }
  const exists = EXISTS.exec(term);
  if (exists) {
    return validDomainSpec(exists[1] as string)
      ? { type: 'exists', qualifier, target: exists[1] as string }
      : 'exists needs a valid domain';
  }
  const aMx = A_OR_MX.exec(term);
  if (aMx) {
    const target = aMx[2];
    if (target !== undefined && !validDomainSpec(target)) return `invalid domain in "${aMx[1]}:"`;
    if (aMx[3] !== undefined && Number(aMx[3]) > 32) return 'IPv4 prefix length above 32';
    if (aMx[4] !== undefined && Number(aMx[4]) > 128) return 'IPv6 prefix length above 128';
    return { type: (aMx[1] as string).toLowerCase() as 'a' | 'mx', qualifier, target };
  }
  const ptr = PTR.exec(term);
  if (ptr) {
    if (ptr[1] !== undefined && !validDomainSpec(ptr[1])) return 'invalid domain in "ptr:"';
    return { type: 'ptr', qualifier, target: ptr[1] };
  }
  const ip4 = IP4.exec(term);
  if (ip4) {
    if (!isIPv4(ip4[1] as string)) return 'invalid IPv4 address';
    if (ip4[2] !== undefined && Number(ip4[2]) > 32) return 'IPv4 prefix length above 32';
    return { type: 'ip', qualifier };
  }
  const ip6 = IP6.exec(term);
  if (ip6) {
    if (!isIPv6(ip6[1] as string)) return 'invalid IPv6 address';
    if (ip6[2] !== undefined && Number(ip6[2]) > 128) return 'IPv6 prefix length above 128';
    return { type: 'ip', qualifier };
  }
  return 'unknown mechanism or malformed term';
}

/** The v=spf1 records among a name's TXT records (RFC 7208 4.5: version then a space or the end). */
function spfRecords(records: string[]): string[] {
  return records.filter((r) => /^v=spf1(?: |$)/i.test(r));
}

interface Walk {
  resolve: DnsResolver;
  result: SpfAnalysis;
  fetched: number;
}

export async function analyzeSpf(domain: string, resolve: DnsResolver): Promise<SpfAnalysis> {
  const result: SpfAnalysis = {
    records: [],
    lookups: 0,
    lookupsBy: {},
    voids: 0,
    voidNames: [],
    problems: [],
    unknown: [],
    all: undefined,
    truncated: false,
  };
  const walk: Walk = { resolve, result, fetched: 0 };
  result.all = await visit(walk, canonicalName(domain), [], 'top');
  return result;
}

/** Visits one record; returns the `all` qualifier that ends its evaluation (through its redirect), if any. */
async function visit(
  walk: Walk,
  domain: string,
  chain: string[],
  via: 'top' | 'include' | 'redirect',
): Promise<Qualifier | undefined> {
  const { result } = walk;
  const depth = chain.length;
  const problem = (kind: SpfProblemKind, message: string, at = domain) =>
    result.problems.push({ kind, domain: at, depth, message });

  if (walk.fetched >= MAX_RECORDS || depth > MAX_DEPTH) {
    result.truncated = true;
    if (depth > MAX_DEPTH) problem('too-deep', `includes nested more than ${MAX_DEPTH} deep`);
    return undefined;
  }
  walk.fetched++;
  const found = await txt(walk.resolve, domain);
  if (found.kind === 'unknown') {
    result.unknown.push(found.error);
    return undefined;
  }
  const records = found.kind === 'records' ? spfRecords(found.records) : [];
  if (via === 'top') result.records = records;
  if (found.kind === 'none' && via !== 'top') countVoid(walk, domain);
  if (records.length === 0) {
    if (via !== 'top') problem('missing', `${via} target ${domain} has no SPF record (permerror)`);
    return undefined;
  }
  if (records.length > 1) {
    problem('multiple', `${domain} publishes ${records.length} SPF records (permerror)`);
    return undefined;
  }
  const record = records[0] as string;
  if (/[^\x20-\x7e]/.test(record)) {
    problem('syntax', `${domain}: the record contains characters outside printable ASCII`);
    return undefined;
  }

  const terms: Term[] = [];
  for (const raw of record.slice('v=spf1'.length).split(' ')) {
    if (raw === '') continue;
    const term = parseTerm(raw);
    if (typeof term === 'string') {
      problem('syntax', `${domain}: "${clip(raw, 80)}": ${term}`);
      return undefined;
    }
    terms.push(term);
  }
  const redirects = terms.filter((t) => t.type === 'redirect');
  if (redirects.length > 1 || terms.filter((t) => t.type === 'exp').length > 1) {
    problem('syntax', `${domain}: redirect= or exp= appears more than once`);
    return undefined;
  }

  let all: Qualifier | undefined;
  for (const term of terms) {
    // Terms after `all` are never evaluated: they cost no lookups (their syntax was still checked above).
    if (all !== undefined) break;
    switch (term.type) {
      case 'all':
        all = term.qualifier;
        break;
      case 'include': {
        count(walk, domain);
        if (hasMacro(term.target)) break;
        const target = canonicalName(term.target);
        if (target === domain || chain.includes(target)) {
          problem('loop', `${domain} includes ${target}, which is already being evaluated (loop)`);
          break;
        }
        await visit(walk, target, [...chain, domain], 'include');
        break;
      }
      case 'a':
        count(walk, domain);
        if (result.lookups <= MAX_QUERIED_TERMS) await queryAddresses(walk, term.target ?? domain);
        break;
      case 'mx': {
        count(walk, domain);
        const name = term.target ?? domain;
        if (hasMacro(name) || result.lookups > MAX_QUERIED_TERMS) break;
        const found = await mx(walk.resolve, name);
        if (found.kind === 'unknown') result.unknown.push(found.error);
        else if (found.kind === 'none') countVoid(walk, name);
        else if (found.records.length > SPF_MX_LIMIT) {
          problem(
            'too-many-mx',
            `${domain}: "mx:${name}" returns ${found.records.length} MX hosts, more than 10`,
          );
        }
        break;
      }
      case 'ptr':
        count(walk, domain);
        problem('ptr', `${domain}: uses the "ptr" mechanism, which RFC 7208 says not to use`);
        break;
      case 'exists':
        count(walk, domain);
        if (result.lookups <= MAX_QUERIED_TERMS) await queryAddresses(walk, term.target, ['A']);
        break;
      default:
        break;
    }
  }
  const redirect = redirects[0];
  if (redirect?.type === 'redirect') {
    if (all !== undefined) {
      problem('redirect-ignored', `${domain}: redirect= is ignored because the record has an "all"`);
      return all;
    }
    count(walk, domain);
    if (hasMacro(redirect.target)) return undefined;
    const target = canonicalName(redirect.target);
    if (target === domain || chain.includes(target)) {
      problem('loop', `${domain} redirects to ${target}, which is already being evaluated (loop)`);
      return undefined;
    }
    return visit(walk, target, [...chain, domain], 'redirect');
  }
  return all;
}

function count(walk: Walk, domain: string): void {
  walk.result.lookups++;
  walk.result.lookupsBy[domain] = (walk.result.lookupsBy[domain] ?? 0) + 1;
}

function countVoid(walk: Walk, name: string): void {
  walk.result.voids++;
  walk.result.voidNames.push(name);
}

/**
 * A/AAAA of a term's target. Void only when neither family has an address (mailauth's dual-stack rule: a host
 * with only IPv6 addresses is not a void lookup for an IPv4 client's sake).
 */
async function queryAddresses(
  walk: Walk,
  name: string,
  types: ('A' | 'AAAA')[] = ['A', 'AAAA'],
): Promise<void> {
  if (hasMacro(name)) return;
  const found = await Promise.all(types.map((t) => addresses(walk.resolve, name, t)));
  if (found.some((f) => f.kind === 'records')) return;
  const unknown = found.find((f) => f.kind === 'unknown');
  if (unknown) walk.result.unknown.push(unknown.error);
  else countVoid(walk, name);
}
