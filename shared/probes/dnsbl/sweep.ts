import { isIP } from 'node:net';
import type { QuerySettings } from '../../config/resolver';
import { createResolver, type DnsResolver, type RrType } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import type { Check } from '../../model/result';
import { type Status, worstStatus } from '../../model/status';
import { domainSubject, rangeSize, rangeSubjects, type Subject } from './address';
import type { DnsblOptions } from './config';
import { DnsblEngine } from './engine';
import { activateZones, planZones } from './plan';
import { noZonesCheck, resolverKey, toCheck } from './probe';
import type { ZoneKeyOption } from './zones';

const DOMAIN = /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i;

/** What a sweep will check: subjects generated lazily, the total known up front so it can be bounded. */
export interface SweepInput {
  total: number;
  subjects: () => Iterable<Subject>;
}

/** Parses IPs, CIDR ranges and domains; every bad token and an oversized total are reported together. */
export function parseSweepTargets(tokens: string[], maxAddresses: number): SweepInput | { errors: string[] } {
  const errors: string[] = [];
  const ranges: string[] = [];
  const domains: Subject[] = [];
  let total = 0n;
  for (const raw of tokens) {
    const token = raw.trim();
    const [addr = '', bits, ...rest] = token.split('/');
    const family = isIP(addr);
    if (family !== 0) {
      const valid =
        rest.length === 0 &&
        (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
      if (!valid) errors.push(`"${token.slice(0, 80)}": not a valid CIDR range`);
      else {
        ranges.push(token);
        total += rangeSize(token);
      }
    } else if (DOMAIN.test(token)) {
      domains.push(domainSubject(token));
      total += 1n;
    } else {
      errors.push(`"${token.slice(0, 80)}": not an IP address, CIDR range or domain`);
    }
  }
  if (total > BigInt(maxAddresses)) {
    errors.push(
      `${total} targets is more than --max-targets ${maxAddresses}: split the run or raise the limit`,
    );
  }
  if (errors.length > 0) return { errors };
  return {
    total: Number(total),
    subjects: function* () {
      for (const r of ranges) yield* rangeSubjects(r);
      yield* domains;
    },
  };
}

/** One line of a sweep report: a target and its verdict over every zone. */
export interface SweepRow {
  target: string;
  kind: Subject['kind'];
  status: Status;
  /** Every zone's check; callers usually show the non-pass ones. */
  checks: Check[];
}

export interface SweepStats {
  targets: number;
  queries: number;
  elapsedMs: number;
  byStatus: Record<Status, number>;
  /** Zones that failed their self-test (or could not run it): every verdict from them is unknown. */
  untrustedZones: Map<string, { cause: CauseId; message: string }>;
}

export interface SweepOptions {
  options: DnsblOptions;
  resolver: QuerySettings;
  keys?: Partial<Record<ZoneKeyOption, string>>;
  signal?: AbortSignal;
  /** Injected for tests; defaults to a resolver on `resolver`. */
  resolve?: DnsResolver;
  /** Called once per target, in input order (targets finish out of order; rows are held until their turn). */
  onRow: (row: SweepRow) => void;
}

/** Numbers the subjects as they are drawn, so rows finished out of order can be released in input order. */
function numbered(subjects: Iterable<Subject>, order: WeakMap<Subject, number>): Iterable<Subject> {
  return (function* () {
    let i = 0;
    for (const subject of subjects) {
      order.set(subject, i++);
      yield subject;
    }
  })();
}

/** Checks every subject against every zone that lists its kind, with one bounded engine for the whole run. */
export async function runSweep(input: SweepInput, opts: SweepOptions): Promise<SweepStats> {
  const started = performance.now();
  const base = opts.resolve ?? createResolver(opts.resolver);
  let queries = 0;
  const counted = ((name: string, type: RrType) => {
    queries++;
    return base(name, type);
  }) as DnsResolver;
  const engine = new DnsblEngine({
    resolve: counted,
    zones: activateZones(planZones(opts.options), opts.keys ?? {}),
    concurrency: opts.options.concurrency,
    resolverKey: resolverKey(opts.resolver),
    selfTestTtlMs: opts.options.selfTestCacheFor,
    signal: opts.signal,
  });
  const stats: SweepStats = {
    targets: 0,
    queries: 0,
    elapsedMs: 0,
    byStatus: { pass: 0, warn: 0, fail: 0, unknown: 0 },
    untrustedZones: new Map(),
  };
  const order = new WeakMap<Subject, number>();
  // Rows that finished before an earlier target wait for it (at most a query timeout's worth of rows).
  const held = new Map<number, SweepRow>();
  let nextRow = 0;
  const release = (index: number, row: SweepRow) => {
    held.set(index, row);
    for (let r = held.get(nextRow); r; r = held.get(nextRow)) {
      held.delete(nextRow++);
      opts.onRow(r);
    }
  };
  await engine.sweep(numbered(input.subjects(), order), (subject, results) => {
    const checks = results.length > 0 ? results.map((r) => toCheck(r)) : [noZonesCheck(subject)];
    for (const [i, r] of results.entries()) {
      const check = checks[i];
      if (r.verdict.kind === 'unknown' && r.verdict.unhealthyZone && check?.cause) {
        stats.untrustedZones.set(r.zone.spec.zone, { cause: check.cause, message: check.message });
      }
    }
    const status = worstStatus(checks.map((c) => c.status));
    stats.targets++;
    stats.byStatus[status]++;
    release(order.get(subject) as number, { target: subject.value, kind: subject.kind, status, checks });
  });
  // Interrupted: a target drawn but never checked leaves later rows waiting; print them in order anyway.
  for (const index of [...held.keys()].sort((a, b) => a - b)) opts.onRow(held.get(index) as SweepRow);
  stats.queries = queries;
  stats.elapsedMs = performance.now() - started;
  return stats;
}
