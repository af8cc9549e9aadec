import type { SecretRef } from '../../shared/config/secret-ref';
import { createResolver, type DnsResolver, resolverFactory } from '../../shared/dns/resolver';
import { createSecureResolver } from '../../shared/dns/secure-query';
import type { Check, ProbeOutcome } from '../../shared/model/result';
import { Timings } from '../../shared/model/timings';
import { Transcript } from '../../shared/model/transcript';
import type { CanaryLedger } from '../../shared/probes/canary/ledger';
import type { ProbePorts } from '../../shared/probes/manifest';
import type { ProbeContext, ProbeDefinition } from '../../shared/probes/types';
import { createProbeContext, type ExecuteDeps, maskOutcome } from '../../shared/run/execute';
import { SecretUnavailableError } from '../../shared/secrets/resolve';
import { expandGroup } from '../../shared/suite/expand';
import { manifestOf } from '../../shared/suite/manifests';
import { type ProbeDefinitions, probeDefinitions } from '../../shared/suite/probes';
import type { MailprobeConfig, ProbeGroup } from '../../shared/suite/schema';
import { type Log, silentLog } from '../../shared/util/log';

/** Secret values by env var or Secrets Manager name, as a test configures them. */
export type TestSecrets = Record<string, string>;

function secretOf(secrets: TestSecrets, ref: SecretRef): string {
  const value = secrets['env' in ref ? ref.env : ref.secret];
  if (value === undefined) throw new SecretUnavailableError(ref, 'not configured in this test');
  return value;
}

/**
 * A ProbeContext for calling a probe function directly (a part of a probe, a check helper): DNS on the config's
 * resolver settings (or `resolve`), secrets from `secrets`, registered for redaction in the transcript as the
 * runner registers them; any field can be replaced.
 */
export function probeContext(
  config: Pick<MailprobeConfig, 'resolver'>,
  overrides: Partial<ProbeContext> & { secrets?: TestSecrets; resolve?: DnsResolver } = {},
): ProbeContext {
  const { secrets = {}, resolve, ...rest } = overrides;
  const transcript = rest.transcript ?? new Transcript();
  for (const value of Object.values(secrets)) transcript.redact(value);
  return {
    signal: new AbortController().signal,
    deadline: Date.now() + 60_000,
    scheduledAt: new Date(),
    now: () => new Date(),
    memo: undefined,
    secret: (ref) => secretOf(secrets, ref),
    dns: (o) => resolve ?? createResolver({ ...config.resolver, ...o }),
    dnssec: (o) => createSecureResolver({ ...config.resolver, ...o }),
    timings: new Timings(),
    log: silentLog,
    ...rest,
    transcript,
  };
}

export interface ProbeRunOptions {
  secrets?: TestSecrets;
  signal?: AbortSignal;
  now?: () => Date;
  memo?: ProbeContext['memo'];
  log?: Log;
  /** Replaces the resolver factory (e.g. a zone resolver). */
  resolve?: DnsResolver;
}

export interface ProbeRun extends ProbeOutcome {
  transcript: string[];
  timings: Record<string, number>;
  check(id: string): Check | undefined;
}

/**
 * Runs a probe once on the first target of its group, with the very context the runner builds (secrets resolved
 * and registered for redaction, DNS from the config, the returned strings masked), but under the caller's signal
 * instead of the runner's budget, so a test can see what the probe itself reports when it is aborted.
 */
export async function runProbeOnce(
  definition: ProbeDefinition<ProbeGroup, unknown>,
  config: MailprobeConfig,
  group: ProbeGroup,
  options: ProbeRunOptions = {},
): Promise<ProbeRun> {
  const manifest = manifestOf(group.kind);
  const [spec] = expandGroup(config, group, (g) => manifest.targets(config.targets, g), definition);
  if (!spec) throw new Error(`group ${group.name} has no target`);
  const deps: ExecuteDeps = {
    secrets: async (ref) => secretOf(options.secrets ?? {}, ref),
    resolver: config.resolver,
    dns: options.resolve ? () => options.resolve as DnsResolver : resolverFactory(),
    log: options.log ?? silentLog,
    now: options.now ?? (() => new Date()),
  };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), spec.timeoutMs);
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  try {
    const ctx = await createProbeContext(
      spec,
      {
        scheduledAt: new Date(),
        memo: options.memo,
        signal: controller.signal,
        deadline: Date.now() + spec.timeoutMs,
      },
      deps,
    );
    const outcome = maskOutcome(await definition.run(spec.target, spec.group, ctx), ctx.transcript);
    return {
      ...outcome,
      transcript: ctx.transcript.toLines(),
      timings: ctx.timings.values,
      check: (id) => outcome.checks.find((c) => c.id === id),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Every kind's probe, for tests that expand a whole config; the platform's services throw unless given. */
export function testProbeDefinitions(ports: Partial<ProbePorts> = {}): Promise<ProbeDefinitions> {
  const missing = (what: string) => () => {
    throw new Error(`this test provides no ${what}`);
  };
  const ledger = new Proxy({} as CanaryLedger, {
    get: (_t, name) => missing(`canary ledger (${String(name)})`),
  });
  return probeDefinitions({ canaryLedger: ledger, ses: missing('SES client'), ...ports });
}
