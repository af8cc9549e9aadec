import getDmarcRecord from 'mailauth/lib/dmarc/get-dmarc-record';
import { getAlignment } from 'mailauth/lib/tools';
import { DnsLookupError, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { clip, tagList, txt, unknownCheck } from './lookup';

/** Report destinations checked for authorisation; a record listing more is unusual and the rest are skipped. */
const MAX_REPORT_URIS = 10;
const POLICIES = ['none', 'quarantine', 'reject'] as const;
type Policy = (typeof POLICIES)[number];

export interface DmarcFindings {
  checks: Check[];
  /** The v=DMARC1 records at `_dmarc.<domain>`, for drift and expectations; undefined when unknown. */
  records: string[] | undefined;
}

export interface DmarcRecord {
  p: Policy;
  sp: Policy | undefined;
  np: Policy | undefined;
  pct: number;
  adkim: 'r' | 's';
  aspf: 'r' | 's';
  t: 'y' | 'n' | undefined;
  psd: 'y' | 'n' | 'u' | undefined;
  rua: string[];
  ruf: string[];
}

const isDmarc = (r: string) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(r);

/** Parses a DMARC record (RFC 7489 with the DMARCbis tags np, psd, t); unknown tags are ignored as both require. */
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
    },
  };
}

/** DMARC: one record (or the organisational domain's), valid tags, enforcing policy, report destinations authorised. */
export async function checkDmarc(domain: string, resolve: DnsResolver): Promise<DmarcFindings> {
  const name = `_dmarc.${domain}`;
  const found = await txt(resolve, name);
  if (found.kind === 'unknown')
    return { checks: [unknownCheck('dmarc.record', found.error, 'DMARC record')], records: undefined };
  const records = found.kind === 'records' ? found.records.filter(isDmarc) : [];
  if (records.length > 1) {
    return {
      checks: [
        {
          id: 'dmarc.record',
          status: 'fail',
          cause: 'dns.dmarc.multiple',
          message: `${records.length} DMARC records at ${name}: receivers then apply no DMARC policy at all`,
          observed: records.map((r) => clip(r)),
        },
      ],
      records,
    };
  }
  let text = records[0];
  let policyDomain = domain;
  if (text === undefined) {
    // RFC 7489 6.6.3: a domain without its own record falls under its organisational domain's record.
    let inherited: Awaited<ReturnType<typeof getDmarcRecord>>;
    try {
      inherited = await getDmarcRecord(domain, resolve as never);
    } catch (err) {
      if (!(err instanceof DnsLookupError)) throw err;
      return {
        checks: [unknownCheck('dmarc.record', err, 'organisational-domain DMARC record')],
        records: [],
      };
    }
    if (!inherited) {
      return {
        checks: [
          {
            id: 'dmarc.record',
            status: 'fail',
            cause: 'dns.dmarc.missing',
            message: `no DMARC record at ${name} (nor at the organisational domain)`,
          },
        ],
        records: [],
      };
    }
    text = inherited.rr;
    policyDomain = orgDomainOf(domain);
  }
  const parsed = parseDmarc(text);
  if ('errors' in parsed) {
    return {
      checks: [
        {
          id: 'dmarc.record',
          status: 'fail',
          cause: 'dns.dmarc.invalid',
          message: `invalid DMARC record at _dmarc.${policyDomain}: ${clip(parsed.errors.join('; '), 400)}`,
          observed: clip(text),
        },
      ],
      records,
    };
  }
  const rec = parsed.record;
  const inheritedFrom = policyDomain !== domain ? policyDomain : undefined;
  const checks: Check[] = [
    {
      id: 'dmarc.record',
      status: 'pass',
      message: inheritedFrom
        ? `no record at ${name}; the organisational domain's applies: ${clip(text)}`
        : clip(text),
      details: { policyDomain },
    },
    policyCheck(rec, inheritedFrom !== undefined),
    rolloutCheck(rec),
    {
      id: 'dmarc.alignment',
      status: 'pass',
      message: `DKIM alignment ${rec.adkim === 's' ? 'strict' : 'relaxed'}, SPF alignment ${rec.aspf === 's' ? 'strict' : 'relaxed'}`,
      details: { adkim: rec.adkim, aspf: rec.aspf },
    },
    await reportsCheck(policyDomain, rec, resolve),
  ];
  return { checks, records };
}

function orgDomainOf(domain: string): string {
  // getAlignment compares organisational domains (Public Suffix List); walk up to the shortest aligned parent.
  const labels = domain.split('.');
  for (let i = labels.length - 2; i >= 0; i--) {
    const candidate = labels.slice(i).join('.');
    if (getAlignment(domain, [candidate], false)) return candidate;
  }
  return domain;
}

function policyCheck(rec: DmarcRecord, inherited: boolean): Check {
  const effective = inherited ? (rec.sp ?? rec.p) : rec.p;
  const details = { p: rec.p, sp: rec.sp ?? rec.p, np: rec.np ?? rec.sp ?? rec.p, applies: effective };
  if (effective === 'none') {
    return {
      id: 'dmarc.policy',
      status: 'warn',
      cause: 'dns.dmarc.policy-none',
      message: `policy is "none"${inherited ? ' (sp of the organisational domain)' : ''}: spoofed mail is delivered, only reported`,
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
  return { id: 'dmarc.policy', status: 'pass', message: `policy ${effective}`, details };
}

function rolloutCheck(rec: DmarcRecord): Check {
  const details = { pct: rec.pct, t: rec.t ?? 'n', psd: rec.psd ?? 'u' };
  if (rec.t === 'y') {
    return {
      id: 'dmarc.rollout',
      status: 'warn',
      cause: 'dns.dmarc.testing',
      message: '"t=y": receivers are asked to apply one level less than the published policy',
      details,
    };
  }
  if (rec.pct < 100 && rec.p !== 'none') {
    return {
      id: 'dmarc.rollout',
      status: 'warn',
      cause: 'dns.dmarc.partial-pct',
      message: `"pct=${rec.pct}": the policy applies to only ${rec.pct}% of failing mail`,
      details,
    };
  }
  return { id: 'dmarc.rollout', status: 'pass', message: 'policy applies to all failing mail', details };
}

/** RFC 7489 7.1: a report address in another organisational domain must be authorised by that domain. */
async function reportsCheck(policyDomain: string, rec: DmarcRecord, resolve: DnsResolver): Promise<Check> {
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
    if (!getAlignment(policyDomain, [dest], false)) destinations.add(dest);
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
