/**
 * DNSBL benchmarks, loopback only:
 * 1. one address against 40 zones on the in-process DNS server, every answer delayed 50 ms and one zone 200 ms:
 *    wall time over the slowest single answer (goal <= 1.2), cold (self-tests included) and warm;
 * 2. 10,000 addresses x 40 zones against the lab's rbldnsd (test/lab/up.sh): total time, queries per second and
 *    peak RSS (goal <= 60 s), against a plain sequential loop measured on a subset and extrapolated.
 */
import { promises as dns } from 'node:dns';
import { startDnsServer, type ZoneRecords } from '../cli/demo/dns-server';
import { createResolver } from '../shared/dns/resolver';
import { rangeSubjects, type Subject } from '../shared/probes/dnsbl/address';
import { dnsblOptions } from '../shared/probes/dnsbl/config';
import { DnsblEngine } from '../shared/probes/dnsbl/engine';
import { activateZones, planZones } from '../shared/probes/dnsbl/plan';
import { clearSelfTestCache } from '../shared/probes/dnsbl/self-test';
import { runSweep } from '../shared/probes/dnsbl/sweep';
import { LAB_HOST, labPorts } from '../test/lab/ports';
import type { BenchRow } from './types';

const ZONES = 40;
const DELAY_MS = 50;
const SLOW_DELAY_MS = 200;
const SWEEP_TARGETS = 10_000;
const BASELINE_SUBSET = 100;
const CONCURRENCY = 64;

const zoneName = (i: number) => `bench-${String(i + 1).padStart(2, '0')}.rbl.test`;
const benchZones = () =>
  Array.from({ length: ZONES }, (_, i) => ({ zone: zoneName(i), kinds: ['ip4' as const] }));

async function delayedZones(): Promise<BenchRow[]> {
  const records: ZoneRecords = {};
  for (let i = 0; i < ZONES; i++) records[`2.0.0.127.${zoneName(i)}`] = [{ type: 'A', address: '127.0.0.2' }];
  const slowZone = zoneName(ZONES - 1);
  const server = await startDnsServer({
    records,
    behaviour: (name) => ({ delayMs: name.endsWith(slowZone) ? SLOW_DELAY_MS : DELAY_MS }),
  });
  try {
    const settings = { servers: [server.server], timeoutMs: 2000, tries: 1 };
    const options = dnsblOptions.parse({ defaultZones: false, customZones: benchZones() });
    const engine = () =>
      new DnsblEngine({
        resolve: createResolver(settings),
        zones: activateZones(planZones(options), {}),
        concurrency: options.concurrency,
        resolverKey: server.server,
        selfTestTtlMs: 3_600_000,
      });
    const timed = async (subject: Subject) => {
      const start = performance.now();
      const results = await engine().check(subject);
      const ms = performance.now() - start;
      if (results.length !== ZONES || results.some((r) => r.verdict.kind !== 'clean')) {
        throw new Error('delayed-zone bench: expected every zone to answer "not listed"');
      }
      return ms;
    };
    clearSelfTestCache();
    const cold = await timed({ kind: 'ip4', value: '192.0.2.1' });
    const warm = await timed({ kind: 'ip4', value: '192.0.2.2' });

    // Baseline: the plain loop most checkers run, one zone after the other.
    const resolver = new dns.Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([server.server]);
    const start = performance.now();
    for (let i = 0; i < ZONES; i++)
      await resolver.resolve4(`3.2.0.192.${zoneName(i)}`).catch(() => undefined);
    const sequential = performance.now() - start;

    const note =
      `${ZONES} zones, ${DELAY_MS} ms per answer, one zone ${SLOW_DELAY_MS} ms, default concurrency ` +
      `${options.concurrency}; goal <= 1.2`;
    return [
      {
        figure: '1 IP x 40 delayed zones, self-tests cached: wall / slowest answer',
        value: round(warm / SLOW_DELAY_MS),
        unit: 'ratio',
        baseline: round(sequential / SLOW_DELAY_MS),
        note: `${note}; baseline: sequential loop`,
      },
      {
        figure: '1 IP x 40 delayed zones, cold (self-tests run alongside): wall / slowest answer',
        value: round(cold / SLOW_DELAY_MS),
        unit: 'ratio',
        note: `${note}; 120 queries (2 self-test + 1 per zone) over the concurrency limit take two waves`,
      },
    ];
  } finally {
    await server.close();
  }
}

async function requireRbldnsd(server: string): Promise<void> {
  const r = new dns.Resolver({ timeout: 500, tries: 1 });
  r.setServers([server]);
  try {
    await r.resolve4(`2.0.0.127.${zoneName(0)}`);
  } catch (err) {
    throw new Error(
      `rbldnsd with the bench zones is not answering on ${server} (${(err as NodeJS.ErrnoException).code}): ` +
        'start the lab first (test/lab/install.sh once, then test/lab/up.sh)',
      { cause: err },
    );
  }
}

function firstAddresses(count: number): () => Iterable<Subject> {
  return function* () {
    let n = 0;
    for (const s of rangeSubjects('10.0.0.0/18')) {
      if (n++ >= count) return;
      yield s;
    }
  };
}

async function rbldnsdSweep(): Promise<BenchRow[]> {
  const server = `${LAB_HOST}:${labPorts.rbl}`;
  await requireRbldnsd(server);
  const settings = { servers: [server], timeoutMs: 1000, tries: 2 };
  const options = dnsblOptions.parse({
    defaultZones: false,
    customZones: benchZones(),
    concurrency: CONCURRENCY,
  });

  clearSelfTestCache();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  let stats: Awaited<ReturnType<typeof runSweep>>;
  try {
    stats = await runSweep(
      { total: SWEEP_TARGETS, subjects: firstAddresses(SWEEP_TARGETS) },
      { options, resolver: settings, onRow: () => {} },
    );
  } finally {
    clearInterval(sampler);
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const { pass, fail, warn, unknown } = stats.byStatus;
  if (
    stats.targets !== SWEEP_TARGETS ||
    unknown > 0 ||
    warn > 0 ||
    fail !== 16 * ZONES ||
    pass + fail !== SWEEP_TARGETS
  ) {
    throw new Error(
      `rbldnsd sweep: unexpected verdicts ${JSON.stringify(stats.byStatus)} for ${stats.targets} targets`,
    );
  }

  // Baseline: a plain sequential loop (one query at a time), on a subset, extrapolated to the full sweep.
  const resolver = new dns.Resolver({ timeout: 1000, tries: 2 });
  resolver.setServers([server]);
  const start = performance.now();
  for (const subject of firstAddresses(BASELINE_SUBSET)()) {
    const reversed = subject.value.split('.').reverse().join('.');
    for (let i = 0; i < ZONES; i++)
      await resolver.resolve4(`${reversed}.${zoneName(i)}`).catch(() => undefined);
  }
  const sequentialSeconds = ((performance.now() - start) / 1000) * (SWEEP_TARGETS / BASELINE_SUBSET);

  const seconds = stats.elapsedMs / 1000;
  return [
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: total time',
      value: round(seconds),
      unit: 's',
      baseline: round(sequentialSeconds),
      note: `goal <= 60 s; concurrency ${CONCURRENCY}; baseline: sequential loop on ${BASELINE_SUBSET} IPs, extrapolated`,
    },
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: queries per second',
      value: Math.round(stats.queries / seconds),
      unit: 'q/s',
      baseline: Math.round((SWEEP_TARGETS * ZONES) / sequentialSeconds),
      note: `${stats.queries} queries (A, self-tests, TXT for the ${fail} listings)`,
    },
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: peak RSS',
      value: round(peakRss / 1024 / 1024),
      unit: 'MiB',
      note: 'whole bench process, sampled every 50 ms',
    },
  ];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export async function run(): Promise<BenchRow[]> {
  return [...(await delayedZones()), ...(await rbldnsdSweep())];
}
