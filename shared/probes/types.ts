import type { MailprobeConfig, ProbeGroup } from '../config/schema';
import type { SecretRef } from '../config/secret-ref';
import type { JsonObject, ProbeKind, ProbeOutcome } from '../model/result';
import type { Timings } from '../model/timings';
import type { Transcript } from '../model/transcript';
import type { Log } from '../util/log';
import type { CanaryLedger } from './canary/ledger';

/** Resolves a secret reference to its value. Values must only ever be handed to the protocol, and to `transcript.redact`. */
export type SecretResolver = (ref: SecretRef) => Promise<string>;

/** Everything a probe may use besides its target and options. Probes are pure of AWS: all I/O goes through here or loopback-capable clients. */
export interface ProbeContext {
  /** Aborted when the probe's time budget is spent: pass it to every client, stop promptly. */
  signal: AbortSignal;
  /** The schedule slot this run belongs to. */
  scheduledAt: Date;
  now(): Date;
  /** What this probe returned as `memo` on its previous run, if any. */
  memo: JsonObject | undefined;
  config: MailprobeConfig;
  secrets: SecretResolver;
  transcript: Transcript;
  timings: Timings;
  log: Log;
  /** Where canary sends and arrivals are recorded (the results table); without it, ledger arrivals are unknown. */
  canary?: CanaryLedger;
}

/** One target of a probe group, with the stable name it is stored and alerted under. */
export interface NamedTarget<T = unknown> {
  name: string;
  target: T;
}

export interface ProbeDefinition<G extends ProbeGroup = ProbeGroup, T = unknown> {
  kind: G['kind'];
  /** Expands a group into the targets it covers (one probe per target). */
  targets(group: G, config: MailprobeConfig): NamedTarget<T>[];
  /** Runs the checks. Throws only on bugs: every expected failure is a check with a cause. */
  run(target: T, group: G, ctx: ProbeContext): Promise<ProbeOutcome>;
}

export type ProbeRegistry = {
  // biome-ignore lint/suspicious/noExplicitAny: each kind has its own target type; the registry erases it.
  [K in ProbeKind]: ProbeDefinition<Extract<ProbeGroup, { kind: K }>, any>;
};
