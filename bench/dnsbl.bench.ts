/**
 * DNSBL benchmarks, loopback only:
 * 1. one address against 40 zones on the in-process DNS server, every answer delayed 50 ms and one zone 200 ms:
 *    wall time over the slowest single answer (goal <= 1.2), cold (self-tests included) and warm;
 * 2. 10,000 addresses x 40 zones against the lab's rbldnsd (test/lab/up.sh): total time and queries per second
 *    (goal <= 60 s) against a plain sequential loop measured on a subset and extrapolated; CPU and memory against
 *    npm `dnsbl`'s batch() over the same addresses and zones (goal <= 1.0x), interleaved sweeps.
 */
import { spawn } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { join } from 'node:path';
import { startDnsServer, type ZoneRecords } from '../cli/demo/dns-server';
import { createResolver } from '../shared/dns/resolver';
import { rangeSubjects, type Subject } from '../shared/probes/dnsbl/address';
import { dnsblOptions } from '../shared/probes/dnsbl/config';
import { DnsblEngine } from '../shared/probes/dnsbl/engine';
import { activateZones, planZones } from '../shared/probes/dnsbl/plan';
import { clearSelfTestCache } from '../shared/probes/dnsbl/self-test';
import type { runSweep } from '../shared/probes/dnsbl/sweep';
import { LAB_HOST, labPorts } from '../test/lab/ports';
import { loadNote, median } from './measure';
import type { BenchRow } from './types';

const ZONES = 40;
const DELAY_MS = 50;
const SLOW_DELAY_MS = 200;
const SWEEP_TARGETS = 10_000;
const BASELINE_SUBSET = 100;
const CONCURRENCY = 64;
/** Cold and warm runs of the delayed-zone bench (each a median). */
const RUNS = 5;
const SWEEP_RUNS = 2;

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
    // Cold: no self-test result cached (as in a fresh Lambda container), in a process already warm, median of runs;
    // the first run of the process also pays for loading and compiling the engine, which is not the sweep.
    await timed({ kind: 'ip4', value: '192.0.2.250' });
    const colds: number[] = [];
    const warms: number[] = [];
    for (let i = 1; i <= RUNS; i++) {
      clearSelfTestCache();
      colds.push(await timed({ kind: 'ip4', value: `192.0.2.${i}` }));
      warms.push(await timed({ kind: 'ip4', value: `192.0.2.${100 + i}` }));
    }
    const cold = median(colds);
    const warm = median(warms);

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
        note: `${note}; median of ${RUNS}; baseline: sequential loop`,
      },
      {
        figure: '1 IP x 40 delayed zones, cold (self-tests run alongside): wall / slowest answer',
        value: round(cold / SLOW_DELAY_MS),
        unit: 'ratio',
        note: `${note}; median of ${RUNS}; 120 queries (2 self-test + 1 per zone), the self-tests in their own pool of twice the concurrency`,
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

interface SweepMeasure {
  cpuMs: number;
  wallMs: number;
  /** Peak RSS over the RSS before the sweep, sampled every 50 ms. */
  rssGrowth: number;
}

/** Zone by listed address: bench zone i+1 lists the sixteen addresses of 10.0.i.0/28 (test/lab/rbl/bench-*). */
const LISTED = new Map(
  Array.from({ length: ZONES }, (_, i) =>
    [...rangeSubjects(`10.0.${i}.0/28`)].map((s) => [s.value, zoneName(i)] as const),
  ).flat(),
);

/**
 * One sweep of ours in its own node process, compiled (dist/, as the CLI and the Lambdas run it), measured as the
 * peer measures itself (bench/peers/dnsbl_batch.mjs): CPU and wall of the sweep, peak RSS growth sampled every
 * 50 ms, and every row checked (listed on exactly the zone that lists the address). Input as JSON on stdin.
 */
const OURS_SWEEP = `
const { runSweep } = require('./dist/shared/probes/dnsbl/sweep.js');
const { dnsblOptions } = require('./dist/shared/probes/dnsbl/config.js');
const { rangeSubjects } = require('./dist/shared/probes/dnsbl/address.js');
let input = '';
process.stdin.on('data', (d) => (input += d));
process.stdin.on('end', async () => {
  const { server, zones, count, listed, concurrency } = JSON.parse(input);
  const options = dnsblOptions.parse({
    defaultZones: false, concurrency, customZones: zones.map((zone) => ({ zone, kinds: ['ip4'] })),
  });
  function* subjects() {
    let n = 0;
    for (const s of rangeSubjects('10.0.0.0/18')) {
      if (n++ >= count) return;
      yield s;
    }
  }
  let wrong = 0;
  const onRow = (row) => {
    const on = row.checks.filter((c) => c.status === 'fail').map((c) => c.details && c.details.zone);
    const zone = listed[row.target];
    if (on.length !== (zone ? 1 : 0) || on[0] !== zone) wrong++;
  };
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const cpu = process.cpuUsage();
  const stats = await runSweep(
    { total: count, subjects },
    { options, resolver: { servers: [server], timeoutMs: 1000, tries: 2 }, onRow },
  );
  const used = process.cpuUsage(cpu);
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  process.stdout.write(JSON.stringify({
    cpuMs: (used.user + used.system) / 1000, wallMs: stats.elapsedMs, rssGrowth: peak - before, wrong,
    targets: stats.targets, queries: stats.queries, byStatus: stats.byStatus,
  }) + '\\n');
});
`;

interface OurSweep extends SweepMeasure {
  wrong: number;
  targets: number;
  queries: number;
  byStatus: Awaited<ReturnType<typeof runSweep>>['byStatus'];
}

/** Runs a sweep in a child node process (`args` after node), `input` as JSON on stdin; its one JSON line back. */
async function sweepChild<T>(args: string[], input: unknown): Promise<T> {
  const child = spawn(process.execPath, args, {
    cwd: join(__dirname, '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(input));
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`sweep process ${args.join(' ')} exited with ${code}`);
  return JSON.parse(out) as T;
}

async function oursOnce(server: string): Promise<OurSweep> {
  const result = await sweepChild<OurSweep>(['-e', OURS_SWEEP], {
    server,
    zones: benchZones().map((z) => z.zone),
    count: SWEEP_TARGETS,
    listed: Object.fromEntries(LISTED),
    concurrency: CONCURRENCY,
  });
  const { pass, fail, warn, unknown } = result.byStatus;
  if (
    result.targets !== SWEEP_TARGETS ||
    unknown > 0 ||
    warn > 0 ||
    result.wrong > 0 ||
    fail !== LISTED.size ||
    pass + fail !== SWEEP_TARGETS
  ) {
    throw new Error(`rbldnsd sweep: unexpected verdicts ${JSON.stringify(result)}`);
  }
  return result;
}

/** One sweep of the peer, npm `dnsbl`'s batch(), in its own node process (bench/peers/dnsbl_batch.mjs). */
async function peerOnce(server: string): Promise<SweepMeasure> {
  const result = await sweepChild<SweepMeasure & { answers: number; listed: number; wrong: number }>(
    [join(__dirname, 'peers/dnsbl_batch.mjs')],
    {
      server,
      zones: benchZones().map((z) => z.zone),
      addresses: [...firstAddresses(SWEEP_TARGETS)()].map((s) => s.value),
      listed: Object.fromEntries(LISTED),
      concurrency: CONCURRENCY,
    },
  );
  if (result.answers !== SWEEP_TARGETS * ZONES || result.wrong > 0 || result.listed !== LISTED.size) {
    throw new Error(`dnsbl peer: wrong answers ${JSON.stringify(result)}`);
  }
  return result;
}

async function rbldnsdSweep(): Promise<BenchRow[]> {
  const server = `${LAB_HOST}:${labPorts.rbl}`;
  await requireRbldnsd(server);
  // Interleaved, the order alternating, so both see the same load on this shared machine.
  const ours: OurSweep[] = [];
  const peer: SweepMeasure[] = [];
  for (let i = 0; i < SWEEP_RUNS; i++) {
    if (i % 2 === 0) ours.push(await oursOnce(server));
    peer.push(await peerOnce(server));
    if (i % 2 === 1) ours.push(await oursOnce(server));
  }
  const last = ours.at(-1) as (typeof ours)[0];
  const fail = last.byStatus.fail;

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

  const seconds = median(ours.map((o) => o.wallMs)) / 1000;
  const peerNote = `ours (compiled, dist/) and npm dnsbl 4 batch() each in its own node process, same server, zones, addresses and concurrency; every answer checked on both sides; median of ${SWEEP_RUNS} interleaved sweeps each; ${loadNote()}`;
  const mib = (bytes: number) => round(bytes / 1024 / 1024);
  return [
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: total time',
      value: round(seconds),
      unit: 's',
      baseline: round(sequentialSeconds),
      note: `goal <= 60 s; concurrency ${CONCURRENCY}; baseline: sequential loop on ${BASELINE_SUBSET} IPs, extrapolated; npm dnsbl took ${round(median(peer.map((p) => p.wallMs)) / 1000)} s`,
    },
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: queries per second',
      value: Math.round(last.queries / seconds),
      unit: 'q/s',
      baseline: Math.round((SWEEP_TARGETS * ZONES) / sequentialSeconds),
      note: `${last.queries} queries (A, self-tests, TXT for the ${fail} listings); baseline: the sequential loop`,
    },
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: CPU vs npm dnsbl',
      value: Math.round(median(ours.map((o) => o.cpuMs))),
      unit: 'ms',
      baseline: Math.round(median(peer.map((p) => p.cpuMs))),
      note: `goal <= 1.0x: ${median(ours.map((o) => o.cpuMs)) <= median(peer.map((p) => p.cpuMs)) ? 'met' : 'missed'}; ours also runs 80 self-test queries and fetches TXT for the ${fail} listings, dnsbl only asks A; ${peerNote}`,
    },
    {
      figure: '10,000 IPs x 40 zones on lab rbldnsd: memory (peak RSS growth during the sweep) vs npm dnsbl',
      value: mib(median(ours.map((o) => o.rssGrowth))),
      unit: 'MiB',
      baseline: mib(median(peer.map((p) => p.rssGrowth))),
      note: `peak RSS over the RSS before the sweep, sampled every 50 ms on both sides; ${peerNote}`,
    },
  ];
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

export async function run(): Promise<BenchRow[]> {
  return [...(await delayedZones()), ...(await rbldnsdSweep())];
}
