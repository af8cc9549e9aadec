import type { DnskeyAnswer } from 'dns-packet';
import { DnsLookupError } from '../../dns/resolver';
import { describeExtendedErrors, type SecureResolver, validationFailure } from '../../dns/secure-query';
import type { Check } from '../../model/result';
import type { Presence } from './config';
import { unknownCheck } from './lookup';

/**
 * RFC 8624 3.1: algorithms a zone must not sign with (RSAMD5, DSA, DSA-NSEC3-SHA1, ECC-GOST) and those it should not
 * (RSASHA1, RSASHA1-NSEC3-SHA1: validators increasingly treat them as insecure, RHEL 9 among them).
 */
const DEPRECATED_ALGORITHMS: Record<number, string> = {
  1: 'RSAMD5',
  3: 'DSA',
  5: 'RSASHA1',
  6: 'DSA-NSEC3-SHA1',
  7: 'RSASHA1-NSEC3-SHA1',
  12: 'ECC-GOST',
};

/**
 * The domain's DNSSEC state from a validating resolver: validated (AD), insecure (unsigned), or failing validation
 * (SERVFAIL that a checking-disabled query answers), with the validator's extended error. Undefined (no check) when
 * DNSSEC is optional and no validating resolver is configured.
 */
export async function checkDnssec(
  domain: string,
  mode: Presence,
  resolver: SecureResolver,
): Promise<Check | undefined> {
  const id = 'dnssec';
  if (mode === 'off') return undefined;
  if (!resolver.validating) {
    if (mode === 'optional') return undefined;
    return {
      id,
      status: 'unknown',
      cause: 'dns.dnssec.unverifiable',
      message: 'DNSSEC is required but no validating resolver is configured (resolver.validating is off)',
    };
  }
  let soa: Awaited<ReturnType<SecureResolver['query']>>;
  try {
    soa = await resolver.query(domain, 'SOA');
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
    return unknownCheck(id, err, 'DNSSEC state');
  }
  if (soa.rcode === 'SERVFAIL') {
    const failure = await validationFailure(resolver, domain, 'SOA');
    if (!failure) {
      return unknownCheck(
        id,
        new DnsLookupError('servfail', { name: domain, type: 'SOA' }, 'ESERVFAIL'),
        'DNSSEC state',
      );
    }
    return {
      id,
      status: 'fail',
      cause: 'dns.dnssec.bogus',
      message:
        `${domain} fails DNSSEC validation (${describeExtendedErrors(failure.errors)}); with checking disabled ` +
        `the resolver returns ${failure.behind}: validating receivers cannot resolve any of its records`,
      details: {
        extendedErrors: failure.errors.map((e) => ({ code: e.code, name: e.name, text: e.text })),
        behindCheckingDisabled: failure.behind,
      },
    };
  }
  if (!soa.authenticated) {
    return mode === 'required'
      ? {
          id,
          status: 'fail',
          cause: 'dns.dnssec.unsigned',
          message: `${domain} is not DNSSEC-signed (the validating resolver calls it insecure)`,
        }
      : {
          id,
          status: 'pass',
          message: `${domain} is not DNSSEC-signed (insecure): DANE and DNSSEC-dependent checks do not apply`,
          details: { dnssec: 'insecure' },
        };
  }
  let algorithms: number[] = [];
  try {
    const keys = await resolver.query(domain, 'DNSKEY');
    algorithms = [...new Set(keys.records.map((r) => (r as DnskeyAnswer).data.algorithm))];
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
  }
  const deprecated = algorithms.filter((a) => a in DEPRECATED_ALGORITHMS);
  if (deprecated.length > 0) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dnssec.deprecated-algorithm',
      message:
        `${domain} is signed with ${deprecated.map((a) => `${DEPRECATED_ALGORITHMS[a]} (${a})`).join(', ')}, which ` +
        'RFC 8624 deprecates: validators that drop it treat the zone as insecure or bogus',
      details: { dnssec: 'secure', algorithms },
    };
  }
  return {
    id,
    status: 'pass',
    message: `${domain} is DNSSEC-signed and validates (algorithm ${algorithms.join(', ') || 'unknown'})`,
    details: { dnssec: 'secure', algorithms },
  };
}
