import { isIP } from 'node:net';
import type { AliasesSeen } from '../../dns/answer-resolver';
import { canonicalName, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { aliasCheck, followAliases, showChain } from './cname';
import { addresses, clip, mx, unknownCheck } from './lookup';

/** MX hosts checked one by one; a domain with more is unusual and the rest are only listed. */
const MAX_HOSTS = 20;

export interface MxFindings {
  checks: Check[];
  /** Hosts mail is delivered to (the implicit MX when there is no MX record); undefined when unknown. */
  hosts: string[] | undefined;
  nullMx: boolean;
  /** `<preference> <host>` per record, for drift and expectations; undefined when the lookup got no answer. */
  records: string[] | undefined;
}

/** MX: present, null MX (RFC 7505), implicit MX, and every host resolving to addresses (not a CNAME, not an IP). */
export async function checkMx(domain: string, resolve: DnsResolver, seen: AliasesSeen): Promise<MxFindings> {
  const found = await mx(resolve, domain);
  if (found.kind === 'unknown') {
    return {
      checks: [unknownCheck('mx', found.error, 'MX lookup')],
      hosts: undefined,
      nullMx: false,
      records: undefined,
    };
  }
  if (found.kind === 'none') return implicitMx(domain, resolve);

  const sorted = [...found.records].sort(
    (a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange),
  );
  const records = sorted.map((r) => `${r.priority} ${canonicalName(r.exchange) || '.'}`);
  const nulls = sorted.filter((r) => canonicalName(r.exchange) === '');
  if (nulls.length > 0) {
    const check: Check =
      sorted.length === 1 && sorted[0]?.priority === 0
        ? { id: 'mx', status: 'pass', message: 'null MX (RFC 7505): the domain declares it accepts no mail' }
        : {
            id: 'mx',
            status: 'fail',
            cause: 'dns.mx.null-mixed',
            message: `null MX published together with other MX records: ${clip(records.join(', '))}`,
            observed: records,
          };
    return { checks: [check], hosts: [], nullMx: true, records };
  }

  const hosts = [...new Set(sorted.map((r) => canonicalName(r.exchange)))];
  const checks: Check[] = [
    {
      id: 'mx',
      status: 'pass',
      message: `${sorted.length} MX record${sorted.length === 1 ? '' : 's'}: ${clip(records.join(', '))}`,
      observed: records,
      details: { preferences: [...new Set(sorted.map((r) => r.priority))] },
    },
  ];
  const checked = hosts.slice(0, MAX_HOSTS);
  checks.push(...(await Promise.all(checked.map((h) => checkHost(h, resolve, seen)))));
  if (hosts.length > MAX_HOSTS) {
    checks[0] = {
      ...(checks[0] as Check),
      message: `${checks[0]?.message} (first ${MAX_HOSTS} hosts checked)`,
    };
  }
  return { checks, hosts, nullMx: false, records };
}

async function implicitMx(domain: string, resolve: DnsResolver): Promise<MxFindings> {
  const [a, aaaa] = await Promise.all([addresses(resolve, domain, 'A'), addresses(resolve, domain, 'AAAA')]);
  const ips = [...(a.kind === 'records' ? a.records : []), ...(aaaa.kind === 'records' ? aaaa.records : [])];
  if (ips.length > 0) {
    return {
      checks: [
        {
          id: 'mx',
          status: 'warn',
          cause: 'dns.mx.implicit',
          message: `no MX record: senders fall back to the domain's own address (${clip(ips.join(', '), 120)})`,
          observed: ips,
        },
      ],
      hosts: [domain.toLowerCase()],
      nullMx: false,
      records: [],
    };
  }
  const unsure = a.kind === 'unknown' ? a : aaaa.kind === 'unknown' ? aaaa : undefined;
  if (unsure) {
    return {
      checks: [unknownCheck('mx', unsure.error, 'no MX record, and the implicit-MX address lookup')],
      hosts: undefined,
      nullMx: false,
      records: [],
    };
  }
  return {
    checks: [
      {
        id: 'mx',
        status: 'fail',
        cause: 'dns.mx.missing',
        message: `no MX record and no A/AAAA record for ${domain}: mail to it cannot be delivered`,
      },
    ],
    hosts: [],
    nullMx: false,
    records: [],
  };
}

async function checkHost(name: string, resolve: DnsResolver, seen: AliasesSeen): Promise<Check> {
  const id = `mx.host:${name}`;
  if (isIP(name)) {
    return {
      id,
      status: 'fail',
      cause: 'dns.mx.ip-literal',
      message: `MX points at the IP address ${name}, not a host name`,
    };
  }
  const [a, aaaa] = await Promise.all([addresses(resolve, name, 'A'), addresses(resolve, name, 'AAAA')]);
  // After the address queries, whose answers show the chain, so the walk asks only what they did not show.
  const chain = await followAliases(name, resolve, seen);
  if (chain.end === 'dangling' || chain.end === 'loop' || chain.end === 'too-long') {
    return aliasCheck(id, `MX host ${name}`, chain) as Check;
  }
  const ips = [...(a.kind === 'records' ? a.records : []), ...(aaaa.kind === 'records' ? aaaa.records : [])];
  if (ips.length === 0) {
    const unsure = [a, aaaa].find((l) => l.kind === 'unknown');
    if (unsure?.kind === 'unknown') return unknownCheck(id, unsure.error, `address of MX host ${name}`);
    return {
      id,
      status: 'fail',
      cause: 'dns.mx.host-unresolvable',
      message: `MX host ${name} has no A or AAAA record: senders cannot connect to it`,
    };
  }
  if (chain.names.length > 1) {
    return {
      id,
      status: 'warn',
      cause: 'dns.mx.cname',
      message: `MX host ${name} is an alias (${showChain(chain)}); RFC 5321 5.1 and RFC 2181 10.3 require the MX to name the host itself`,
      observed: showChain(chain),
      details: { addresses: ips.slice(0, 20), chain: chain.names.slice(0, 10).map((n) => clip(n, 255)) },
    };
  }
  return { id, status: 'pass', message: `${name} resolves to ${clip(ips.join(', '), 200)}`, observed: ips };
}
