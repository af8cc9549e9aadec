import { isIPv4 } from 'node:net';
import type { CauseId } from '../../model/causes/index';
import type { Check } from '../../model/result';
import { type Header, headerValues } from './headers';
import type { DkimSignature, Verdicts } from './ledger';

/** The providers whose bulk-sender rules are judged: Gmail and Yahoo (since 2024), Outlook.com (since May 2025). */
const COMPLIANCE_PROVIDERS = ['gmail', 'yahoo', 'outlook'] as const;
export type ComplianceProvider = (typeof COMPLIANCE_PROVIDERS)[number];

/** What was observed of one delivered canary, as the rules need it. */
export interface ComplianceFacts {
  verdicts: Verdicts;
  dkim: DkimSignature[];
  /** The From domain of the canary (DKIM d= alignment, relaxed). */
  fromDomain: string;
  fromCount: number;
  messageId: string | undefined;
  /** The address that handed the canary to the receiver, and whether its PTR name resolves back to it. */
  deliveringIp?: string;
  fcrdns?: { ptr?: string; confirmed: boolean };
  /** Whether the receiver's own Received header says the hop came in over TLS (ESMTPS, "using TLS"). */
  tlsInbound: boolean | undefined;
  listUnsubscribe: string | undefined;
  listUnsubscribePost: string | undefined;
}

interface Rule {
  id: string;
  cause: CauseId;
  /** Which providers require it, and for bulk streams only. */
  providers: readonly ComplianceProvider[];
  bulkOnly?: boolean;
  /** The rule as the providers state it, for the message. */
  rule: string;
  /** undefined: could not be judged (no data). */
  judge(f: ComplianceFacts): { ok: boolean; observed: string } | undefined;
}

const aligned = (d: string, from: string) => d === from || from.endsWith(`.${d}`) || d.endsWith(`.${from}`);
const passingDkim = (f: ComplianceFacts) => f.dkim.filter((s) => s.result === 'pass');

const RULES: readonly Rule[] = [
  {
    id: 'spf',
    cause: 'canary.compliance.spf',
    providers: ['gmail', 'yahoo', 'outlook'],
    rule: 'SPF must pass',
    judge: (f) =>
      f.verdicts.spf ? { ok: f.verdicts.spf === 'pass', observed: `spf=${f.verdicts.spf}` } : undefined,
  },
  {
    id: 'dkim',
    cause: 'canary.compliance.dkim',
    providers: ['gmail', 'yahoo', 'outlook'],
    rule: 'DKIM must pass',
    judge: (f) =>
      f.verdicts.dkim ? { ok: f.verdicts.dkim === 'pass', observed: `dkim=${f.verdicts.dkim}` } : undefined,
  },
  {
    id: 'dmarc',
    cause: 'canary.compliance.dmarc',
    providers: ['gmail', 'yahoo', 'outlook'],
    rule: 'DMARC must pass with SPF or DKIM aligned to the From domain (policy p=none at least)',
    judge: (f) =>
      f.verdicts.dmarc
        ? { ok: f.verdicts.dmarc === 'pass', observed: `dmarc=${f.verdicts.dmarc}` }
        : undefined,
  },
  {
    id: 'dkim-key',
    cause: 'canary.compliance.dkim-key',
    providers: ['gmail', 'yahoo', 'outlook'],
    rule: 'the DKIM key must have at least 1024 bits',
    judge: (f) => {
      const sizes = passingDkim(f)
        .map((s) => s.bits)
        .filter((b): b is number => typeof b === 'number');
      if (sizes.length === 0) return undefined;
      const best = Math.max(...sizes);
      return { ok: best >= 1024, observed: `${best}-bit key` };
    },
  },
  {
    id: 'fcrdns',
    cause: 'canary.compliance.fcrdns',
    providers: ['gmail', 'yahoo'],
    rule: 'the sending IP must have a PTR record whose name resolves back to it (forward-confirmed reverse DNS)',
    judge: (f) =>
      f.deliveringIp && f.fcrdns
        ? {
            ok: f.fcrdns.confirmed,
            observed: f.fcrdns.ptr
              ? `${f.deliveringIp} -> ${f.fcrdns.ptr}${f.fcrdns.confirmed ? '' : ', which does not resolve back'}`
              : `${f.deliveringIp} has no PTR record`,
          }
        : undefined,
  },
  {
    id: 'tls',
    cause: 'canary.compliance.tls',
    providers: ['gmail'],
    rule: 'the message must reach the receiver over TLS',
    judge: (f) =>
      f.tlsInbound === undefined
        ? undefined
        : { ok: f.tlsInbound, observed: f.tlsInbound ? 'received with TLS' : 'received in plaintext' },
  },
  {
    id: 'rfc5322',
    cause: 'canary.compliance.rfc5322',
    providers: ['gmail', 'yahoo', 'outlook'],
    rule: 'the message must follow RFC 5322: exactly one From address and a valid Message-ID',
    judge: (f) => {
      const idOk = f.messageId !== undefined && /^<[^<>@\s]+@[^<>@\s]+>$/.test(f.messageId.trim());
      const ok = f.fromCount === 1 && idOk;
      return {
        ok,
        observed: `${f.fromCount} From address(es), Message-ID ${idOk ? 'valid' : 'missing or invalid'}`,
      };
    },
  },
  {
    id: 'one-click',
    cause: 'canary.compliance.one-click',
    providers: ['gmail', 'yahoo', 'outlook'],
    bulkOnly: true,
    rule:
      'bulk mail must offer one-click unsubscribe (RFC 8058): List-Unsubscribe with an https URI and ' +
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click, both covered by the DKIM signature',
    judge: (f) => {
      const https = /<https:\/\/[^>]+>/i.test(f.listUnsubscribe ?? '');
      const post = /^\s*List-Unsubscribe=One-Click\s*$/i.test(f.listUnsubscribePost ?? '');
      const signed = passingDkim(f).some(
        (s) =>
          aligned(s.domain, f.fromDomain) &&
          (s.signedHeaders ?? []).includes('list-unsubscribe') &&
          (s.signedHeaders ?? []).includes('list-unsubscribe-post'),
      );
      const missing = [
        ...(https ? [] : ['List-Unsubscribe with an https URI']),
        ...(post ? [] : ['List-Unsubscribe-Post: List-Unsubscribe=One-Click']),
        ...(https && post && !signed ? ['both headers covered by a passing, aligned DKIM signature'] : []),
      ];
      return {
        ok: missing.length === 0,
        observed: missing.length ? `missing: ${missing.join('; ')}` : 'one-click ready',
      };
    },
  },
];

/**
 * The bulk-sender verdict of one delivered canary: each rule missed is its own check citing the rule and the
 * providers requiring it, and one `compliance` check gives the verdict per provider (pass, fail, or unknown where
 * a rule could not be judged).
 */
export function complianceChecks(
  facts: ComplianceFacts,
  options: { providers: readonly ComplianceProvider[]; bulk: boolean },
): Check[] {
  const checks: Check[] = [];
  const perProvider: Record<string, string> = {};
  const missed: Record<string, string[]> = {};
  const unjudged: Record<string, string[]> = {};
  for (const provider of options.providers) {
    perProvider[provider] = 'pass';
    missed[provider] = [];
    unjudged[provider] = [];
  }
  for (const rule of RULES) {
    if (rule.bulkOnly && !options.bulk) continue;
    const providers = rule.providers.filter((p) => options.providers.includes(p));
    if (providers.length === 0) continue;
    const verdict = rule.judge(facts);
    if (!verdict) {
      for (const p of providers) unjudged[p]?.push(rule.id);
      continue;
    }
    if (verdict.ok) continue;
    for (const p of providers) missed[p]?.push(rule.id);
    checks.push({
      id: `compliance.${rule.id}`,
      status: 'fail',
      cause: rule.cause,
      message: `bulk-sender rule of ${providers.map(name).join(', ')}: ${rule.rule}; observed ${verdict.observed}`,
      observed: verdict.observed,
      details: { rule: rule.rule, providers: [...providers] },
    });
  }
  for (const p of options.providers) {
    perProvider[p] =
      (missed[p]?.length ?? 0) > 0 ? 'fail' : (unjudged[p]?.length ?? 0) > 0 ? 'unknown' : 'pass';
  }
  const failing = options.providers.filter((p) => perProvider[p] === 'fail');
  const summary = options.providers.map((p) => `${name(p)} ${perProvider[p]}`).join(', ');
  checks.unshift({
    id: 'compliance',
    status: failing.length > 0 ? 'fail' : 'pass',
    ...(failing.length > 0 ? { cause: 'canary.compliance.verdict' as CauseId } : {}),
    message: `bulk-sender requirements${options.bulk ? ' (bulk stream)' : ''}: ${summary}`,
    details: {
      perProvider,
      missed: Object.fromEntries(Object.entries(missed).filter(([, v]) => v.length > 0)),
      notJudged: Object.fromEntries(Object.entries(unjudged).filter(([, v]) => v.length > 0)),
    },
  });
  return checks;
}

function name(p: ComplianceProvider): string {
  return p === 'gmail' ? 'Gmail' : p === 'yahoo' ? 'Yahoo' : 'Outlook.com';
}

/** A mailauth-style resolver: the canary's own DNS servers. */
type Resolve = (name: string, type: string) => Promise<unknown>;

/** PTR of an IPv4 address and whether one of its names resolves back to it; undefined when DNS could not tell. */
async function forwardConfirmed(ip: string, resolve: Resolve): Promise<ComplianceFacts['fcrdns']> {
  if (!isIPv4(ip)) return undefined;
  const reverse = `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  let names: string[];
  try {
    names = ((await resolve(reverse, 'PTR')) as string[]).slice(0, 5);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOTFOUND' || code === 'ENODATA' ? { confirmed: false } : undefined;
  }
  for (const name of names) {
    const addresses = (await resolve(name, 'A').catch(() => [])) as string[];
    if (addresses.includes(ip)) return { ptr: name, confirmed: true };
  }
  return names[0] ? { ptr: names[0], confirmed: false } : { confirmed: false };
}

/** The facts the rules judge, from the delivered message, the verifier's results and the canary's resolver. */
export async function gatherComplianceFacts(
  headers: Header[],
  verdicts: Verdicts,
  dkim: DkimSignature[],
  deliveringIp: string | undefined,
  resolve: Resolve,
): Promise<ComplianceFacts> {
  const from = headerValues(headers, 'from');
  const addresses = (from[0] ?? '').match(/[^\s<>",;:]+@[^\s<>",;]+/g) ?? [];
  const fromDomain = (addresses[0]?.split('@').pop() ?? '').toLowerCase().replace(/[>.]+$/, '');
  // The receiver's Received header for the hop from the delivering IP says whether it came in over TLS (later
  // headers are the receiver's internal hops, e.g. LMTP).
  const received = headerValues(headers, 'received');
  const inbound = (deliveringIp && received.find((r) => r.includes(`[${deliveringIp}]`))) || received[0];
  const tlsInbound =
    inbound === undefined ? undefined : /\bwith E?SMTPSA?\b|using TLS|version=TLS/i.test(inbound);
  const fcrdns = deliveringIp ? await forwardConfirmed(deliveringIp, resolve) : undefined;
  return {
    verdicts,
    dkim,
    fromDomain,
    fromCount: from.length === 1 ? addresses.length : from.length,
    messageId: headerValues(headers, 'message-id')[0],
    ...(deliveringIp ? { deliveringIp } : {}),
    ...(fcrdns ? { fcrdns } : {}),
    tlsInbound,
    listUnsubscribe: headerValues(headers, 'list-unsubscribe')[0],
    listUnsubscribePost: headerValues(headers, 'list-unsubscribe-post')[0],
  };
}
