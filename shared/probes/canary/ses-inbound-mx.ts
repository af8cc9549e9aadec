import { canonicalName, DnsLookupError, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { oneLine } from './text';

/** Where SES receives mail in a region: the MX every canary domain received by SES inbound must name. */
export function sesInboundHost(region: string): string {
  return `inbound-smtp.${region}.amazonaws.com`;
}

/**
 * Does `domain` send its mail to SES inbound in `region`? pass: the most preferred MX is SES's; warn: SES is an MX
 * but a more preferred host gets the mail first (canaries only reach SES when it is down); fail: SES is not an MX
 * (or the domain has none); unknown: the lookup itself failed.
 */
export async function checkSesInboundMx(
  domain: string,
  region: string,
  resolve: DnsResolver,
): Promise<Check> {
  const expected = sesInboundHost(region);
  const id = `mx:${domain}`;
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolve(domain, 'MX');
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
    if (!err.isAnswer)
      return {
        id,
        status: 'unknown',
        cause: 'canary.ses.inbound-mx',
        message: `MX ${domain}: ${err.message}`,
      };
    records = [];
  }
  const sorted = [...records].sort((a, b) => a.priority - b.priority);
  const shown = sorted.map((r) => `${r.priority} ${oneLine(r.exchange).slice(0, 255)}`).join(', ') || 'none';
  const details = { expected, observed: shown };
  const best = sorted[0];
  if (best && canonicalName(best.exchange) === expected)
    return { id, status: 'pass', message: `${domain} MX ${shown}: SES inbound in ${region}`, details };
  if (sorted.some((r) => canonicalName(r.exchange) === expected))
    return {
      id,
      status: 'warn',
      cause: 'canary.ses.inbound-mx',
      message: `${domain} MX ${shown}: ${expected} is not the most preferred, SES receives canaries only as a fallback`,
      details,
    };
  return {
    id,
    status: 'fail',
    cause: 'canary.ses.inbound-mx',
    message: `${domain} MX ${shown}: not ${expected}, SES inbound never sees the canaries`,
    details,
  };
}
