import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { z } from 'zod';
import type { ConfigIssue, ConfigWarning } from '../config/errors';
import type { CauseTable } from '../model/causes/types';
import type { CanaryLedger } from './canary/ledger';
import type { NamedTarget, ProbeDefinition } from './types';

/** The services a platform (the Lambda runtime, the CLI) lends to the kinds whose probes need them. */
export interface ProbePorts {
  /** Where canary sends and arrivals are recorded: the results table. */
  canaryLedger: CanaryLedger;
  /** The SES v2 client for a region (`undefined`: the default region), built once by the platform. */
  ses(region: string | undefined): Promise<SESv2Client>;
}

/** One graph a kind adds to the dashboard: a metric of each of its groups, per statistic. */
interface GraphSpec {
  title: string;
  /** Metric name as the kind's probe definition emits it (see `ProbeDefinition.metrics`). */
  metrics: { name: string; stat: string }[];
  periodSeconds: number;
}

/** Fields every probe group has, whatever its kind (see `shared/config/group.ts`). */
export interface GroupShape {
  kind: string;
  name: string;
  enabled: boolean;
  targets?: string[] | undefined;
  timeoutSeconds: number;
}

/** One group of a kind as the kind's warnings see it. */
export interface KindGroupEntry<G> {
  group: G;
  path: string;
  staticEgress: boolean;
}

/**
 * Everything the rest of the system needs to know about a probe kind. The config schema, its warnings, the
 * stack's runners and grants, the dashboard and the docs' kind list are all derived from the list of manifests
 * (`shared/suite/kinds.ts`). Manifests carry the config schema (zod classic) and are never imported by a Lambda:
 * the kind's runner (`functions/run-<kind>.ts`) imports its probe definition only.
 *
 * `Reads` is the part of the config's `targets` section this kind reads; `G` its group schema; `T` one target.
 */
export interface KindManifest<
  K extends string = string,
  G extends z.ZodType<GroupShape & { kind: K }> = z.ZodType<GroupShape & { kind: K }>,
  Fields extends Record<string, z.ZodType> = Record<string, z.ZodType>,
  Reads = never,
  T = unknown,
> {
  kind: K;
  /** One line for the docs and `mailprobe --help`. */
  summary: string;
  /** The schema of a probe group of this kind (`probes[]` entries with `kind: K`). */
  group: G;
  /** The fields of `targets` this kind defines, each with its default. */
  targetFields: Fields;
  /**
   * The fields of `targets` this kind's probes read: where its targets live, and so where the secrets it may
   * read are referenced (together with its groups).
   */
  reads: readonly string[];
  /** The targets a group covers (every one; a group's own `targets` list filters them by name). */
  targets(targets: Reads, group: z.output<G>): NamedTarget<T>[];
  /**
   * How many targets `targets()` would return, found without expanding them (every config load runs it before the
   * probes-per-minute ceiling, so it must stay cheap for huge ranges); an upper bound is fine. Default: the length
   * of `targets()`.
   */
  size?(targets: Reads, group: z.output<G>): number;
  /** Problems of this kind's target lists that only a group's options reveal (e.g. a range over its cap). */
  targetIssues?(targets: Reads, group: z.output<G>): ConfigIssue[];
  /** Whether a group may name `name` in its `targets`: by default, when `targets()` has a target of that name. */
  accepts?(name: string, targets: Reads): boolean;
  /**
   * Settings that validate but will not work as expected; `path` is each group's path in the file, `staticEgress`
   * whether the group is deployed behind the static egress (`deploy.staticEgress.groups`: a VPC with a NAT gateway
   * and a fixed address, the only way out on port 25).
   */
  warnings?(input: { targets: Reads; groups: KindGroupEntry<z.output<G>>[] }): ConfigWarning[];
  /** The kind's section of the cause catalog (ids start with `<kind>.`). */
  causes: CauseTable;
  /**
   * Loads and builds the probe with the platform's services (most kinds need none). The probe's module is imported
   * here and nowhere else in the manifest, so a command that runs one kind loads that kind's probe code only.
   */
  probe(ports: ProbePorts): Promise<ProbeDefinition<z.output<G>, T>>;
  /** Dashboard graphs the kind contributes. */
  graphs: readonly GraphSpec[];
}

/** Declares a manifest with its types inferred (a no-op at run time). */
export function defineKind<
  K extends string,
  G extends z.ZodType<GroupShape & { kind: K }>,
  Fields extends Record<string, z.ZodType>,
  Reads,
  T,
>(manifest: KindManifest<K, G, Fields, Reads, T>): KindManifest<K, G, Fields, Reads, T> {
  return manifest;
}

/** A manifest with its kind's own types erased: what lists of every kind hold. */
// biome-ignore lint/suspicious/noExplicitAny: each kind has its own group, targets and target types.
export type AnyKindManifest = KindManifest<string, any, Record<string, z.ZodType>, any, any>;
