import type * as packet from 'dns-packet';
import { canonicalName, DnsLookupError, type DnsResolver, type MxRecord, type RrType } from './resolver';
import type { SecureAnswer, SecureResolver } from './secure-query';

/** What answers showed about a name: the alias it is, or that it is no alias and does (not) exist. */
export type NameFact = { cname: string } | { exists: boolean };

/** Facts about names, lower-cased without the final dot, learned from the answer sections of a run's queries. */
export type AliasesSeen = Map<string, NameFact>;

/**
 * Reads the chain the server followed from `asked`: each CNAME is a fact; the last name is known to be no alias when
 * it holds the records, does not exist (NXDOMAIN), or is the name asked and has no record of the type (a server
 * answers a query for an alias with its CNAME). An empty NOERROR after a CNAME is left unknown unless a negative
 * SOA says it is about the last name: an authoritative-only server does not follow aliases out of its zones.
 */
function learn(seen: AliasesSeen, asked: string, answer: SecureAnswer): string[] {
  const targets = new Map(answer.aliases.map((a) => [a.name, a.target]));
  const chain = [asked];
  for (let target = targets.get(asked); target !== undefined; target = targets.get(target)) {
    seen.set(chain[chain.length - 1] as string, { cname: target });
    if (chain.includes(target)) return chain;
    chain.push(target);
  }
  const last = chain[chain.length - 1] as string;
  if (answer.records.some((r) => canonicalName(r.name) === last)) seen.set(last, { exists: true });
  else if (answer.rcode === 'NXDOMAIN') seen.set(last, { exists: false });
  else if (answer.rcode === 'NOERROR' && (chain.length === 1 || answer.negativeSoa)) {
    seen.set(last, { exists: true });
  }
  return chain;
}

/** A name as c-ares gives it: as the server wrote it, without the final dot (the root as ''). */
function bare(name: string): string {
  return name.replace(/\.$/, '');
}

function recordsOf(type: RrType, records: packet.Answer[]): string[] | MxRecord[] | string[][] {
  switch (type) {
    case 'MX':
      return records.map((r) => {
        const mx = (r as packet.MxAnswer).data;
        return { exchange: bare(mx.exchange), priority: mx.preference ?? 0 };
      });
    case 'TXT':
      // Each character-string as c-ares gives it: one byte, one character.
      return records.map((r) => {
        const data = (r as packet.TxtAnswer).data;
        return (Array.isArray(data) ? data : [data]).map((s) =>
          typeof s === 'string' ? s : s.toString('latin1'),
        );
      });
    default:
      return records.map((r) => bare((r as packet.StringAnswer).data));
  }
}

const FAILURE_BY_RCODE: Record<string, [DnsLookupError['failure'], string]> = {
  NXDOMAIN: ['nxdomain', 'ENOTFOUND'],
  SERVFAIL: ['servfail', 'ESERVFAIL'],
};
const NODATA: [DnsLookupError['failure'], string] = ['nodata', 'ENODATA'];

/**
 * The probes' DnsResolver over the SecureResolver's queries, answering what c-ares answers (records of the type,
 * CNAMEs followed, the same failure codes) and writing into `seen` what each answer section shows about aliases, so
 * a CNAME walk asks only for the hops no answer showed.
 */
export function answerResolver(secure: SecureResolver, seen: AliasesSeen): DnsResolver {
  const query = async (name: string, type: RrType) => {
    const answer = await secure.query(name, type, { dnssecOk: false });
    const chain = learn(seen, canonicalName(name), answer);
    const owned = answer.records.filter((r) => chain.includes(canonicalName(r.name)));
    if (owned.length > 0) return recordsOf(type, owned);
    const [failure, code] =
      FAILURE_BY_RCODE[answer.rcode] ?? (answer.rcode === 'NOERROR' ? NODATA : ['error', `E${answer.rcode}`]);
    throw new DnsLookupError(failure, { name, type }, code);
  };
  return query as DnsResolver;
}
