import type { ProbeState } from '../../shared/alert/types';
import type { Check, ProbeResult } from '../../shared/model/result';

/** The kinds a seeded history covers. */
type ProbeKind = 'smtp' | 'dns' | 'dnsbl' | 'canary';

import { worstStatus } from '../../shared/model/status';
import type { EmbeddedStore } from '../../shared/store/embedded';
import { addTo, emptyHistogram } from '../../shared/store/histogram';
import {
  bucketStart,
  eventFor,
  RESOLUTIONS,
  type RollupIncrement,
  rollupIncrement,
} from '../../shared/store/rollup-model';
import { RollupTable } from '../../shared/store/rollups';
import { mapLimit } from '../../shared/util/concurrency';

/**
 * A synthetic history of every probe kind, with failures, blocklist listings, DNS drift and incidents, seeded at
 * any size. Every slot's result is generated and goes through the real rollup and event functions; to keep
 * 172,800 results affordable on dynalite the per-slot increments are summed per bucket first and written with
 * the real ADD update (one per bucket), the events with the real put, and only the newest raw result per probe
 * and its state are stored, which is all a report reads.
 */

/** Text a hostile server could send: markup, a script end tag, a formula, controls. */
export const HOSTILE = '</script><img src=x onerror=alert(1)>"\'&<b>=cmd|\u0007';

export interface SeedOptions {
  /** Probes per kind: smtp, dns, dnsbl, canary in turn. */
  probes: number;
  from: number;
  to: number;
  intervalMs: number;
  retentionDays: number;
}

export interface SeededProbe {
  probeId: string;
  kind: ProbeKind;
  results: number;
  events: number;
}

const KINDS: ProbeKind[] = ['smtp', 'dns', 'dnsbl', 'canary'];

/** A deterministic jitter in [0, 1) per (probe, slot). */
function noise(seed: number, i: number): number {
  const x = Math.sin(seed * 9301 + i * 49297) * 233280;
  return x - Math.floor(x);
}

/** Whether slot `i` of `slots` falls in [a, b) as shares of the window. */
const within = (i: number, slots: number, a: number, b: number) => i >= slots * a && i < slots * b;

function checksFor(kind: ProbeKind, p: number, i: number, slots: number, at: number): Check[] {
  switch (kind) {
    case 'smtp': {
      const daysLeft = 60 - Math.floor(((at - 0) / 86_400_000) % 30);
      const authBroken = within(i, slots, 0.3 + p * 0.01, 0.34 + p * 0.01);
      return [
        { id: 'banner', status: 'pass', message: `220 mx${p}.example.test ESMTP ${HOSTILE}` },
        {
          id: 'tls.certificate',
          status: daysLeft < 14 ? 'warn' : 'pass',
          ...(daysLeft < 14 ? { cause: 'smtp.tls.cert-expiring' as const } : {}),
          message: `expires in ${daysLeft} days`,
          observed: { daysLeft },
        },
        authBroken
          ? {
              id: 'auth',
              status: 'fail',
              cause: 'smtp.auth.rejected',
              message: `535 5.7.8 ${HOSTILE} authentication failed`,
            }
          : { id: 'auth', status: 'pass', message: '235 2.7.0 Authentication successful' },
      ];
    }
    case 'dns': {
      const changedAt = Math.floor(slots * 0.5);
      const txt =
        i < changedAt ? 'v=spf1 ip4:192.0.2.10 -all' : `v=spf1 ip4:192.0.2.10 include:${HOSTILE} ~all`;
      const drifting = i >= changedAt && i < changedAt + 3;
      return [
        { id: 'spf', status: 'pass', message: 'SPF record valid' },
        drifting
          ? {
              id: 'drift:TXT example.test',
              status: 'warn',
              cause: 'dns.drift.changed',
              message: 'TXT example.test changed',
              details: {
                before: 'v=spf1 ip4:192.0.2.10 -all',
                after: txt,
                changedAt: new Date(at + 5).toISOString(),
              },
            }
          : { id: 'drift:TXT example.test', status: 'pass', message: 'TXT example.test: unchanged' },
      ];
    }
    case 'dnsbl': {
      const listed = within(i, slots, 0.4, 0.6);
      return [
        listed
          ? {
              id: 'zone:bl.example.test',
              status: 'fail',
              cause: 'dnsbl.listed',
              message: 'listed on bl.example.test',
              observed: ['127.0.0.2'],
              details: {
                zone: 'bl.example.test',
                codes: [{ code: '127.0.0.2', meaning: 'direct UBE source', category: 'spam' }],
                reason: `Listed: ${HOSTILE}`,
              },
            }
          : { id: 'zone:bl.example.test', status: 'pass', message: 'not listed on bl.example.test' },
        { id: 'zone:ok.example.test', status: 'pass', message: 'not listed on ok.example.test' },
      ];
    }
    case 'canary': {
      const spam = within(i, slots, 0.7, 0.75);
      const missing = within(i, slots, 0.96, 1);
      if (missing)
        return [
          {
            id: 'arrival',
            status: 'fail',
            cause: 'canary.delivery.missing',
            message: 'canary not seen within 15 min',
          },
        ];
      return [
        { id: 'arrival', status: 'pass', message: 'canary arrived' },
        {
          id: 'latency',
          status: 'pass',
          message: 'delivery took a few seconds',
          observed: Math.round(2000 + noise(p, i) * 6000),
        },
        spam
          ? {
              id: 'placement',
              status: 'fail',
              cause: 'canary.placement.spam',
              message: 'canary filed as spam (Junk)',
              observed: 'Junk',
            }
          : { id: 'placement', status: 'pass', message: 'canary in the inbox (INBOX)', observed: 'INBOX' },
      ];
    }
  }
}

function resultFor(kind: ProbeKind, p: number, i: number, slots: number, at: number): ProbeResult {
  const checks = checksFor(kind, p, i, slots, at);
  const timings: Record<string, number> =
    kind === 'smtp'
      ? Object.fromEntries(
          ['dns', 'connect', 'banner', 'ehlo', 'starttls', 'tls', 'auth', 'mail', 'rcpt'].map((phase, k) => [
            phase,
            Math.round(5 + k * 3 + noise(p * 10 + k, i) * 40),
          ]),
        )
      : { dns: Math.round(3 + noise(p, i) * 20) };
  const durationMs = Object.values(timings).reduce((a, b) => a + b, 0);
  const scheduledAt = new Date(at).toISOString();
  return {
    probeId: `${kind}-5m/${kind}${p}.example.test`,
    kind,
    group: `${kind}-5m`,
    target: `${kind}${p}.example.test`,
    scheduledAt,
    startedAt: scheduledAt,
    finishedAt: new Date(at + durationMs).toISOString(),
    durationMs,
    status: worstStatus(checks.map((c) => c.status)),
    checks,
    timings,
    transcript: [],
  };
}

/** The state after `result`, as much of it as the event function compares with. */
function stateAfter(result: ProbeResult, version: number): ProbeState {
  return {
    probeId: result.probeId,
    kind: result.kind,
    group: result.group,
    target: result.target,
    version,
    lastScheduledAt: result.scheduledAt,
    lastStatus: result.status,
    phase: result.status === 'fail' ? 'failing' : 'ok',
    consecutiveFailures: 0,
    consecutivePasses: 0,
    consecutiveUnknowns: 0,
    coverageAlerted: false,
    checks: Object.fromEntries(
      result.checks.map((c) => [
        c.id,
        { status: c.status, ...(c.cause ? { cause: c.cause } : {}), alerted: false },
      ]),
    ),
  };
}

export async function seedHistory(embedded: EmbeddedStore, options: SeedOptions): Promise<SeededProbe[]> {
  const { store, client, tableName } = embedded;
  const table = new RollupTable({ client, tableName, now: () => options.to });
  const retentionMs = options.retentionDays * 86_400_000;
  const slots = Math.floor((options.to - options.from) / options.intervalMs);
  const probes = Array.from({ length: options.probes }, (_, n) => ({
    kind: KINDS[n % KINDS.length] as ProbeKind,
    p: Math.floor(n / KINDS.length) + 1,
  }));
  return mapLimit(probes, 1, async ({ kind, p }) => {
    const buckets = new Map<
      string,
      { resolution: (typeof RESOLUTIONS)[number]; start: string; inc: RollupIncrement }
    >();
    const events = [];
    let previous: ProbeState | undefined;
    let last: ProbeResult | undefined;
    for (let i = 0; i < slots; i++) {
      const result = resultFor(kind, p, i, slots, options.from + i * options.intervalMs);
      const increment = rollupIncrement(result);
      for (const resolution of RESOLUTIONS) {
        const start = bucketStart(result.scheduledAt, resolution);
        const key = `${resolution}${start}`;
        let bucket = buckets.get(key);
        if (!bucket) {
          bucket = { resolution, start, inc: { counters: {}, histograms: {} } };
          buckets.set(key, bucket);
        }
        for (const [name, v] of Object.entries(increment.counters))
          bucket.inc.counters[name] = (bucket.inc.counters[name] ?? 0) + v;
        for (const [name, h] of Object.entries(increment.histograms)) {
          bucket.inc.histograms[name] ??= emptyHistogram();
          addTo(bucket.inc.histograms[name], h);
        }
      }
      const event = eventFor(result, previous);
      if (event) events.push(event);
      previous = stateAfter(result, i + 1);
      last = result;
    }
    const probeId = last?.probeId ?? '';
    await mapLimit([...buckets.values()], 2, (b) =>
      table.add(probeId, b.start, b.resolution, b.inc, retentionMs),
    );
    await mapLimit(events, 2, (e) => table.putEvent(e, retentionMs));
    if (last && previous) {
      await store.putResult(last);
      await store.saveState({ ...previous, version: 1 });
    }
    return { probeId, kind, results: slots, events: events.length };
  });
}
