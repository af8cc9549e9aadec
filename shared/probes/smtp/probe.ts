import { isIP } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSecureContext, type SecureContext } from 'node:tls';
import { describeSecretRef } from '../../config/secret-ref';
import { DnsLookupError, type DnsResolver } from '../../dns/resolver';
import { describeExtendedErrors, validationFailure } from '../../dns/secure-query';
import type { Check, JsonObject, ProbeOutcome } from '../../model/result';
import { cachedSecureContext } from '../../util/secure-contexts';
import type { ProbeContext, ProbeDefinition } from '../types';
import type { SmtpEndpoint, SmtpGroup } from './config';
import { daneCheck, lookupTlsa } from './dane';
import type { SessionPlan } from './plan';
import { runSession } from './session';
import { legacyOnly, scanTls } from './tls-scan';

/** Resolves the host with the probe's resolver: A first (Lambda has no IPv6 egress by default), then AAAA. */
async function resolveHost(host: string, resolver: DnsResolver): Promise<{ addresses: string[] } | Check> {
  const [a, aaaa] = await Promise.allSettled([resolver(host, 'A'), resolver(host, 'AAAA')]);
  const addresses = [a, aaaa].flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
  if (addresses.length > 0) return { addresses: addresses.slice(0, 16) };
  const failures = [a, aaaa].map((r) =>
    r.status === 'rejected' && r.reason instanceof DnsLookupError ? r.reason : undefined,
  );
  const codes = failures.map((f) => f?.code ?? 'empty answer');
  if (failures.some((f) => f?.failure === 'nxdomain')) {
    return {
      id: 'dns',
      status: 'fail',
      cause: 'smtp.dns.nxdomain',
      message: `${host} does not exist (NXDOMAIN)`,
    };
  }
  if (failures.every((f) => !f || f.isAnswer)) {
    return {
      id: 'dns',
      status: 'fail',
      cause: 'smtp.dns.no-address',
      message: `${host} has no A or AAAA record`,
    };
  }
  const unexpected = [a, aaaa].find((r) => r.status === 'rejected' && !(r.reason instanceof DnsLookupError));
  if (unexpected?.status === 'rejected') throw unexpected.reason;
  return {
    id: 'dns',
    status: 'unknown',
    cause: 'smtp.dns.unavailable',
    message: `could not resolve ${host}: ${failures.map((f) => f?.failure ?? 'no answer').join(', ')}`,
    details: { codes },
  };
}

/** A SERVFAIL that a validating resolver owes to DNSSEC is a failure of the host's zone, with the validator's reason. */
async function explainUnresolved(check: Check, host: string, ctx: ProbeContext): Promise<Check> {
  if (check.status !== 'unknown') return check;
  const failure = await validationFailure(ctx.dnssec(), host, 'A');
  if (!failure) return check;
  return {
    id: 'dns',
    status: 'fail',
    cause: 'smtp.dns.dnssec-bogus',
    message: `${host} fails DNSSEC validation (${describeExtendedErrors(failure.errors)}); with checking disabled the resolver returns ${failure.behind}`,
    details: {
      extendedErrors: failure.errors.map((e) => ({ code: e.code, name: e.name, text: e.text })),
      behindCheckingDisabled: failure.behind,
    },
  };
}

/**
 * What the session's one handshake cannot tell: the versions and suites the server still accepts (each asked on a
 * connection of its own, placed after the TLS checks), and whether a failed handshake is a server stuck below
 * TLS 1.2.
 */
async function judgeTls(
  found: Check[],
  plan: SessionPlan,
  scan: boolean,
  ctx: ProbeContext,
  memo: JsonObject,
): Promise<Check[]> {
  const index = found.findIndex((c) => c.id === 'tls');
  const tls = found[index];
  if (!tls || ctx.signal.aborted) return found;
  if (tls.status === 'pass' && scan) {
    const negotiated = String(tls.details?.protocol ?? 'unknown');
    const extra = await scannedTls(plan, negotiated, ctx, memo);
    let after = index + 1;
    while (found[after]?.id.startsWith('tls.')) after++;
    return [...found.slice(0, after), ...extra, ...found.slice(after)];
  }
  if (tls.cause === 'smtp.tls.handshake-failed') {
    const old = await ctx.timings.measure('tlsScan', () => legacyOnly(plan, ctx.signal));
    if (!old) return found;
    const replaced: Check = {
      ...tls,
      cause: 'smtp.tls.outdated-protocol',
      message:
        `the server speaks at most ${old.protocol} (it chose ${old.cipher} when the probe allowed TLS 1.0/1.1): ` +
        `clients that require TLS 1.2 cannot connect (${tls.message})`,
      details: { ...tls.details, legacyProtocol: old.protocol, legacyCipher: old.cipher },
    };
    return found.map((c, i) => (i === index ? replaced : c));
  }
  return found;
}

/** A server's accepted protocols and suites change with its configuration, not every few minutes: scan daily. */
const TLS_SCAN_EVERY_MS = 24 * 3_600_000;

/**
 * The TLS scan's checks: from the previous run's memo while that scan is under a day old and the session still
 * negotiates the same protocol, else scanned now (three extra connections) and remembered in `memo`. A group
 * probing every 5 minutes then opens those connections once a day, not 288 times.
 */
async function scannedTls(
  plan: SessionPlan,
  negotiated: string,
  ctx: ProbeContext,
  memo: JsonObject,
): Promise<Check[]> {
  const previous = ctx.memo?.tlsScan as { at?: string; protocol?: string; checks?: Check[] } | undefined;
  const age = previous?.at ? ctx.now().getTime() - Date.parse(previous.at) : Number.NaN;
  if (previous?.checks && previous.protocol === negotiated && age >= 0 && age < TLS_SCAN_EVERY_MS) {
    memo.tlsScan = previous as JsonObject;
    return previous.checks.map((c) => ({ ...c, details: { ...c.details, scannedAt: previous.at ?? null } }));
  }
  const checks = await ctx.timings.measure('tlsScan', () => scanTls(plan, negotiated, ctx.signal));
  memo.tlsScan = { at: ctx.now().toISOString(), protocol: negotiated, checks } as unknown as JsonObject;
  return checks;
}

/**
 * The TLS context that trusts the endpoint's private CA (`tls.caPem`, or the PEM of `tls.caFile` read at config
 * load), or undefined for the system CAs (node's default context).
 */
function contextOf(endpoint: SmtpEndpoint): SecureContext | undefined {
  const pem = endpoint.tls?.caPem;
  if (pem === undefined) return undefined;
  return cachedSecureContext(`smtp ${pem}`, () => createSecureContext({ ca: pem }));
}

export const smtpProbe: ProbeDefinition<SmtpGroup, SmtpEndpoint> = {
  kind: 'smtp',
  run: probeEndpoint,
  // Time per phase (connect, banner, ehlo, starttls, tls, auth, mail, rcpt...): the dashboard graphs them.
  metrics: (result) =>
    Object.entries(result.timings).map(([phase, ms]) => ({
      name: `Phase_${phase}`,
      unit: 'Milliseconds',
      value: ms,
    })),
};

async function probeEndpoint(
  endpoint: SmtpEndpoint,
  group: SmtpGroup,
  ctx: ProbeContext,
): Promise<ProbeOutcome> {
  const memo: JsonObject = {};
  const checks = await endpointChecks(endpoint, group, ctx, memo);
  return Object.keys(memo).length > 0 ? { checks, memo } : { checks };
}

async function endpointChecks(
  endpoint: SmtpEndpoint,
  group: SmtpGroup,
  ctx: ProbeContext,
  memo: JsonObject,
): Promise<Check[]> {
  const checks: Check[] = [];
  const options = group.options;

  let secureContext: SecureContext | undefined;
  try {
    secureContext = contextOf(endpoint);
  } catch (err) {
    return [
      {
        id: 'tls',
        status: 'unknown',
        cause: 'smtp.config.ca-unreadable',
        message: `cannot use the CA of tls.caFile/caPem: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      },
    ];
  }

  let auth: SessionPlan['auth'];
  if (endpoint.auth) {
    try {
      const password = ctx.secret(endpoint.auth.password);
      auth = {
        user: endpoint.auth.user,
        password,
        ...(endpoint.auth.mechanism ? { mechanism: endpoint.auth.mechanism } : {}),
      };
    } catch {
      checks.push({
        id: 'auth',
        status: 'unknown',
        cause: 'probe.secret-unavailable',
        message: `password ${describeSecretRef(endpoint.auth.password)} could not be read; AUTH not tested`,
      });
    }
  }

  let address = endpoint.host;
  const daneMode = endpoint.dane ?? (endpoint.port === 25 ? 'optional' : 'off');
  // The TLSA lookup runs beside the address lookup; its verdict needs the certificate of the session.
  const tlsa =
    daneMode !== 'off' && !isIP(endpoint.host) && endpoint.mode !== 'plain'
      ? ctx.timings.measure('tlsa', () => lookupTlsa(endpoint.host, endpoint.port, ctx.dnssec()))
      : undefined;
  if (!isIP(endpoint.host)) {
    const resolved = await ctx.timings.measure('dns', () => resolveHost(endpoint.host, ctx.dns()));
    if (!('addresses' in resolved)) return [...checks, await explainUnresolved(resolved, endpoint.host, ctx)];
    address = resolved.addresses[0] as string;
    checks.push({
      id: 'dns',
      status: 'pass',
      message: `${endpoint.host} resolves to ${resolved.addresses.join(', ')}`,
      details: { addresses: resolved.addresses },
    });
  }

  const certName = endpoint.tls?.servername ?? endpoint.host;
  const plan: SessionPlan = {
    host: endpoint.host,
    address,
    port: endpoint.port,
    mode: endpoint.mode,
    ehloName: endpoint.ehloName ?? options.ehloName,
    requireTls: endpoint.requireTls,
    certName,
    tls: {
      ...(secureContext ? { secureContext } : {}),
      ...(isIP(certName) ? {} : { servername: certName.replace(/\.$/, '') }),
    },
    certWarnDays: endpoint.certWarnDays ?? options.certWarnDays,
    connectTimeoutMs: options.connectTimeoutSeconds * 1000,
    replyTimeoutMs: options.replyTimeoutSeconds * 1000,
    minSizeLimitBytes: options.minSizeLimitBytes,
    ...(auth ? { auth } : {}),
    // Without the password, the envelope of a submission port would only be refused for lack of AUTH.
    ...(endpoint.envelope && (auth || !endpoint.auth) ? { envelope: endpoint.envelope } : {}),
    ...(endpoint.relayTest ? { relayTest: endpoint.relayTest } : {}),
    ...(tlsa ? { dane: { lookup: await tlsa, required: daneMode === 'required' } } : {}),
  };

  const io = { signal: ctx.signal, timings: ctx.timings, transcript: ctx.transcript, now: () => ctx.now() };
  const session = async () => {
    const found = await runSession(plan, io);
    // A session that ended before TLS still owes the DANE verdict (records that demand TLS, a bogus lookup).
    if (plan.dane && !found.some((c) => c.id === 'tls.dane'))
      found.push(daneCheck(plan.dane, undefined, plan.host));
    return judgeTls(found, plan, options.tlsScan, ctx, memo);
  };
  const first = await session();
  const greylisted = first.filter((c) => c.cause === 'smtp.rcpt.greylisted');
  if (greylisted.length === 0 || options.greylistRetrySeconds === 0 || ctx.signal.aborted) {
    return [...checks, ...first];
  }

  // Greylisting defers the first attempt on purpose: the retry after the configured delay decides.
  const delay = options.greylistRetrySeconds;
  ctx.transcript.add(`-- greylisted; retrying in ${delay}s`);
  try {
    await ctx.timings.measure('greylist-wait', () => sleep(delay * 1000, undefined, { signal: ctx.signal }));
  } catch {
    return [...checks, ...first];
  }
  const retry = await session();
  const before = new Map(greylisted.map((c) => [c.id, c]));
  return [
    ...checks,
    ...retry.map((c): Check => {
      const was = before.get(c.id);
      if (!was) return c;
      const firstReply = was.details?.reply ?? null;
      if (c.status === 'pass') {
        return {
          ...c,
          message: `${c.message} (accepted on retry after ${delay}s)`,
          details: { ...c.details, greylistedFirst: firstReply },
        };
      }
      if (c.cause === 'smtp.rcpt.greylisted') {
        return {
          ...c,
          status: 'fail',
          message: `${c.message} (still greylisted ${delay}s later)`,
          details: { ...c.details, greylistedFirst: firstReply },
        };
      }
      return c;
    }),
  ];
}
