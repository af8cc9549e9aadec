import type { ResolverSettings } from '../config/resolver';
import {
  describeSecretRef,
  loginsIn,
  type SecretRef,
  type SecretResolver,
  secretRefsIn,
} from '../config/secret-ref';
import type { ResolverFactory } from '../dns/resolver';
import { createSecureResolver } from '../dns/secure-query';
import type { CauseId } from '../model/causes/index';
import type { Check, JsonObject, JsonValue, ProbeOutcome, ProbeResult } from '../model/result';
import { worstStatus } from '../model/status';
import { Timings } from '../model/timings';
import { Transcript } from '../model/transcript';
import type { ProbeContext } from '../probes/types';
import { SecretUnavailableError } from '../secrets/resolve';
import type { ProbeSpec } from '../suite/expand';
import { formatDuration } from '../util/duration';
import type { Log } from '../util/log';

export interface ExecuteDeps {
  secrets: SecretResolver;
  /** The configured DNS settings (`resolver` in the config), and the factory that builds resolvers from them. */
  resolver: ResolverSettings;
  dns: ResolverFactory;
  log: Log;
  now: () => Date;
}

/** Sentinel settled when the time budget is spent, whether or not the probe honours its signal. */
class ProbeTimeout extends Error {
  override readonly name = 'ProbeTimeout';
}

/**
 * After the budget, how long a probe that honours its signal has to return what it found so far (the checks it
 * passed, the step it was waiting on). A probe that ignores the signal is cut off after it.
 */
const GRACE_MS = 1000;

/**
 * Why the runner aborts a run's signal once the verdict is in (work the probe left running stops). One reason for
 * every run: an abort without one builds a DOMException, stack and all, on every run.
 */
const RUN_OVER = new Error('the probe run is over');

function runnerCheck(cause: CauseId, message: string): Check {
  return { id: 'probe', status: 'unknown', cause, message };
}

/** Every string in a JSON value passed through `mask`, object keys too (a probe may key details by server text). */
function masked<T extends JsonValue | undefined>(value: T, mask: (s: string) => string): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => masked(v, mask)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [mask(k), masked(v, mask)])) as T;
  }
  return value;
}

/** A log whose every message and field has the run's secrets masked. */
function maskedLog(log: Log, transcript: Transcript): Log {
  const wrap =
    (level: keyof Log) =>
    (message: string, extra?: Record<string, unknown>): void =>
      log[level](
        transcript.mask(message),
        extra &&
          (masked(JSON.parse(JSON.stringify(extra)) as JsonObject, (s) => transcript.mask(s)) as JsonObject),
      );
  return { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/**
 * Resolves every secret the target and the group reference, registering each value for redaction before the
 * probe sees it. A secret that cannot be read is remembered: the probe learns it when it asks for it.
 */
async function resolveSecrets(
  spec: ProbeSpec,
  secrets: SecretResolver,
  transcript: Transcript,
): Promise<(ref: SecretRef) => string> {
  const values = new Map<string, string | Error>();
  await Promise.all(
    secretRefsIn([spec.target, spec.group]).map(async (ref) => {
      const key = describeSecretRef(ref);
      try {
        const value = await secrets(ref);
        transcript.redact(value);
        values.set(key, value);
      } catch (err) {
        values.set(key, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  for (const { user, ref } of loginsIn([spec.target, spec.group])) {
    const value = values.get(describeSecretRef(ref));
    if (typeof value === 'string') transcript.redactLogin(user, value);
  }
  return (ref) => {
    const value = values.get(describeSecretRef(ref));
    if (typeof value === 'string') return value;
    if (value instanceof SecretUnavailableError) throw value;
    throw new SecretUnavailableError(ref, value ? value.message : 'not referenced by this target or group');
  };
}

/** What the runner gives a probe besides its target and group. */
export interface ContextParts {
  scheduledAt: Date;
  memo: JsonObject | undefined;
  signal: AbortSignal;
  deadline: number;
}

/**
 * The context of one probe run: secrets of the target and group resolved and registered for redaction, the
 * resolver factory on the configured settings, a fresh transcript and timings, a masking log.
 */
export async function createProbeContext(
  spec: ProbeSpec,
  parts: ContextParts,
  deps: ExecuteDeps,
): Promise<ProbeContext> {
  const transcript = new Transcript();
  return {
    ...parts,
    now: deps.now,
    secret: await resolveSecrets(spec, deps.secrets, transcript),
    dns: (overrides) => deps.dns({ ...deps.resolver, ...overrides }),
    dnssec: (overrides) => createSecureResolver({ ...deps.resolver, ...overrides }),
    transcript,
    timings: new Timings(),
    log: maskedLog(deps.log, transcript),
  };
}

/** A result the runner writes itself, without running the probe: one `unknown` check naming why. */
export function runnerResult(
  spec: ProbeSpec,
  scheduledAt: Date,
  deps: Pick<ExecuteDeps, 'now'>,
  why: { cause: CauseId; message: string },
): ProbeResult {
  const at = deps.now().toISOString();
  return {
    probeId: spec.id,
    kind: spec.kind,
    group: spec.group.name,
    target: spec.targetName,
    scheduledAt: scheduledAt.toISOString(),
    startedAt: at,
    finishedAt: at,
    durationMs: 0,
    status: 'unknown',
    checks: [runnerCheck(why.cause, why.message)],
    timings: {},
    transcript: [],
  };
}

/** A probe's outcome with every registered secret masked in every string (defence in depth for server echoes). */
export function maskOutcome(outcome: ProbeOutcome, transcript: Transcript): ProbeOutcome {
  const mask = (s: string) => transcript.mask(s);
  return {
    checks: outcome.checks.map((c) => masked(c as unknown as JsonObject, mask) as unknown as Check),
    ...(outcome.memo ? { memo: masked(outcome.memo, mask) } : {}),
  };
}

/** The runner's timeout check: which phase was waiting, and which had finished (with their times). */
function timeoutCheck(budgetMs: number, waitingFor: string[], timings: Timings | undefined): Check {
  const values = timings?.values ?? {};
  const finished = Object.keys(values).filter((p) => !waitingFor.includes(p));
  const waiting = waitingFor.length > 0 ? ` while waiting for ${waitingFor.join(', ')}` : '';
  const done = finished.length > 0 ? ` (finished: ${finished.join(', ')})` : '';
  return {
    ...runnerCheck('probe.timeout', `time budget of ${formatDuration(budgetMs)} spent${waiting}${done}`),
    details: { budgetMs, waitingFor, finished, timings: { ...values } },
  };
}

/**
 * Runs one probe under a hard time budget and always returns a result: a crash, a missing secret or a timeout
 * becomes an `unknown` result naming its cause, never an exception and never a lost run. The runner owns what
 * every probe would otherwise repeat: secrets (resolved and redacted), the deadline, the DNS resolver, and
 * masking every string the probe returns.
 */
export async function executeProbe(
  spec: ProbeSpec,
  scheduledAt: Date,
  memo: JsonObject | undefined,
  deps: ExecuteDeps,
): Promise<{ result: ProbeResult; memo?: JsonObject }> {
  const started = deps.now();
  const startedMs = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let ctx: ProbeContext | undefined;
  /** The phases running when the budget ran out, e.g. `banner` after a passed `connect`. */
  let waitingFor: string[] | undefined;
  const budget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Before the context exists the runner itself was still resolving the secrets.
      waitingFor = ctx ? ctx.timings.inProgress() : ['secrets'];
      controller.abort(new ProbeTimeout(`no verdict within ${formatDuration(spec.timeoutMs)}`));
      timer = setTimeout(() => reject(controller.signal.reason), GRACE_MS);
    }, spec.timeoutMs);
  });
  const parts = { scheduledAt, memo, signal: controller.signal, deadline: Date.now() + spec.timeoutMs };
  // Secrets are looked up inside the budget: a stuck Secrets Manager call ends as a timeout like any other step.
  const run = async () => {
    ctx = await createProbeContext(spec, parts, deps);
    return maskOutcome(await spec.definition.run(spec.target, spec.group, ctx), ctx.transcript);
  };

  let checks: Check[];
  let newMemo: JsonObject | undefined;
  try {
    const outcome = await Promise.race([run(), budget]);
    checks = outcome.checks;
    newMemo = outcome.memo;
    if (waitingFor && !checks.some((c) => c.cause === 'probe.timeout')) {
      checks = [...checks, timeoutCheck(spec.timeoutMs, waitingFor, ctx?.timings)];
    }
  } catch (err) {
    const mask = (s: string) => (ctx ? ctx.transcript.mask(s) : s);
    if (err instanceof ProbeTimeout) {
      checks = [timeoutCheck(spec.timeoutMs, waitingFor ?? [], ctx?.timings)];
    } else if (err instanceof SecretUnavailableError) {
      checks = [runnerCheck('probe.secret-unavailable', mask(err.message))];
    } else {
      const e = err instanceof Error ? err : new Error(String(err));
      (ctx?.log ?? deps.log).error('probe crashed', { probeId: spec.id, error: e.stack ?? e.message });
      checks = [runnerCheck('probe.crashed', mask(`${e.name}: ${e.message}`).slice(0, 500))];
    }
  } finally {
    clearTimeout(timer);
    controller.abort(RUN_OVER);
  }

  const finished = deps.now();
  return {
    result: {
      probeId: spec.id,
      kind: spec.kind,
      group: spec.group.name,
      target: spec.targetName,
      scheduledAt: scheduledAt.toISOString(),
      startedAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - startedMs),
      status: worstStatus(checks.map((c) => c.status)),
      checks,
      timings: ctx?.timings.values ?? {},
      transcript: ctx?.transcript.toLines() ?? [],
    },
    memo: newMemo,
  };
}
