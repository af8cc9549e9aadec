import type { ResolverSettings } from '../config/resolver';
import type { SecretRef } from '../config/secret-ref';
import type { DnsResolver } from '../dns/resolver';
import type { SecureResolver } from '../dns/secure-query';
import type { JsonObject, ProbeOutcome, ProbeResult } from '../model/result';
import type { Timings } from '../model/timings';
import type { Transcript } from '../model/transcript';
import type { Log } from '../util/log';

/**
 * Everything a probe may use besides its target and group options. Probes are pure of AWS: all I/O goes through
 * here, through ports given to their factory, or through loopback-capable clients. The runner builds it.
 */
export interface ProbeContext {
  /** Aborted when the probe's time budget is spent: pass it to every client, stop promptly. */
  signal: AbortSignal;
  /** When the time budget ends (epoch ms, `Date.now()` clock): plan waits so they end before it. */
  deadline: number;
  /** The schedule slot this run belongs to. */
  scheduledAt: Date;
  now(): Date;
  /** What this probe returned as `memo` on its previous run, if any. */
  memo: JsonObject | undefined;
  /**
   * A secret referenced by the target or the group, resolved by the runner before the probe started and already
   * registered for redaction. Throws `SecretUnavailableError` (naming the reference) when it could not be read.
   */
  secret(ref: SecretRef): string;
  /** A resolver on the configured DNS servers, timeouts and tries, with `overrides` on top. */
  dns(overrides?: Partial<ResolverSettings>): DnsResolver;
  /** DNSSEC-aware queries (DO, AD, extended errors, CD) on the same servers; `validating` says whether AD counts. */
  dnssec(overrides?: Partial<ResolverSettings>): SecureResolver;
  transcript: Transcript;
  timings: Timings;
  log: Log;
}

/** What runs a probe kind: the checks for one target of one group. */
export interface ProbeDefinition<
  G extends { kind: string; name: string } = { kind: string; name: string },
  T = unknown,
> {
  kind: G['kind'];
  /** Runs the checks. Throws only on bugs: every expected failure is a check with a cause. */
  run(target: T, group: G, ctx: ProbeContext): Promise<ProbeOutcome>;
  /**
   * The run acts on the world (it sends a real message): the runner claims the schedule slot before running it,
   * so a retried or duplicated invocation never acts twice.
   */
  sideEffects?: true;
  /** The kind's own metrics of a stored result (besides runs, statuses and duration, which every kind emits). */
  metrics?(result: ProbeResult): MetricPoint[];
}

/** One metric value of a run, emitted per group (EMF in Lambda). */
interface MetricPoint {
  name: string;
  unit: 'Milliseconds' | 'Count';
  value: number;
}

/** One target of a probe group, with the stable name it is stored and alerted under. */
export interface NamedTarget<T = unknown> {
  name: string;
  target: T;
}
