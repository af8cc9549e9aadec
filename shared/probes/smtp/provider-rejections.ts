import type { CauseId } from '../../model/causes/index';
import type { JsonObject } from '../../model/result';
import { catalogZone } from '../dnsbl/zones';

/** The parts of an SMTP reply a provider rejection is recognised by. */
export interface RejectionReply {
  code: number;
  enhanced?: string;
  text: string;
}

export interface ProviderRejection {
  cause: CauseId;
  provider: 'gmail' | 'microsoft' | 'yahoo' | 'blocklist';
  details: JsonObject;
}

interface Rule {
  provider: ProviderRejection['provider'];
  cause: CauseId;
  /** Enhanced status codes the provider uses for it. */
  enhanced?: readonly string[];
  /** Words of the provider's published text (a reply without the code must carry them). */
  words?: RegExp;
  /** Both must match when both are given. */
  both?: boolean;
}

const GMAIL = /google\.com|gsmtp|gmail|support\.google/i;

/**
 * Published rejection texts, most specific first (see the `source` of each cause in
 * shared/model/causes/provider.ts). Gmail's x.7.2x codes are unique to it; the generic 5.7.1 is Gmail's only
 * with its own words.
 */
const RULES: readonly Rule[] = [
  { provider: 'gmail', cause: 'provider.gmail.spf', enhanced: ['4.7.27', '5.7.27'] },
  { provider: 'gmail', cause: 'provider.gmail.dkim', enhanced: ['4.7.30', '5.7.30'] },
  { provider: 'gmail', cause: 'provider.gmail.dmarc-missing', enhanced: ['4.7.31', '4.7.40', '5.7.40'] },
  { provider: 'gmail', cause: 'provider.gmail.alignment', enhanced: ['4.7.32', '5.7.32'] },
  { provider: 'gmail', cause: 'provider.gmail.unauthenticated', enhanced: ['4.7.26', '5.7.26'] },
  { provider: 'gmail', cause: 'provider.gmail.ptr', enhanced: ['4.7.23', '4.7.25', '5.7.25'] },
  { provider: 'gmail', cause: 'provider.gmail.tls', enhanced: ['4.7.29', '5.7.29'] },
  { provider: 'gmail', cause: 'provider.gmail.rate-limited', enhanced: ['4.7.28'] },
  {
    provider: 'gmail',
    cause: 'provider.gmail.rate-limited',
    enhanced: ['4.7.0'],
    words: /unusual rate of unsolicited|rate limited/i,
    both: true,
  },
  {
    provider: 'gmail',
    cause: 'provider.gmail.unsolicited',
    enhanced: ['5.7.1'],
    words: /likely unsolicited mail/i,
    both: true,
  },
  { provider: 'microsoft', cause: 'provider.microsoft.auth-required', enhanced: ['5.7.515'] },
  {
    provider: 'microsoft',
    cause: 'provider.microsoft.banned-ip',
    words: /banned sending IP|\(S3140\)|\(S3150\)|part of their network is on our block list/i,
  },
  { provider: 'microsoft', cause: 'provider.microsoft.rate-limited', enhanced: ['4.7.650', '4.7.500'] },
  { provider: 'yahoo', cause: 'provider.yahoo.deferred', words: /\[TSS0[4-9]\]/ },
  { provider: 'yahoo', cause: 'provider.yahoo.blocked-ip', words: /\[BL2[1-3]\]/ },
  {
    provider: 'yahoo',
    cause: 'provider.yahoo.unauthenticated',
    enhanced: ['5.7.9'],
    words: /yahoo|not accepted for policy reasons|sender is unauthenticated/i,
    both: true,
  },
];

/** "blocked using zen.spamhaus.org", "listed in bl.spamcop.net", "on Spamhaus's list", "listed at b.barracudacentral.org". */
const BLOCKLIST =
  /\b(?:blocked using|listed (?:in|at|on|by)|found (?:in|on)|rejected by|see)\s+(?:the\s+)?([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+\.[a-z]{2,})/i;
const MICROSOFT_BANNED_RANGE = /^5\.7\.6(0[6-9]|[1-4]\d)$/;

function blocklisted(reply: RejectionReply): ProviderRejection | undefined {
  // The pattern ends in a letter: the zone has no final dot to strip.
  const zone = BLOCKLIST.exec(reply.text)?.[1]?.toLowerCase();
  if (!zone || !/bl|spam|rbl|black|block|dnsbl|abuse|barracuda|uribl|surbl/i.test(zone)) return undefined;
  const known = catalogZone(zone)?.spec;
  return {
    cause: 'provider.blocklist',
    provider: 'blocklist',
    details: {
      list: zone,
      ...(known?.label ? { listName: known.label } : {}),
      ...(known?.delistUrl ? { delistUrl: known.delistUrl } : {}),
      ...(known?.infoUrl ? { infoUrl: known.infoUrl } : {}),
      checkWith: `mailprobe dnsbl-sweep <sending ip> (the dnsbl probe${known ? ` knows ${zone}` : ''})`,
    },
  };
}

/**
 * The provider meaning of a rejection reply (Gmail, Microsoft, Yahoo, or a blocklist the text names), or undefined
 * for a reply no provider documents. Codes unique to one provider match on the code; shared codes (5.7.1, 4.7.0)
 * only with the provider's words.
 */
export function providerRejection(reply: RejectionReply): ProviderRejection | undefined {
  if (reply.code < 400) return undefined;
  const enhanced = reply.enhanced ?? /\b([45]\.\d{1,3}\.\d{1,3})\b/.exec(reply.text)?.[1];
  for (const rule of RULES) {
    const codeOk = rule.enhanced ? enhanced !== undefined && rule.enhanced.includes(enhanced) : undefined;
    const wordsOk = rule.words ? rule.words.test(reply.text) : undefined;
    const matched = rule.both ? codeOk && wordsOk : (codeOk ?? false) || (wordsOk ?? false);
    if (!matched) continue;
    // Gmail's shared-looking codes are only Gmail's when the reply comes from Google.
    if (rule.provider === 'gmail' && rule.both && !GMAIL.test(reply.text)) continue;
    return {
      cause: rule.cause,
      provider: rule.provider,
      details: { provider: rule.provider, ...(enhanced ? { enhanced } : {}) },
    };
  }
  if (enhanced && MICROSOFT_BANNED_RANGE.test(enhanced)) {
    return {
      cause: 'provider.microsoft.banned-ip',
      provider: 'microsoft',
      details: { provider: 'microsoft', enhanced },
    };
  }
  return blocklisted(reply);
}
