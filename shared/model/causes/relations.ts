/**
 * How cause families relate: which cause, seen on one probe, is the likely root of a cause seen on another probe
 * that shares a resource with it. Data beside the cause catalog; the correlator (shared/alert/correlate.ts)
 * reads it and has no cause-specific branches.
 *
 * Patterns are cause ids (`canary.placement.spam`) or families (`dnsbl.listed*` matches `dnsbl.listed` and
 * `dnsbl.listed.policy`). `rootChecks` narrows the root to checks whose id matches (`drift:dkim:*`).
 * `via` names the kinds of resource the two probes must share (see shared/alert/resources.ts).
 * `shared` relations describe one problem of the resource itself seen by many probes (a resolver, a certificate):
 * the resource is the root, and every member with a matching cause is explained by it.
 *
 * `says` is the sentence an incident leads with. Placeholders: {effect} (the explained finding), {root} (the root
 * finding), {delay} ("10 minutes after", or "at the same time as"), {rootAt} (time the root was first seen),
 * {resource} (the shared resource's value), {count} (probes explained), {rootTitle} (catalog title of the
 * root cause), {unchanged} ("; DKIM and SPF unchanged" when those checks of the explained probe still pass).
 */
export type ResourceKind = 'ip' | 'domain' | 'host' | 'dkim' | 'resolver' | 'mailbox' | 'cert' | 'probe';

export interface CauseRelation {
  id: string;
  cause: readonly string[];
  rootChecks?: readonly string[];
  explains: readonly string[];
  via: readonly ResourceKind[];
  /** Check ids of the explained probe that, still passing, rule other causes out (named in {unchanged}). */
  unchanged?: readonly string[];
  shared?: boolean;
  says: string;
}

const DELIVERY_SYMPTOMS = [
  'canary.placement.spam',
  'canary.delivery.missing',
  'canary.bounce*',
  'smtp.rcpt.rejected',
  'smtp.mail.rejected',
  'smtp.data.rejected',
] as const;

const NO_VERDICT = [
  'probe.coverage-gap',
  'probe.timeout',
  'dns.lookup.timeout',
  'dns.lookup.servfail',
  'dns.lookup.refused',
  'dns.lookup.error',
  'dnsbl.query*',
  'dnsbl.resolver*',
  'smtp.dns.unavailable',
] as const;

export const causeRelations: readonly CauseRelation[] = [
  {
    id: 'blocklisting-hurts-delivery',
    cause: ['dnsbl.listed*'],
    explains: DELIVERY_SYMPTOMS,
    via: ['ip', 'domain'],
    unchanged: ['auth.dkim', 'auth.spf'],
    says: '{effect} {delay} {root}{unchanged}',
  },
  {
    id: 'dkim-key-change-breaks-signatures',
    cause: ['dns.drift.changed', 'dns.dkim*', 'dns.expect.mismatch', 'dns.cname*'],
    rootChecks: ['drift:dkim:*', 'dkim*', 'expect:dkim:*', 'alias:dkim:*'],
    explains: ['canary.auth.dkim-fail', 'canary.auth.dmarc-fail', 'canary.placement.spam'],
    via: ['dkim', 'domain'],
    unchanged: ['auth.spf'],
    says: 'DKIM fails at the receiver since the dns probe saw {root} at {rootAt}{unchanged}',
  },
  {
    id: 'spf-change-breaks-authorisation',
    cause: ['dns.drift.changed', 'dns.spf*', 'dns.expect.mismatch'],
    rootChecks: ['drift:spf', 'spf*', 'expect:spf'],
    explains: ['canary.auth.spf-fail', 'canary.auth.dmarc-fail', 'canary.placement.spam'],
    via: ['domain'],
    unchanged: ['auth.dkim'],
    says: 'SPF fails at the receiver since the dns probe saw {root} at {rootAt}{unchanged}',
  },
  {
    id: 'mx-down-loses-canaries',
    cause: ['smtp.connect*', 'smtp.banner*', 'smtp.starttls*', 'smtp.tls*', 'smtp.session*', 'smtp.service*'],
    explains: [
      'canary.delivery.missing',
      'canary.bounce*',
      'canary.send.unreachable',
      'canary.send.starttls-unavailable',
    ],
    via: ['host'],
    says: '{effect} {delay} {root}',
  },
  {
    id: 'certificate-shared-by-endpoints',
    cause: ['smtp.tls*'],
    explains: ['smtp.tls*'],
    via: ['cert'],
    shared: true,
    says: 'TLS fails on {count} endpoints presenting the same certificate ({resource}): {rootTitle}',
  },
  {
    id: 'resolver-blinds-probes',
    cause: NO_VERDICT,
    explains: NO_VERDICT,
    via: ['resolver'],
    shared: true,
    says: '{count} probes cannot tell: the resolver {resource} fails ({rootTitle})',
  },
];

/** Whether a cause id matches a pattern: equal, or the pattern ends in `*` and the id starts with the rest. */
export function matchesPattern(id: string, pattern: string): boolean {
  return pattern.endsWith('*') ? id.startsWith(pattern.slice(0, -1)) : id === pattern;
}

export const matchesAny = (id: string, patterns: readonly string[]): boolean =>
  patterns.some((p) => matchesPattern(id, p));
