import type { MTASTSPolicy } from 'mailauth';
import { parsePolicy } from 'mailauth/lib/mta-sts';
import { canonicalName, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import type { Presence } from './config';
import { clip, tagList, txt, unknownCheck } from './lookup';
import type { PolicyFetcher } from './mta-sts-fetch';
import { canonicalPolicy, type PublishedPolicy } from './mta-sts-id';

/** RFC 8461 3.2: max_age at most 31557600 s; under a day, a policy barely outlives a sender's cache refresh. */
const MTA_STS_MIN_MAX_AGE = 86_400;

export interface MtaStsFindings {
  checks: Check[];
  /** The v=STSv1 records at `_mta-sts.<domain>`; undefined when unknown. */
  records: string[] | undefined;
  /** The policy body, for drift; undefined when not fetched. */
  policy: string[] | undefined;
  /** The record's id with the policy it announces (canonical text), for the id check; undefined when not parsed. */
  published?: PublishedPolicy;
}

/**
 * RFC 8461 4.1: a pattern is a host name or `*.` plus a domain, and the wildcard stands for exactly one label.
 * (mailauth's validateMx lets `*.example.com` match any depth, so it is not used here.)
 */
export function mxMatches(host: string, pattern: string): boolean {
  const h = canonicalName(host);
  const p = canonicalName(pattern.trim());
  if (!p.startsWith('*.')) return h === p;
  const suffix = p.slice(1);
  return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
}

export async function checkMtaSts(
  domain: string,
  presence: Presence,
  /** The MX findings, awaited only when the policy is known (the record and policy fetch run meanwhile). */
  mx: Promise<{ hosts: string[] | undefined; nullMx: boolean }>,
  resolve: DnsResolver,
  fetchPolicy: PolicyFetcher,
  signal: AbortSignal,
): Promise<MtaStsFindings> {
  const name = `_mta-sts.${domain}`;
  const found = await txt(resolve, name);
  if (found.kind === 'unknown') {
    return {
      checks: [unknownCheck('mta-sts.record', found.error, 'MTA-STS record')],
      records: undefined,
      policy: undefined,
    };
  }
  const records = found.kind === 'records' ? found.records.filter((r) => /^v=STSv1\s*(;|$)/.test(r)) : [];
  const done = (checks: Check[], policy?: string[], published?: PublishedPolicy) => ({
    checks,
    records,
    policy,
    ...(published ? { published } : {}),
  });
  if (records.length === 0) {
    return done([
      presence === 'required'
        ? {
            id: 'mta-sts.record',
            status: 'fail',
            cause: 'dns.mta-sts.missing',
            message: `no v=STSv1 record at ${name}`,
          }
        : { id: 'mta-sts.record', status: 'pass', message: `no MTA-STS record at ${name} (optional)` },
    ]);
  }
  if (records.length > 1) {
    return done([
      {
        id: 'mta-sts.record',
        status: 'fail',
        cause: 'dns.mta-sts.multiple',
        message: `${records.length} v=STSv1 records at ${name}: senders then ignore MTA-STS`,
        observed: records.map((r) => clip(r)),
      },
    ]);
  }
  const { tags } = tagList(records[0] as string);
  const policyId = tags.get('id') ?? '';
  if (!/^[a-z0-9]{1,32}$/i.test(policyId)) {
    return done([
      {
        id: 'mta-sts.record',
        status: 'fail',
        cause: 'dns.mta-sts.invalid-record',
        message: `${name}: "id=${clip(policyId, 40)}" must be 1-32 letters and digits`,
        observed: clip(records[0] as string),
      },
    ]);
  }
  const checks: Check[] = [{ id: 'mta-sts.record', status: 'pass', message: clip(records[0] as string) }];

  const fetched = await fetchPolicy(domain, resolve, signal);
  if (!fetched.ok) {
    checks.push({
      id: 'mta-sts.policy',
      status: fetched.status,
      cause: fetched.cause,
      message: `${fetched.url}: ${fetched.message}`,
    });
    return done(checks);
  }
  checks.push(contentTypeCheck(fetched.url, fetched.contentType));
  let policy: MTASTSPolicy;
  try {
    policy = parsePolicy(fetched.body);
  } catch (err) {
    checks.push({
      id: 'mta-sts.policy',
      status: 'fail',
      cause: 'dns.mta-sts.policy-invalid',
      message: `${fetched.url}: ${(err as Error).message} (${(err as { code?: string }).code ?? 'invalid'})`,
      observed: clip(fetched.body, 500),
    });
    return done(checks, [fetched.body]);
  }
  const details = {
    mode: policy.mode,
    maxAge: policy.maxAge ?? null,
    mx: (policy.mx ?? []).slice(0, 20),
    id: policyId,
  };
  checks.push(
    policy.mode === 'none'
      ? {
          id: 'mta-sts.policy',
          status: 'warn',
          cause: 'dns.mta-sts.mode-none',
          message: 'policy mode "none": senders are told to stop applying MTA-STS',
          details,
        }
      : {
          id: 'mta-sts.policy',
          status: 'pass',
          message: `mode ${policy.mode}${policy.mode === 'testing' ? ' (failures reported, not enforced)' : ''}`,
          details,
        },
  );
  const maxAge = policy.maxAge ?? 0;
  checks.push(
    maxAge < MTA_STS_MIN_MAX_AGE
      ? {
          id: 'mta-sts.max-age',
          status: 'warn',
          cause: 'dns.mta-sts.max-age-short',
          message: `max_age ${maxAge} s is under a day: senders forget the policy quickly`,
          observed: maxAge,
        }
      : { id: 'mta-sts.max-age', status: 'pass', message: `max_age ${maxAge} s`, observed: maxAge },
  );
  const { hosts, nullMx } = await mx;
  if (policy.mode !== 'none' && !nullMx) checks.push(mxCheck(policy, hosts));
  return done(checks, [fetched.body], { id: policyId, policy: canonicalPolicy(policy), maxAge });
}

/**
 * RFC 8461 3.2: the policy's media type must be text/plain (parameters such as charset aside); senders should check
 * it, so a policy served as HTML by a CMS is discarded.
 */
function contentTypeCheck(url: string, header: string | undefined): Check {
  const mediaType = (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (mediaType === 'text/plain') {
    return { id: 'mta-sts.content-type', status: 'pass', message: `served as ${clip(header ?? '', 100)}` };
  }
  const served = header === undefined ? 'without a Content-Type' : `as "${clip(header, 100)}"`;
  return {
    id: 'mta-sts.content-type',
    status: 'fail',
    cause: 'dns.mta-sts.policy-content-type',
    message: `${url} is served ${served}; RFC 8461 requires text/plain, and senders that check discard the policy`,
    observed: header === undefined ? null : clip(header, 100),
    expected: 'text/plain',
  };
}

function mxCheck(policy: MTASTSPolicy, hosts: string[] | undefined): Check {
  const patterns = policy.mx ?? [];
  if (hosts === undefined) {
    return {
      id: 'mta-sts.mx',
      status: 'unknown',
      cause: 'dns.lookup.error',
      message: 'MX hosts unknown (MX lookup failed)',
    };
  }
  const unmatched = hosts.filter((h) => !patterns.some((p) => mxMatches(h, p)));
  if (unmatched.length === 0) {
    return {
      id: 'mta-sts.mx',
      status: 'pass',
      message: `every MX host matches the policy (${clip(patterns.join(', '), 200)})`,
    };
  }
  return {
    id: 'mta-sts.mx',
    status: policy.mode === 'enforce' ? 'fail' : 'warn',
    cause: 'dns.mta-sts.mx-unmatched',
    message: `${policy.mode === 'enforce' ? 'senders refuse to deliver to' : 'senders report failures for'} ${clip(unmatched.join(', '), 200)}: not matched by any mx: line (${clip(patterns.join(', '), 200)})`,
    observed: unmatched,
    expected: patterns,
  };
}
