import type { Check } from '../../model/result';
import { clip } from './lookup';

/** What says a domain sends mail, besides its MX. */
export interface SendingEvidence {
  /** The domain's v=spf1 records (undefined when the lookup got no answer). */
  spf: string[] | undefined;
  dkimSelectors: string[];
  sendingIps: string[];
}

/**
 * Whether an SPF record can pass anyone: a mechanism with the `+` qualifier (written or implied) or a `redirect=`.
 * `v=spf1 -all`, the record of a domain that sends nothing, authorises no one.
 */
export function spfAuthorisesSenders(record: string): boolean {
  return record
    .trim()
    .split(/\s+/)
    .slice(1)
    .some((term) => {
      const lower = term.toLowerCase();
      if (lower.startsWith('redirect=')) return true;
      if (/^[a-z][a-z0-9_.-]*=/.test(lower)) return false; // exp= and unknown modifiers
      return !/^[-~?]/.test(lower);
    });
}

/** The reasons, one phrase each, to think the domain sends mail. */
function sendingReasons(evidence: SendingEvidence): string[] {
  const reasons: string[] = [];
  const authorising = (evidence.spf ?? []).find(spfAuthorisesSenders);
  if (authorising) reasons.push(`its SPF record authorises senders ("${clip(authorising, 120)}")`);
  if (evidence.dkimSelectors.length > 0) {
    reasons.push(`DKIM selectors are configured (${clip(evidence.dkimSelectors.join(', '), 120)})`);
  }
  if (evidence.sendingIps.length > 0) {
    reasons.push(`sending IPs are configured (${clip(evidence.sendingIps.join(', '), 120)})`);
  }
  return reasons;
}

/**
 * RFC 7505: a null MX says the domain accepts no mail. On a domain that sends, bounces cannot return and receivers
 * may reject its mail (550 5.7.27), so the passing null-MX check becomes a failure naming why the domain sends.
 */
export function judgeNullMx(mxCheck: Check, evidence: SendingEvidence): Check {
  const reasons = sendingReasons(evidence);
  if (mxCheck.status !== 'pass' || reasons.length === 0) return mxCheck;
  return {
    id: mxCheck.id,
    status: 'fail',
    cause: 'dns.mx.null-on-sender',
    message:
      `null MX (RFC 7505: the domain accepts no mail), yet the domain sends: ${reasons.join('; ')}. ` +
      'Bounces to it cannot be delivered, and receivers may reject its mail (550 5.7.27)',
    observed: '0 .',
    details: { reasons },
  };
}
