import { spf } from 'mailauth/lib/spf';
import type { DnsResolver } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import type { Check } from '../../model/result';
import { clip, unknownCheck } from './lookup';
import {
  analyzeSpf,
  SPF_LOOKUP_LIMIT,
  SPF_LOOKUP_WARN,
  SPF_VOID_LIMIT,
  type SpfAnalysis,
  type SpfProblem,
  type SpfProblemKind,
} from './spf-analyze';

export interface SpfFindings {
  checks: Check[];
  /** The v=spf1 records at the domain, for drift and expectations; undefined when the lookup got no answer. */
  records: string[] | undefined;
}

const PROBLEM_CAUSE = {
  syntax: 'dns.spf.syntax',
  multiple: 'dns.spf.multiple',
  missing: 'dns.spf.include-missing',
  loop: 'dns.spf.include-loop',
  'too-many-mx': 'dns.spf.too-many-mx',
  'too-deep': 'dns.spf.include-loop',
  ptr: 'dns.spf.ptr-mechanism',
  'redirect-ignored': 'dns.spf.redirect-ignored',
} as const satisfies Record<SpfProblemKind, CauseId>;

/** Problems that only cost a warning: the record still evaluates as its author intended. */
const WARNING_KINDS: ReadonlySet<SpfProblemKind> = new Set(['ptr', 'redirect-ignored']);

function problemCheck(id: string, problems: SpfProblem[], okMessage: string): Check {
  const worst = problems.find((p) => !WARNING_KINDS.has(p.kind)) ?? problems[0];
  if (!worst) return { id, status: 'pass', message: okMessage };
  return {
    id,
    status: WARNING_KINDS.has(worst.kind) ? 'warn' : 'fail',
    cause: PROBLEM_CAUSE[worst.kind],
    message: clip(problems.map((p) => p.message).join('; '), 600),
    details: {
      problems: problems.slice(0, 10).map((p) => ({ kind: p.kind, domain: p.domain, depth: p.depth })),
    },
  };
}

/** SPF (RFC 7208): one record, syntax, includes, lookup and void-lookup limits, `all`, and each sending IP passing. */
export async function checkSpf(
  domain: string,
  sendingIps: string[],
  resolve: DnsResolver,
): Promise<SpfFindings> {
  // The per-IP evaluations run alongside the walk; the per-run query cache lets them share its answers.
  const ipChecks = checkIps(domain, sendingIps, resolve);
  const analysis = await analyzeSpf(domain, resolve);
  const rootUnknown = analysis.unknown.find((e) => e.query.name.toLowerCase() === domain.toLowerCase());
  if (rootUnknown && analysis.records.length === 0) {
    return {
      checks: [unknownCheck('spf.record', rootUnknown, 'SPF record lookup'), ...(await ipChecks)],
      records: undefined,
    };
  }
  if (analysis.records.length === 0) {
    return {
      checks: [
        {
          id: 'spf.record',
          status: 'fail',
          cause: 'dns.spf.missing',
          message: `${domain} publishes no v=spf1 TXT record`,
        },
        ...(await ipChecks),
      ],
      records: [],
    };
  }
  const checks: Check[] = [];
  const top = analysis.problems.filter((p) => p.depth === 0 && p.kind !== 'loop');
  const nested = analysis.problems.filter((p) => p.depth > 0 || p.kind === 'loop');
  checks.push({
    ...problemCheck('spf.record', top, clip(analysis.records[0] as string)),
    observed: analysis.records.map((r) => clip(r)),
  });
  if (top.some((p) => p.kind === 'multiple' || p.kind === 'syntax')) {
    // Nothing past the record itself can be judged: receivers stop at the permerror.
    checks.push(...(await ipChecks));
    return { checks, records: analysis.records };
  }
  const includeUnknown = analysis.unknown.find((e) => e.query.type === 'TXT');
  checks.push(
    nested.length === 0 && includeUnknown
      ? unknownCheck('spf.includes', includeUnknown, 'an included SPF record')
      : problemCheck('spf.includes', nested, includesSummary(analysis)),
  );
  checks.push(lookupsCheck(analysis), voidsCheck(analysis), allCheck(analysis));
  checks.push(...(await ipChecks));
  return { checks, records: analysis.records };
}

function includesSummary(analysis: SpfAnalysis): string {
  const others = Object.keys(analysis.lookupsBy).length - 1;
  return others > 0
    ? `every included record is valid SPF (${others} other domains)`
    : 'no include or redirect';
}

function lookupsCheck(a: SpfAnalysis): Check {
  const atLeast = a.truncated || a.unknown.some((e) => e.query.type === 'TXT') ? 'at least ' : '';
  const base = {
    id: 'spf.lookups',
    observed: a.lookups,
    expected: `<= ${SPF_LOOKUP_LIMIT}`,
    details: { count: a.lookups, limit: SPF_LOOKUP_LIMIT, byDomain: a.lookupsBy },
  };
  const breakdown = Object.entries(a.lookupsBy)
    .map(([d, n]) => `${d}: ${n}`)
    .join(', ');
  if (a.lookups > SPF_LOOKUP_LIMIT) {
    return {
      ...base,
      status: 'fail',
      cause: 'dns.spf.too-many-lookups',
      message: `${atLeast}${a.lookups} DNS-querying terms, above the limit of ${SPF_LOOKUP_LIMIT} (${clip(breakdown, 300)})`,
    };
  }
  // Only an unread include or redirect can hide terms; a failed A or MX query does not change the count.
  const unread = a.unknown.find((e) => e.query.type === 'TXT');
  if (unread)
    return { ...unknownCheck('spf.lookups', unread, 'counting SPF lookups'), ...base, status: 'unknown' };
  if (a.lookups >= SPF_LOOKUP_WARN) {
    return {
      ...base,
      status: 'warn',
      cause: 'dns.spf.lookups-near-limit',
      message: `${a.lookups} of ${SPF_LOOKUP_LIMIT} DNS-querying terms used (${clip(breakdown, 300)})`,
    };
  }
  return { ...base, status: 'pass', message: `${a.lookups} of ${SPF_LOOKUP_LIMIT} DNS-querying terms used` };
}

function voidsCheck(a: SpfAnalysis): Check {
  const base = {
    id: 'spf.void-lookups',
    observed: a.voids,
    expected: `<= ${SPF_VOID_LIMIT}`,
    details: { count: a.voids, limit: SPF_VOID_LIMIT, names: a.voidNames.slice(0, 10) },
  };
  if (a.voids > SPF_VOID_LIMIT) {
    return {
      ...base,
      status: 'fail',
      cause: 'dns.spf.too-many-void-lookups',
      message: `${a.voids} terms query names that do not exist or have no records (limit ${SPF_VOID_LIMIT}): ${clip(a.voidNames.join(', '), 300)}`,
    };
  }
  const firstUnknown = a.unknown[0];
  if (firstUnknown) {
    return {
      ...unknownCheck('spf.void-lookups', firstUnknown, 'counting void lookups'),
      ...base,
      status: 'unknown',
    };
  }
  return {
    ...base,
    status: 'pass',
    message: `${a.voids} void lookup${a.voids === 1 ? '' : 's'} (limit ${SPF_VOID_LIMIT})`,
  };
}

function allCheck(a: SpfAnalysis): Check {
  switch (a.all) {
    case '+':
      return {
        id: 'spf.all',
        status: 'fail',
        cause: 'dns.spf.all-pass',
        message: '"+all" authorises every host on the internet to send as this domain',
      };
    case '?':
      return {
        id: 'spf.all',
        status: 'warn',
        cause: 'dns.spf.all-neutral',
        message: '"?all": hosts not listed get a neutral result, which protects nothing',
      };
    case undefined:
      return {
        id: 'spf.all',
        status: 'warn',
        cause: 'dns.spf.no-all',
        message:
          'no "all" mechanism (nor redirect ending in one): unlisted hosts get the default neutral result',
      };
    default:
      return { id: 'spf.all', status: 'pass', message: `ends in "${a.all}all"` };
  }
}

/** Each sending IP evaluated as a receiver would (mailauth's check_host) with MAIL FROM postmaster@domain. */
async function checkIps(domain: string, ips: string[], resolve: DnsResolver): Promise<Check[]> {
  return Promise.all(
    ips.map(async (ip): Promise<Check> => {
      const id = `spf.ip:${ip}`;
      const verdict = await spf({
        ip,
        sender: `postmaster@${domain}`,
        helo: domain,
        mta: 'mailprobe',
        // mailauth reads `code` (ENOTFOUND, ENODATA, ETIMEOUT...) from thrown errors, as DnsLookupError carries it.
        resolver: resolve as never,
      });
      const result = verdict.status.result;
      const details = { result, comment: clip(String(verdict.status.comment ?? ''), 300) };
      switch (result) {
        case 'pass':
          return { id, status: 'pass', message: `SPF pass for ${ip}`, details };
        case 'temperror':
          return {
            id,
            status: 'unknown',
            cause: 'dns.spf.temperror',
            message: `SPF evaluation for ${ip} hit a DNS error: ${details.comment}`,
            details,
          };
        case 'permerror':
          return {
            id,
            status: 'fail',
            cause: 'dns.spf.permerror',
            message: `SPF permerror for ${ip}: ${details.comment}`,
            details,
          };
        default:
          return {
            id,
            status: 'fail',
            cause: 'dns.spf.ip-not-authorized',
            message: `SPF ${result} for sending IP ${ip}: the policy does not authorise it`,
            observed: result,
            expected: 'pass',
            details,
          };
      }
    }),
  );
}
