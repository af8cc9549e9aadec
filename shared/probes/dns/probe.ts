import { type AliasesSeen, answerResolver } from '../../dns/answer-resolver';
import { canonicalName, type DnsResolver } from '../../dns/resolver';
import type { SecureResolver } from '../../dns/secure-query';
import type { Check, JsonObject, ProbeOutcome } from '../../model/result';
import type { Timings } from '../../model/timings';
import type { ProbeDefinition } from '../types';
import { checkAliases, withAliases } from './aliases';
import { checkBimi } from './bimi';
import type { DnsGroup, DnsOptions, DomainTarget, ExpectationKey } from './config';
import { checkDkim } from './dkim';
import { checkDmarc } from './dmarc';
import { checkDnssec } from './dnssec';
import { checkDrift } from './drift';
import { checkExpectation } from './expect';
import { cachingResolver } from './lookup';
import { checkMtaSts } from './mta-sts';
import { httpsPolicyFetcher, type PolicyFetcher } from './mta-sts-fetch';
import { checkPolicyId } from './mta-sts-id';
import { checkMx } from './mx';
import { judgeNullMx } from './null-mx-sender';
import { checkPtr } from './ptr';
import { checkSpf } from './spf';
import { checkTlsRpt } from './tls-rpt';

export interface DnsCheckDeps {
  resolve: DnsResolver;
  /** What the answers of `resolve` showed about CNAMEs (answerResolver writes it; empty: every hop is asked). */
  seen: AliasesSeen;
  /** DNSSEC-aware queries; without them no dnssec check is made. */
  secure?: SecureResolver;
  fetchPolicy: PolicyFetcher;
  signal: AbortSignal;
  now: Date;
  /** The memo of the previous run (record fingerprints), if any. */
  memo: JsonObject | undefined;
  timings?: Timings;
}

/** Every check of one domain, with the fingerprints to remember for the next run. */
export async function runDnsChecks(
  target: DomainTarget,
  options: DnsOptions,
  deps: DnsCheckDeps,
): Promise<ProbeOutcome> {
  const { resolve, signal, seen } = deps;
  const domain = canonicalName(target.name);
  const timed = <T>(phase: string, fn: () => Promise<T>) =>
    deps.timings ? deps.timings.measure(phase, fn) : fn();

  // A selector with an expected value is checked even when `dkimSelectors` does not list it.
  const selectors = [...new Set([...target.dkimSelectors, ...Object.keys(target.expect?.dkim ?? {})])];
  const mxStep = timed('mx', () => checkMx(domain, resolve, seen));
  const [mx, spf, dkim, dmarc, mtaSts, tlsRpt, bimi, ptr, dnssec, aliases] = await Promise.all([
    mxStep,
    timed('spf', () => checkSpf(domain, target.sendingIps, resolve)),
    timed('dkim', () => checkDkim(domain, selectors, resolve)),
    timed('dmarc', () => checkDmarc(domain, resolve)),
    options.mtaSts === 'off'
      ? undefined
      : timed('mtaSts', () => checkMtaSts(domain, options.mtaSts, mxStep, resolve, deps.fetchPolicy, signal)),
    options.tlsRpt === 'off'
      ? undefined
      : timed('tlsRpt', () => checkTlsRpt(domain, options.tlsRpt, resolve)),
    options.bimi === 'off' ? undefined : timed('bimi', () => checkBimi(domain, options.bimi, resolve)),
    timed('ptr', () => Promise.all(target.sendingIps.map((ip) => checkPtr(ip, resolve)))),
    deps.secure
      ? timed('dnssec', () => checkDnssec(domain, options.dnssec, deps.secure as SecureResolver))
      : undefined,
    timed('aliases', () => checkAliases(domain, selectors, options, resolve, seen)),
  ]);

  const sending = { spf: spf.records, dkimSelectors: selectors, sendingIps: target.sendingIps };
  const checks: Check[] = withAliases(
    [
      ...(dnssec ? [dnssec] : []),
      ...mx.checks.map((c) => (mx.nullMx && c.id === 'mx' ? judgeNullMx(c, sending) : c)),
      ...spf.checks,
      ...dkim.checks,
      ...dmarc.checks,
      ...(mtaSts?.checks ?? []),
      ...(tlsRpt?.checks ?? []),
      ...ptr,
      ...(bimi?.checks ?? []),
    ],
    aliases,
  );

  const sets: Record<string, string[] | undefined> = {
    mx: mx.records,
    spf: spf.records,
    dmarc: dmarc.records,
    ...(mtaSts ? { mtaSts: mtaSts.records } : {}),
    ...(mtaSts?.policy ? { mtaStsPolicy: mtaSts.policy } : {}),
    ...(tlsRpt ? { tlsRpt: tlsRpt.records } : {}),
    ...(bimi ? { bimi: bimi.records } : {}),
    ...Object.fromEntries(Object.entries(dkim.records).map(([selector, r]) => [`dkim:${selector}`, r])),
  };

  const { dkim: dkimExpect, ...expected } = target.expect ?? {};
  for (const [key, expectation] of Object.entries(expected) as [
    ExpectationKey,
    NonNullable<typeof expected.mx>,
  ][]) {
    checks.push(checkExpectation(key, sets[key], expectation));
  }
  for (const [selector, expectation] of Object.entries(dkimExpect ?? {})) {
    checks.push(checkExpectation(`dkim:${selector}`, sets[`dkim:${selector}`], expectation));
  }

  const policyId = checkPolicyId(mtaSts?.published, deps.memo?.mtaStsId, deps.now);
  if (policyId.check) checks.push(policyId.check);
  const drift = checkDrift(sets, deps.memo, deps.now, options.driftWarnHours * 3_600_000);
  checks.push(...drift.checks);
  return { checks, memo: { ...drift.memo, ...(policyId.memo ? { mtaStsId: policyId.memo } : {}) } };
}

export const dnsProbe: ProbeDefinition<DnsGroup, DomainTarget> = {
  kind: 'dns',
  run: (target, group, ctx) => {
    // The record queries go through the DNSSEC-aware resolver too: their answer sections show the CNAME chains.
    const secure = ctx.dnssec();
    const seen: AliasesSeen = new Map();
    return runDnsChecks(target, group.options, {
      resolve: cachingResolver(answerResolver(secure, seen), (line) => ctx.transcript.add(line)),
      seen,
      secure,
      fetchPolicy: httpsPolicyFetcher(group.options.mtaStsFetch),
      signal: ctx.signal,
      now: ctx.now(),
      memo: ctx.memo,
      timings: ctx.timings,
    });
  },
};
