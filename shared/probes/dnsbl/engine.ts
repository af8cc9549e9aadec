import type { DnsResolver } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import { queryLabels, type Subject } from './address';
import { classifyAnswers, type Meaning } from './answers';
import { boundedReason, FAILURE_TEXT, type LookupOutcome, lookup } from './lookup';
import type { ActiveZone } from './plan';
import {
  type QueryLog,
  type SelfTestOptions,
  settledZoneHealth,
  type ZoneHealth,
  zoneHealth,
} from './self-test';

/** The verdict of one zone on one subject. */
type ZoneVerdict =
  | { kind: 'clean' }
  | {
      kind: 'listed';
      severity: 'fail' | 'warn';
      cause: CauseId;
      answers: string[];
      meanings: Meaning[];
      reason?: string;
    }
  | { kind: 'allowlisted'; answers: string[]; meanings: Meaning[] }
  /** No verdict: the query failed, the zone answered an error code, or the zone failed its self-test. */
  | { kind: 'unknown'; cause: CauseId; detail: string; unhealthyZone?: boolean };

export interface ZoneResult {
  zone: ActiveZone;
  /** The query as it may be shown: the public zone name, never a keyed one. */
  shownQuery: string;
  verdict: ZoneVerdict;
}

export interface EngineOptions {
  resolve: DnsResolver;
  zones: ActiveZone[];
  /**
   * Zone and TXT queries in flight at once. Self-tests (two queries per zone, once per cache period) have a pool
   * twice that size beside it: on a cold run they never hold back the zone queries, and every zone's pair goes out
   * with its query (a pair left for a second wave would hold back that zone's verdict by a round trip).
   */
  concurrency: number;
  resolverKey: string;
  selfTestTtlMs: number;
  now?: () => number;
  /** Stops starting queries; zones not yet asked get `probe.timeout`. */
  signal?: AbortSignal;
  onQuery?: QueryLog;
}

/** What a self-test query that was never sent (time budget spent) counts as. */
const ABORTED: LookupOutcome<string> = { kind: 'failed', failure: 'timeout', cause: 'probe.timeout' };

/** A counting semaphore: at most `size` holders at once, served in arrival order. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly size: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** Checks subjects against zones; one engine (one limiter, one resolver) serves a probe run or a whole sweep. */
export class DnsblEngine {
  private readonly limiter: Limiter;
  /** The self-test's queries (in their own pool), cache key and clock: the same for every zone. */
  private readonly selfTest: SelfTestOptions;

  constructor(private readonly options: EngineOptions) {
    this.limiter = new Limiter(options.concurrency);
    const selfTests = new Limiter(2 * options.concurrency);
    this.selfTest = {
      ask: async (name) => (await this.query(() => lookup(options.resolve, name, 'A'), selfTests)) ?? ABORTED,
      resolverKey: options.resolverKey,
      ttlMs: options.selfTestTtlMs,
      now: options.now ?? Date.now,
      onQuery: options.onQuery,
    };
  }

  /** Zones that list this kind of subject. */
  zonesFor(subject: Subject): ActiveZone[] {
    return this.options.zones.filter((z) => z.spec.kinds.includes(subject.kind));
  }

  /** Every applicable zone's verdict on one subject, in zone order. */
  check(subject: Subject): Promise<ZoneResult[]> {
    const labels = queryLabels(subject);
    return Promise.all(this.zonesFor(subject).map((zone) => this.checkZone(labels, zone)));
  }

  private query<T>(fn: () => Promise<T>, pool = this.limiter): Promise<T | undefined> {
    if (this.options.signal?.aborted) return Promise.resolve(undefined);
    return pool.run(() => (this.options.signal?.aborted ? Promise.resolve(undefined) : fn()));
  }

  private async checkZone(labels: string, zone: ActiveZone): Promise<ZoneResult> {
    const shownQuery = `${labels}.${zone.spec.zone}`;
    const result = (verdict: ZoneVerdict): ZoneResult => ({ zone, shownQuery, verdict });
    const outOfTime = result({
      kind: 'unknown',
      cause: 'probe.timeout',
      detail: 'not queried: time budget spent',
    });

    if (this.options.signal?.aborted) return outOfTime;
    const { resolve, onQuery } = this.options;
    const untrusted = (h: ZoneHealth & { healthy: false }) =>
      result({ kind: 'unknown', cause: h.cause, detail: h.detail, unhealthyZone: true });
    // A known self-test result decides at once. Otherwise the self-test and the query run side by side, so a
    // cold run costs one round trip, not two; the answer is only believed once the zone has passed.
    const known = settledZoneHealth(zone, this.selfTest);
    if (known && !known.healthy) return untrusted(known);
    const name = `${labels}.${zone.queryZone}`;
    const testing = known ? undefined : zoneHealth(zone, this.selfTest);
    const asked = this.query(() => lookup(resolve, name, 'A'));
    const [health, outcome] = testing
      ? await Promise.all([testing, asked])
      : [known as ZoneHealth, await asked];
    if (!health.healthy) return untrusted(health);
    if (!outcome) return outOfTime;
    onQuery?.(name, outcome);
    if (outcome.kind === 'absent') return result({ kind: 'clean' });
    if (outcome.kind === 'failed')
      return result({ kind: 'unknown', cause: outcome.cause, detail: FAILURE_TEXT[outcome.failure] });

    const answers = [...outcome.records].sort();
    const verdict = classifyAnswers(zone.spec, answers);
    if (verdict.kind === 'error')
      return result({ kind: 'unknown', cause: verdict.cause, detail: verdict.detail });
    if (verdict.kind === 'allowlisted')
      return result({ kind: 'allowlisted', answers, meanings: verdict.meanings });

    const txt = await this.query(() => lookup(resolve, name, 'TXT'));
    if (txt) onQuery?.(name, txt);
    const reason = txt?.kind === 'records' ? boundedReason(txt.records) : undefined;
    return result({
      kind: 'listed',
      severity: verdict.severity,
      cause: verdict.cause,
      answers,
      meanings: verdict.meanings,
      ...(reason ? { reason } : {}),
    });
  }

  /**
   * Checks many subjects, calling `onResult` once per subject as it completes (not in input order). Subjects are
   * taken from the iterable lazily, so a range of addresses never has to exist in memory at once.
   */
  async sweep(
    subjects: Iterable<Subject>,
    onResult: (subject: Subject, results: ZoneResult[]) => void,
  ): Promise<void> {
    const iterator = subjects[Symbol.iterator]();
    const perSubject = Math.max(1, this.options.zones.length);
    // Enough subjects in flight to keep every query slot busy, twice over to cover self-tests and TXT lookups.
    const workers = Math.max(1, Math.ceil((2 * this.options.concurrency) / perSubject));
    const worker = async () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (this.options.signal?.aborted) return;
        onResult(next.value, await this.check(next.value));
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  }
}
