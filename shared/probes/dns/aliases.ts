import type { AliasesSeen } from '../../dns/answer-resolver';
import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { aliasCheck, followAliases } from './cname';
import type { DnsOptions } from './config';
import { lookup } from './lookup';

/** The finding for one name the probe reads that is an alias, with the record check that reads it. */
export interface AliasFinding {
  check: Check;
  /** The id of the check of the record held at the name (`dkim:s1`, `mta-sts.policy`). */
  recordCheck: string;
}

interface AliasedName {
  /** The id of the check the name gets when it is an alias. */
  id: string;
  recordCheck: string;
  /** The record it holds, for the message. */
  what: string;
  name: string;
  /** The type its record check asks: the walk starts from that answer. */
  type: 'TXT' | 'A';
}

/** The names the probe reads that are commonly delegated by CNAME (to an email provider, an MTA-STS host). */
function aliasedNames(domain: string, selectors: string[], options: DnsOptions): AliasedName[] {
  const at = (id: string, recordCheck: string, what: string, name: string, type: 'TXT' | 'A' = 'TXT') => ({
    id,
    recordCheck,
    what: `${what} ${name}`,
    name,
    type,
  });
  return [
    ...selectors.map((s) => at(`alias:dkim:${s}`, `dkim:${s}`, 'DKIM key', `${s}._domainkey.${domain}`)),
    at('alias:dmarc', 'dmarc.record', 'DMARC record', `_dmarc.${domain}`),
    ...(options.mtaSts === 'off'
      ? []
      : [
          at('alias:mta-sts', 'mta-sts.record', 'MTA-STS record', `_mta-sts.${domain}`),
          at('alias:mta-sts.host', 'mta-sts.policy', 'MTA-STS policy host', `mta-sts.${domain}`, 'A'),
        ]),
    ...(options.tlsRpt === 'off'
      ? []
      : [at('alias:tls-rpt', 'tls-rpt', 'TLS-RPT record', `_smtp._tls.${domain}`)]),
    ...(options.bimi === 'off' ? [] : [at('alias:bimi', 'bimi', 'BIMI record', `default._bimi.${domain}`)]),
  ];
}

/**
 * Follows every DKIM selector, `_dmarc`, `_mta-sts`, `mta-sts`, `_smtp._tls` and `default._bimi` name the probe reads
 * along its CNAMEs; a finding for each that is an alias. The walk starts from the answer to the name's record query
 * (the record check's, when `resolve` caches), so only hops no answer showed are asked. MX hosts are judged by their
 * own MX host checks.
 */
export async function checkAliases(
  domain: string,
  selectors: string[],
  options: DnsOptions,
  resolve: DnsResolver,
  seen: AliasesSeen,
): Promise<AliasFinding[]> {
  const found = await Promise.all(
    aliasedNames(domain, selectors, options).map(async ({ id, recordCheck, what, name, type }) => {
      await lookup(resolve, name, type);
      const check = aliasCheck(id, what, await followAliases(name, resolve, seen));
      return check ? { check, recordCheck } : undefined;
    }),
  );
  return found.filter((f): f is AliasFinding => f !== undefined);
}

/**
 * Adds the alias findings to the checks. A dangling or looping alias that is why its record check failed (or got no
 * answer) is one finding, not two: that record check takes the alias's cause and chain, keeping its own id so its
 * history stays in one place. Every other alias finding (the chain of an alias that resolves, an overlong one, a
 * dangling alias behind a record that still passes, such as an optional one or a DMARC policy inherited from the
 * organisational domain) is a check of its own.
 */
export function withAliases(checks: Check[], findings: AliasFinding[]): Check[] {
  const explaining = new Map(
    findings.filter((f) => f.check.status === 'fail').map((f) => [f.recordCheck, f.check]),
  );
  const folded = new Set<string>();
  const merged = checks.map((c) => {
    const alias = explaining.get(c.id);
    if (!alias || (c.status !== 'fail' && c.status !== 'unknown')) return c;
    folded.add(alias.id);
    return {
      ...c,
      status: 'fail' as const,
      cause: alias.cause,
      message: `${c.message}: ${alias.message}`,
      observed: alias.observed ?? null,
      details: { ...(c.details ?? {}), alias: alias.details ?? null },
    };
  });
  return [...merged, ...findings.map((f) => f.check).filter((c) => !folded.has(c.id))];
}
