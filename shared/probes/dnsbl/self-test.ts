import { isIPv4, isIPv6 } from 'node:net';
import type { CauseId } from '../../model/causes/index';
import { queryLabels, type Subject } from './address';
import { classifyAnswers } from './answers';
import { FAILURE_TEXT, type LookupOutcome } from './lookup';
import type { ActiveZone } from './plan';

/** Whether a zone may be trusted, per RFC 5782 section 5. */
export type ZoneHealth = { healthy: true } | { healthy: false; cause: CauseId; detail: string };

/** How long a self-test that could not run (timeout, refused) is remembered, when shorter than the configured time. */
const FAILED_TEST_TTL_MS = 60_000;

const RFC5782_POINTS: Record<Subject['kind'], { listed: Subject; notListed: Subject }> = {
  ip4: { listed: { kind: 'ip4', value: '127.0.0.2' }, notListed: { kind: 'ip4', value: '127.0.0.1' } },
  ip6: {
    listed: { kind: 'ip6', value: '::ffff:7f00:2' },
    notListed: { kind: 'ip6', value: '::ffff:7f00:1' },
  },
  domain: { listed: { kind: 'domain', value: 'test' }, notListed: { kind: 'domain', value: 'invalid' } },
};

/** A configured test point: an IPv6 literal stays IPv6 (the RFC's ::FFFF:7F00:2 is not mapped to IPv4 here). */
function pointSubject(text: string): Subject {
  if (isIPv4(text)) return { kind: 'ip4', value: text };
  if (isIPv6(text)) return { kind: 'ip6', value: text.toLowerCase() };
  return { kind: 'domain', value: text.toLowerCase() };
}

/** The test points of a zone: configured ones, else the RFC 5782 points of the first kind it lists. */
function testPoints(zone: ActiveZone): { listed: Subject; notListed: Subject } | undefined {
  const configured = zone.spec.selfTest;
  if (configured === false) return undefined;
  if (configured)
    return { listed: pointSubject(configured.listed), notListed: pointSubject(configured.notListed) };
  return RFC5782_POINTS[zone.spec.kinds[0] ?? 'ip4'];
}

/** Asks for the A records of a name (the engine passes its rate-limited lookup). */
type AskA = (name: string) => Promise<LookupOutcome<string>>;

async function runSelfTest(zone: ActiveZone, askA: AskA, onQuery?: QueryLog): Promise<ZoneHealth> {
  const points = testPoints(zone);
  if (!points) return { healthy: true };
  const ask = async (subject: Subject) => {
    const name = `${queryLabels(subject)}.${zone.queryZone}`;
    const outcome = await askA(name);
    onQuery?.(name, outcome);
    return outcome;
  };
  const [listed, notListed] = await Promise.all([ask(points.listed), ask(points.notListed)]);

  if (listed.kind === 'failed') {
    return {
      healthy: false,
      cause: listed.cause,
      detail: `self-test lookup of ${points.listed.value}: ${FAILURE_TEXT[listed.failure]}`,
    };
  }
  if (listed.kind === 'absent') {
    return {
      healthy: false,
      cause: 'dnsbl.zone.dead',
      detail: `self-test: ${points.listed.value} must be listed but is not`,
    };
  }
  const listedVerdict = classifyAnswers(zone.spec, listed.records);
  if (listedVerdict.kind === 'error') {
    return { healthy: false, cause: listedVerdict.cause, detail: `self-test: ${listedVerdict.detail}` };
  }
  if (notListed.kind === 'failed') {
    return {
      healthy: false,
      cause: notListed.cause,
      detail: `self-test lookup of ${points.notListed.value}: ${FAILURE_TEXT[notListed.failure]}`,
    };
  }
  if (notListed.kind === 'records') {
    const verdict = classifyAnswers(zone.spec, notListed.records);
    // A documented error code (refused, rate limit) or a rewritten answer says more than "lists everything".
    if (verdict.kind === 'error' && verdict.cause !== 'dnsbl.answer.invalid') {
      return { healthy: false, cause: verdict.cause, detail: `self-test: ${verdict.detail}` };
    }
    return {
      healthy: false,
      cause: 'dnsbl.zone.lists-everything',
      detail: `self-test: ${points.notListed.value} must not be listed but answers ${notListed.records.join(', ')}`,
    };
  }
  return { healthy: true };
}

export type QueryLog = (name: string, outcome: LookupOutcome<string | string[]>) => void;

interface CacheEntry {
  expires: number;
  health: Promise<ZoneHealth>;
  /** Set once the test has finished, so callers can skip an untrusted zone without waiting. */
  settled?: ZoneHealth;
}

/**
 * Self-test results per resolver and zone, shared by every probe run in this process (a Lambda container, a CLI
 * sweep). Concurrent callers share one in-flight test, so a sweep of 10,000 addresses tests each zone once.
 */
const cache = new Map<string, CacheEntry>();

export interface SelfTestOptions {
  ask: AskA;
  /** Identifies the resolver configuration: a zone may be healthy through one resolver and refused through another. */
  resolverKey: string;
  ttlMs: number;
  now: () => number;
  onQuery?: QueryLog;
}

/** Each zone's last key: asked before every zone query of a sweep, so built once, not per query. */
const keys = new WeakMap<ActiveZone, { resolverKey: string; key: string }>();

/** A result holds for one resolver, one zone and the points it tested (configured, or those of the zone's kind). */
function cacheKey(zone: ActiveZone, resolverKey: string): string {
  const known = keys.get(zone);
  if (known?.resolverKey === resolverKey) return known.key;
  const key = `${resolverKey}|${zone.queryZone}|${JSON.stringify(testPoints(zone) ?? null)}`;
  keys.set(zone, { resolverKey, key });
  return key;
}

/** The finished, unexpired self-test result of a zone, if there is one. */
export function settledZoneHealth(
  zone: ActiveZone,
  options: Pick<SelfTestOptions, 'resolverKey' | 'now'>,
): ZoneHealth | undefined {
  const cached = cache.get(cacheKey(zone, options.resolverKey));
  return cached && cached.expires > options.now() ? cached.settled : undefined;
}

export function zoneHealth(zone: ActiveZone, options: SelfTestOptions): Promise<ZoneHealth> {
  const key = cacheKey(zone, options.resolverKey);
  const now = options.now();
  const cached = cache.get(key);
  if (cached && cached.expires > now) return cached.health;
  const entry: CacheEntry = {
    expires: now + options.ttlMs,
    health: runSelfTest(zone, options.ask, options.onQuery),
  };
  cache.set(key, entry);
  entry.health.then(
    (health) => {
      // A test cut short by the caller's time budget says nothing about the zone: forget it.
      if (!health.healthy && health.cause === 'probe.timeout') {
        if (cache.get(key) === entry) cache.delete(key);
        return;
      }
      entry.settled = health;
      const couldNotTest =
        !health.healthy &&
        health.cause !== 'dnsbl.zone.dead' &&
        health.cause !== 'dnsbl.zone.lists-everything';
      if (couldNotTest) entry.expires = Math.min(entry.expires, options.now() + FAILED_TEST_TTL_MS);
    },
    () => cache.delete(key),
  );
  return entry.health;
}

/** Forgets every self-test result (tests; a CLI `--retest`). */
export function clearSelfTestCache(): void {
  cache.clear();
}
