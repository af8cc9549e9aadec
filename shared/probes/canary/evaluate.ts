import type { CauseId } from '../../model/causes/index';
import type { Check, JsonObject } from '../../model/result';
import { formatDuration } from '../../util/duration';
import { type ComplianceFacts, complianceChecks } from './compliance';
import type { CanaryOptions } from './config';
import type { DkimFailure, DkimSignature, Hop, Verdicts } from './ledger';

/** What was learned about one canary that arrived, from IMAP or from an inbound arrival record. */
export interface Arrival {
  token: string;
  sentAt: Date;
  arrivedAt: Date;
  placement: 'inbox' | 'spam';
  /** Folder name (IMAP) or the inbound source (`ses`, `receiver`). */
  where: string;
  /** The receiver's verdicts (Authentication-Results or SES's receipt verdicts). */
  receiver: Verdicts | undefined;
  /** mailauth's verdicts over the delivered bytes, when the raw message was available. */
  reverified?: Verdicts;
  /** The verifier's result per DKIM signature (domain, selector, why it failed), when it verified itself. */
  dkimSignatures?: DkimSignature[];
  /** What the bulk-sender rules judge, when the raw message was available. */
  compliance?: ComplianceFacts;
  hops: Hop[];
  extra?: JsonObject;
}

const MECHANISMS = ['spf', 'dkim', 'dmarc'] as const;
type Mechanism = (typeof MECHANISMS)[number];

const FAIL_CAUSE: Record<Mechanism, CauseId> = {
  spf: 'canary.auth.spf-fail',
  dkim: 'canary.auth.dkim-fail',
  dmarc: 'canary.auth.dmarc-fail',
};

const FAILING = new Set(['fail', 'softfail', 'permerror', 'policy', 'hardfail']);

const DKIM_FAILURE_CAUSE: Record<DkimFailure, CauseId> = {
  'key-missing': 'canary.dkim.key-missing',
  'key-mismatch': 'canary.dkim.key-mismatch',
  'body-hash': 'canary.dkim.body-hash',
  expired: 'canary.dkim.expired',
  'key-invalid': 'canary.dkim.key-invalid',
  'weak-key': 'canary.dkim.weak-key',
  'dns-error': 'canary.dkim.dns-error',
};

const DKIM_FAILURE_TEXT: Record<DkimFailure, (s: DkimSignature) => string> = {
  'key-missing': (s) => `no key published at ${s.selector ?? '?'}._domainkey.${s.domain}`,
  'key-mismatch': () => 'the published key does not verify the signature',
  'body-hash': () => 'the body was changed after signing (body hash mismatch)',
  expired: () => 'the signature has expired (x= in the past)',
  'key-invalid': (s) => `the key record is invalid (${s.comment ?? 'unparsable'})`,
  'weak-key': () => 'the key is shorter than 1024 bits',
  'dns-error': (s) => `the key lookup failed (${s.comment ?? 'DNS error'})`,
};

/**
 * The DKIM check when the verifier said why a signature failed: one cause per reason (each has its own fix), the
 * selector and domain named: the first signature that failed.
 */
function dkimReasonCheck(
  verdict: string,
  source: string,
  details: JsonObject,
  arrival: Arrival,
): Check | undefined {
  const failed = (arrival.dkimSignatures ?? []).filter((s) => s.failure);
  if (failed.length === 0) return undefined;
  const signature = failed[0] as DkimSignature;
  const failure = signature.failure as DkimFailure;
  const sig = `d=${signature.domain} s=${signature.selector ?? '?'}`;
  return {
    id: 'auth.dkim',
    status: 'fail',
    cause: DKIM_FAILURE_CAUSE[failure],
    message: `DKIM ${verdict} according to the ${source}: signature ${sig}: ${DKIM_FAILURE_TEXT[failure](signature)}`,
    details: {
      ...details,
      domain: signature.domain,
      ...(signature.selector ? { selector: signature.selector } : {}),
      failure,
      ...(signature.comment ? { verifierComment: signature.comment } : {}),
    },
  };
}

function authCheck(mechanism: Mechanism, arrival: Arrival): Check {
  const said = arrival.receiver?.[mechanism];
  const own = arrival.reverified?.[mechanism];
  const verdict = said ?? own ?? 'none';
  const source = said !== undefined ? 'receiver' : own !== undefined ? 'mailauth re-verification' : 'nobody';
  const details: JsonObject = { verdict, source };
  if (said !== undefined) details.receiver = said;
  if (own !== undefined) details.reverified = own;
  const disagree = said !== undefined && own !== undefined && said !== own ? ` (mailauth says ${own})` : '';
  const id = `auth.${mechanism}`;
  const name = mechanism.toUpperCase();
  if (verdict === 'pass') {
    return { id, status: 'pass', message: `${name} pass according to the ${source}${disagree}`, details };
  }
  if (mechanism === 'dkim') {
    const reasoned = dkimReasonCheck(verdict, source, details, arrival);
    if (reasoned) return reasoned;
  }
  if (FAILING.has(verdict)) {
    return {
      id,
      status: 'fail',
      cause: FAIL_CAUSE[mechanism],
      message: `${name} ${verdict} according to the ${source}${disagree}`,
      details,
    };
  }
  return {
    id,
    status: 'warn',
    cause: 'canary.auth.missing',
    message: `${name} ${verdict} according to the ${source}${disagree}`,
    details,
  };
}

/** The checks for a canary that arrived: arrival and latency, folder placement, SPF/DKIM/DMARC verdicts. */
export function arrivalChecks(arrival: Arrival, options: CanaryOptions): Check[] {
  const latencyMs = Math.max(0, arrival.arrivedAt.getTime() - arrival.sentAt.getTime());
  const hops = arrival.hops;
  const arrivalCheck: Check = {
    id: 'arrival',
    status: 'pass',
    message: `canary ${arrival.token} arrived (${arrival.where}) ${formatDuration(latencyMs)} after sending`,
    details: {
      token: arrival.token,
      sentAt: arrival.sentAt.toISOString(),
      arrivedAt: arrival.arrivedAt.toISOString(),
      latencyMs,
      hops: hops.map((h) => ({ ...h })),
      ...(arrival.extra ?? {}),
    },
  };
  const latency: Check =
    latencyMs > options.latencyWarn
      ? {
          id: 'latency',
          status: 'warn',
          cause: 'canary.delivery.slow',
          message: `delivery took ${formatDuration(latencyMs)}, over the ${formatDuration(options.latencyWarn)} threshold`,
          observed: latencyMs,
          expected: options.latencyWarn,
        }
      : {
          id: 'latency',
          status: 'pass',
          message: `delivery took ${formatDuration(latencyMs)}`,
          observed: latencyMs,
        };
  const placement: Check =
    arrival.placement === 'spam'
      ? {
          id: 'placement',
          status: 'fail',
          cause: 'canary.placement.spam',
          message: `canary filed as spam (${arrival.where})`,
          observed: arrival.where,
          expected: 'inbox',
        }
      : {
          id: 'placement',
          status: 'pass',
          message: `canary in the inbox (${arrival.where})`,
          observed: arrival.where,
        };
  const compliance =
    arrival.compliance && options.compliance.providers.length > 0
      ? complianceChecks(arrival.compliance, options.compliance)
      : [];
  return [arrivalCheck, latency, placement, ...MECHANISMS.map((m) => authCheck(m, arrival)), ...compliance];
}

/** The arrival check when the oldest due canary never arrived within the window. */
export function missingCheck(token: string, sentAt: Date, misses: number, windowMs: number): Check {
  return {
    id: 'arrival',
    status: misses >= 2 ? 'fail' : 'warn',
    cause: 'canary.delivery.missing',
    message:
      `canary ${token} sent ${sentAt.toISOString()} not seen within ${formatDuration(windowMs)}` +
      (misses >= 2 ? ` (${misses} consecutive misses)` : ' (first miss: soft failure)'),
    details: { token, sentAt: sentAt.toISOString(), consecutiveMisses: misses },
    // The first miss was the soft failure: the second is hard, and alerts at once.
    ...(misses >= 2 ? { hard: true } : {}),
  };
}
