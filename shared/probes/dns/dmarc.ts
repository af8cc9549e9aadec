import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { isDmarc, pslOrgDomain, type TreeWalk, treeWalk, type WalkStep } from './dmarc-discovery';
import { clip, tagList, txt, unknownCheck } from './lookup';

/** Report destinations checked for authorisation; a record listing more is unusual and the rest are skipped. */
const MAX_REPORT_URIS = 10;
const POLICIES = ['none', 'quarantine', 'reject'] as const;
type Policy = (typeof POLICIES)[number];

/** Tags RFC 9989 defines; RFC 7489's `pct`, `rf` and `ri` are listed apart, as removed. */
const KNOWN_TAGS = ['v', 'p', 'sp', 'np', 'psd', 't', 'adkim', 'aspf', 'rua', 'ruf', 'fo'] as const;
const REMOVED_TAGS: Record<string, string> = {
  pct: 'RFC 9989 receivers ignore it and apply the whole policy (t=y replaces pct=0)',
  rf: 'failure reports have a single format now, so it is ignored',
  ri: 'aggregate reports come daily whatever it asks',
};

export interface DmarcFindings {
  checks: Check[];
  /** The v=DMARC1 records at `_dmarc.<domain>`, for drift and expectations; undefined when unknown. */
  records: string[] | undefined;
}

export interface DmarcRecord {
  p: Policy;
  sp: Policy | undefined;
  np: Policy | undefined;
  /** RFC 7489 only: RFC 9989 removed it, but receivers that still follow RFC 7489 sample by it. */
  pct: number;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  t: 'y' | 'n' | undefined;
  psd: 'y' | 'n' | 'u' | undefined;
  rua: string[];
  ruf: string[];
  /** Tags of RFC 7489 that RFC 9989 removed (pct, rf, ri), as written. */
  removedTags: string[];
  /** Tags neither RFC defines (ignored by receivers; often a misspelling). */
  unknownTags: string[];
}

/** Parses a DMARC record (RFC 9989, with RFC 7489's pct kept for the receivers that still apply it). */
export function parseDmarc(record: string): { record: DmarcRecord } | { errors: string[] } {
  const { tags, order, malformed } = tagList(record);
  const errors = malformed.map((m) => `malformed tag "${clip(m, 40)}"`);
  if (order[0] !== 'v') errors.push('"v=DMARC1" must be the first tag');
  const policy = (tag: string, required: boolean): Policy | undefined => {
    const value = tags.get(tag)?.toLowerCase();
    if (value === undefined) {
      if (required) errors.push(`"${tag}=" is missing`);
      return undefined;
    }
    if (!(POLICIES as readonly string[]).includes(value))
      errors.push(`"${tag}=${clip(value, 20)}" is not none/quarantine/reject`);
    return value as Policy;
  };
  const oneOf = <T extends string>(tag: string, allowed: readonly T[]): T | undefined => {
    const value = tags.get(tag)?.toLowerCase();
    if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
      errors.push(`"${tag}=${clip(value, 20)}" must be one of ${allowed.join('/')}`);
    }
    return value as T | undefined;
  };
  const p = policy('p', true);
  const sp = policy('sp', false);
  const np = policy('np', false);
  const pctText = tags.get('pct');
  if (pctText !== undefined && !/^(100|[1-9]?\d)$/.test(pctText))
    errors.push(`"pct=${clip(pctText, 20)}" is not 0-100`);
  const adkim = oneOf('adkim', ['r', 's'] as const) ?? 'r';
  const aspf = oneOf('aspf', ['r', 's'] as const) ?? 'r';
  const t = oneOf('t', ['y', 'n'] as const);
  const psd = oneOf('psd', ['y', 'n', 'u'] as const);
  const uris = (tag: string) =>
    (tags.get(tag) ?? '')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '');
  const names = [...new Set(order)];
  if (errors.length > 0 || p === undefined) return { errors };
  return {
    record: {
      p,
      sp,
      np,
      pct: pctText === undefined ? 100 : Number(pctText),
      adkim,
      aspf,
      t,
      psd,
      rua: uris('rua'),
      ruf: uris('ruf'),
      removedTags: names.filter((n) => n in REMOVED_TAGS),
      unknownTags: names.filter(
        (n) => !(KNOWN_TAGS as readonly string[]).includes(n) && !(n in REMOVED_TAGS),
      ),
    },
  };
}

/**
 * DMARC per RFC 9989 (policy discovery and the organisational domain by DNS tree walk; np, psd and t), with the
 * RFC 7489 reading (Public Suffix List, pct) compared where receivers still follow it. Each check's details name
 * the RFC section it follows.
 */
export async function checkDmarc(domain: string, resolve: DnsResolver): Promise<DmarcFindings> {
  const name = `_dmarc.${domain}`;
  const walk = await treeWalk(domain, resolve);
  const own = walk.steps[0] as WalkStep;
  if (own.kind === 'unknown') {
    return { checks: [unknownCheck('dmarc.record', own.error, 'DMARC record')], records: undefined };
  }
  if (own.kind === 'multiple') {
    return {
      checks: [
        {
          id: 'dmarc.record',
          status: 'fail',
          cause: 'dns.dmarc.multiple',
          message: `${own.records.length} DMARC records at ${name}: receivers then apply no DMARC policy at all`,
          observed: own.records.map((r) => clip(r)),
        },
      ],
      records: own.records,
    };
  }
  const records = own.kind === 'record' ? [own.record] : [];
  if (walk.blockedBy) {
    return {
      checks: [unknownCheck('dmarc.record', walk.blockedBy, 'DMARC policy discovery (tree walk)')],
      records,
    };
  }
  const policy = walk.policy;
  if (!policy) {
    const skipped = walk.steps.filter((s) => s.kind === 'multiple').map((s) => `_dmarc.${s.domain}`);
    return {
      checks: [
        {
          id: 'dmarc.record',
          status: 'fail',
          cause: 'dns.dmarc.missing',
          message:
            `no DMARC record at ${name} nor at any parent domain (RFC 9989 tree walk over ` +
            `${walk.steps.length} names)` +
            (skipped.length > 0 ? `; ${skipped.join(', ')} hold several records and count as none` : ''),
          details: { walked: walk.steps.map((s) => s.domain), follows: 'RFC 9989 4.10.1' },
        },
      ],
      records,
    };
  }
  const policyDomain = policy.domain;
  const parsed = parseDmarc(policy.record);
  if ('errors' in parsed) {
    return {
      checks: [
        {
          id: 'dmarc.record',
          status: 'fail',
          cause: 'dns.dmarc.invalid',
          message: `invalid DMARC record at _dmarc.${policyDomain}: ${clip(parsed.errors.join('; '), 400)}`,
          observed: clip(policy.record),
        },
      ],
      records,
    };
  }
  const rec = parsed.record;
  const inherited = policyDomain !== domain;
  const checks: Check[] = [
    {
      id: 'dmarc.record',
      status: 'pass',
      message: inherited
        ? `no record at ${name}; the record of ${policyDomain} applies: ${clip(policy.record)}`
        : clip(policy.record),
      details: { policyDomain, orgDomain: walk.orgDomain, follows: 'RFC 9989 4.10.1' },
    },
    await discoveryCheck(domain, walk, resolve),
    tagsCheck(domain, policyDomain, rec),
    policyCheck(rec, inherited, policy.psd === 'y'),
    rolloutCheck(rec),
    {
      id: 'dmarc.alignment',
      status: 'pass',
      message:
        `DKIM alignment ${rec.adkim === 's' ? 'strict' : 'relaxed'}, SPF alignment ` +
        `${rec.aspf === 's' ? 'strict' : 'relaxed'}; organisational domain ${walk.orgDomain} (${walk.orgReason})`,
      details: { adkim: rec.adkim, aspf: rec.aspf, orgDomain: walk.orgDomain, follows: 'RFC 9989 4.10.2' },
    },
    await reportsCheck(policyDomain, walk.orgDomain, rec, resolve),
  ];
  return { checks, records };
}

/**
 * Where RFC 7489 receivers (Public Suffix List) and RFC 9989 receivers (tree walk) disagree: on the record that
 * applies, or on the organisational domain that relaxed alignment compares.
 */
async function discoveryCheck(domain: string, walk: TreeWalk, resolve: DnsResolver): Promise<Check> {
  const id = 'dmarc.discovery';
  const psl = pslOrgDomain(domain);
  const policyDomain = (walk.policy as NonNullable<TreeWalk['policy']>).domain;
  let legacy: string | undefined = walk.steps[0]?.kind === 'record' ? domain : undefined;
  if (legacy === undefined && psl !== domain) {
    // The walk usually queried the PSL's organisational domain already; it stops early only at psd=n.
    const walked = walk.steps.find((s) => s.domain === psl);
    if (walked) {
      if (walked.kind === 'unknown')
        return unknownCheck(id, walked.error, 'RFC 7489 organisational-domain record');
      if (walked.kind === 'record') legacy = psl;
    } else {
      const found = await txt(resolve, `_dmarc.${psl}`);
      if (found.kind === 'unknown')
        return unknownCheck(id, found.error, 'RFC 7489 organisational-domain record');
      if (found.kind === 'records' && found.records.filter(isDmarc).length === 1) legacy = psl;
    }
  }
  const details = {
    rfc9989: { policyDomain, orgDomain: walk.orgDomain },
    rfc7489: { policyDomain: legacy ?? null, orgDomain: psl },
  };
  if (legacy !== policyDomain) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.discovery-differs',
      message:
        `RFC 9989 receivers apply the record at _dmarc.${policyDomain} (tree walk); RFC 7489 receivers ` +
        (legacy ? `apply _dmarc.${legacy}` : `find none (they look only at ${domain} and ${psl})`),
      details,
    };
  }
  if (walk.orgDomain !== psl) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.org-domain-differs',
      message:
        `organisational domain is ${walk.orgDomain} for RFC 9989 receivers (${walk.orgReason}) but ${psl} for ` +
        'RFC 7489 receivers (Public Suffix List): relaxed alignment can pass for one and fail for the other',
      details,
    };
  }
  return {
    id,
    status: 'pass',
    message: `RFC 9989 and RFC 7489 agree: record at _dmarc.${policyDomain}, organisational domain ${psl}`,
    details,
  };
}

/** Tags RFC 9989 removed or never defined (misspellings), and psd=y on a domain that is not a public suffix. */
function tagsCheck(domain: string, policyDomain: string, rec: DmarcRecord): Check {
  const id = 'dmarc.tags';
  const details = {
    removed: rec.removedTags,
    unknown: rec.unknownTags.map((t) => clip(t, 20)),
    follows: 'RFC 9989',
  };
  if (rec.psd === 'y' && policyDomain === domain && domain.includes('.')) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.psd-misuse',
      message:
        `psd=y declares ${domain} a public suffix: each subdomain becomes its own organisational domain, so ` +
        `mail from a subdomain that is signed or sent as ${domain} no longer aligns`,
      details,
    };
  }
  if (rec.unknownTags.length > 0) {
    const named = rec.unknownTags.map((t) => {
      const near = KNOWN_TAGS.find((k) => editDistance(k, t) === 1);
      return near ? `"${clip(t, 20)}" (did you mean "${near}"?)` : `"${clip(t, 20)}"`;
    });
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.unknown-tag',
      message: `unknown tag ${named.join(', ')}: receivers ignore it`,
      details,
    };
  }
  if (rec.removedTags.length > 0) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.removed-tag',
      message: rec.removedTags.map((t) => `"${t}" was removed by RFC 9989: ${REMOVED_TAGS[t]}`).join('; '),
      details,
    };
  }
  return { id, status: 'pass', message: 'every tag is one RFC 9989 defines', details };
}

/** Levenshtein distance of two short tag names. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** RFC 9989 4.7: p for the domain itself, sp for its subdomains, np for non-existent ones (falling back to sp, p). */
function policyCheck(rec: DmarcRecord, inherited: boolean, fromPsd: boolean): Check {
  const effective = inherited ? (rec.sp ?? rec.p) : rec.p;
  const details = {
    p: rec.p,
    sp: rec.sp ?? rec.p,
    np: rec.np ?? rec.sp ?? rec.p,
    applies: effective,
    follows: 'RFC 9989 4.7',
  };
  const source = fromPsd ? ' (sp of the public suffix operator)' : ' (sp of the parent domain)';
  if (effective === 'none') {
    return {
      id: 'dmarc.policy',
      status: 'warn',
      cause: 'dns.dmarc.policy-none',
      message: `policy is "none"${inherited ? source : ''}: spoofed mail is delivered, only reported`,
      details,
    };
  }
  const weakSub = [rec.sp === 'none' ? 'sp=none' : '', rec.np === 'none' ? 'np=none' : ''].filter(
    (s) => s !== '',
  );
  if (!inherited && weakSub.length > 0) {
    return {
      id: 'dmarc.policy',
      status: 'warn',
      cause: 'dns.dmarc.subdomain-policy-none',
      message: `p=${rec.p}, but ${weakSub.join(' and ')} leaves subdomains open to spoofing`,
      details,
    };
  }
  return {
    id: 'dmarc.policy',
    status: 'pass',
    message: `policy ${effective}${inherited ? source : ''}`,
    details,
  };
}

/** t=y (RFC 9989) and pct below 100 (RFC 7489, removed by RFC 9989 but still applied by its receivers). */
function rolloutCheck(rec: DmarcRecord): Check {
  const details = { pct: rec.pct, t: rec.t ?? 'n', psd: rec.psd ?? 'u' };
  if (rec.t === 'y') {
    return {
      id: 'dmarc.rollout',
      status: 'warn',
      cause: 'dns.dmarc.testing',
      message: '"t=y": receivers are asked to apply one level less than the published policy',
      details: { ...details, follows: 'RFC 9989 4.7' },
    };
  }
  if (rec.pct < 100 && rec.p !== 'none') {
    return {
      id: 'dmarc.rollout',
      status: 'warn',
      cause: 'dns.dmarc.partial-pct',
      message:
        `"pct=${rec.pct}": receivers following RFC 7489 apply the policy to only ${rec.pct}% of failing mail ` +
        '(RFC 9989 receivers ignore pct and apply all of it)',
      details: { ...details, follows: 'RFC 7489 6.3' },
    };
  }
  return { id: 'dmarc.rollout', status: 'pass', message: 'policy applies to all failing mail', details };
}

/** RFC 7489 7.1, kept by DMARCbis reporting: a destination outside the organisational domain must authorise it. */
async function reportsCheck(
  policyDomain: string,
  orgDomain: string,
  rec: DmarcRecord,
  resolve: DnsResolver,
): Promise<Check> {
  const id = 'dmarc.reports';
  const details = { rua: rec.rua.map((u) => clip(u, 120)), ruf: rec.ruf.map((u) => clip(u, 120)) };
  const all = [...rec.rua, ...rec.ruf].slice(0, MAX_REPORT_URIS);
  const destinations = new Set<string>();
  for (const uri of all) {
    const m = /^mailto:[^@\s!]+@([a-z0-9.-]+?)\.?(?:!\d+[kmgt]?)?$/i.exec(uri);
    if (!m) {
      return {
        id,
        status: 'warn',
        cause: 'dns.dmarc.report-uri-invalid',
        message: `"${clip(uri, 80)}" is not a mailto: address receivers can send reports to`,
        details,
      };
    }
    const dest = (m[1] as string).toLowerCase();
    if (dest !== orgDomain && !dest.endsWith(`.${orgDomain}`)) destinations.add(dest);
  }
  for (const dest of destinations) {
    const authName = `${policyDomain}._report._dmarc.${dest}`;
    const found = await txt(resolve, authName);
    if (found.kind === 'unknown') return unknownCheck(id, found.error, 'DMARC report authorisation');
    if (found.kind === 'none' || !found.records.some(isDmarc)) {
      return {
        id,
        status: 'warn',
        cause: 'dns.dmarc.report-unauthorized',
        message: `reports go to ${dest}, which does not authorise them (no v=DMARC1 at ${authName}): they are not sent`,
        details,
      };
    }
  }
  if (rec.rua.length === 0) {
    return {
      id,
      status: 'warn',
      cause: 'dns.dmarc.no-rua',
      message: 'no "rua=": nobody receives aggregate reports, so failures go unseen',
      details,
    };
  }
  return { id, status: 'pass', message: `aggregate reports to ${clip(rec.rua.join(', '), 200)}`, details };
}
