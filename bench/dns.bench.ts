/**
 * dns probe benchmark, loopback only: the demo's good domain (MX, SPF with an include, DKIM, DMARC, MTA-STS over
 * HTTPS, TLS-RPT, PTR, one sending IP) on the in-process DNS server with every answer delayed 20 ms.
 * 1. wall time of one run, against the same queries asked one after another (the naive sequential checker);
 * 2. DNS queries per run with the per-run cache, against the same run without it;
 * 3. whole process against whole process, answers not delayed: CPU of `mailprobe run --only <the dns probe>` against
 *    bench/peers/dns_checks.sh (dig, spfquery, openssl, curl) making the same checks, interleaved, and the DNS
 *    queries each side sends, counted at the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPolicies, demoZones, GOOD_DOMAIN, GOOD_SENDER, startPolicyServer } from '../cli/demo/dns';
import { startDnsServer } from '../cli/demo/dns-server';
import { makeTestPki } from '../cli/demo/pki';
import { type AliasesSeen, answerResolver } from '../shared/dns/answer-resolver';
import { createSecureResolver } from '../shared/dns/secure-query';
import { dnsGroup, domainTarget } from '../shared/probes/dns/config';
import { cachingResolver } from '../shared/probes/dns/lookup';
import { httpsPolicyFetcher } from '../shared/probes/dns/mta-sts-fetch';
import { runDnsChecks } from '../shared/probes/dns/probe';
import { whereCpuGoes } from './cpu-profile';
import { cpuSeconds, loadNote, median } from './measure';
import type { BenchRow } from './types';

const DELAY_MS = 20;
const RUNS = 5;
const PROCESS_RUNS = 11;

/**
 * `mailprobe run --only bench-dns` (compiled CLI, JSON config, embedded store) against the script peer, CPU medians
 * of interleaved runs, queries counted per run at the server (`counter` reads and resets the server's count).
 */
async function wholeProcess(
  server: { server: string; port: number },
  policy: { port: number; ca: string },
  counter: () => number,
): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-dns-bench-'));
  try {
    const configFile = join(dir, 'mailprobe.config.json');
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, policy.ca);
    writeFileSync(
      configFile,
      JSON.stringify({
        name: 'bench',
        resolver: { servers: [server.server], timeoutMs: 2000, tries: 1 },
        targets: { domains: [{ name: GOOD_DOMAIN, dkimSelectors: ['s1'], sendingIps: [GOOD_SENDER] }] },
        probes: [
          {
            name: 'bench-dns',
            kind: 'dns',
            schedule: 'rate(1 hour)',
            options: { mtaStsFetch: { port: policy.port, extraCaPem: policy.ca } },
          },
        ],
        alerts: { console: true },
      }),
    );
    const cli = (...nodeFlags: string[]) => [
      process.execPath,
      ...nodeFlags,
      join(__dirname, '../bin/mailprobe.js'),
      ...['run', '-c', configFile, '--data-dir', join(dir, 'data'), '--only', 'bench-dns'],
    ];
    const ours = cli();
    const script = [
      join(__dirname, 'peers/dns_checks.sh'),
      ...['127.0.0.1', String(server.port), GOOD_DOMAIN, 's1', GOOD_SENDER, String(policy.port), caFile],
    ];
    await cpuSeconds(ours); // creates the table and the drift baselines, as any first run does
    counter();
    const cpu = { node: [] as number[], ours: [] as number[], script: [] as number[] };
    const queries = { ours: [] as number[], script: [] as number[] };
    for (let i = 0; i < PROCESS_RUNS; i++) {
      cpu.node.push(await cpuSeconds([process.execPath, '-e', '0']));
      counter();
      cpu.ours.push(await cpuSeconds(ours));
      queries.ours.push(counter());
      cpu.script.push(await cpuSeconds(script));
      queries.script.push(counter());
    }
    const oursMs = median(cpu.ours) * 1000;
    const scriptMs = median(cpu.script) * 1000;
    const nodeMs = median(cpu.node) * 1000;
    const split = await whereCpuGoes(cli, process.env, join(dir, 'profiles'), oursMs - nodeMs);
    const peer =
      'bench/peers/dns_checks.sh: dig (one process per round of questions: the domain records, then the hosts and includes they name), spfquery, openssl for the DKIM key size, curl for the MTA-STS policy';
    return [
      {
        figure: `dns probe whole process vs the dig/spfquery/curl script, CPU (median of ${PROCESS_RUNS})`,
        value: Math.round(oursMs),
        unit: 'ms',
        baseline: Math.round(scriptMs),
        note: `mailprobe run --only <the dns probe> (user + sys, embedded store included) vs ${peer}, equal checks, interleaved; goal <= 2x: ${oursMs / scriptMs <= 2 ? 'met' : 'missed'}. Where it goes: node start ${Math.round(nodeMs)} ms (node -e 0), then ${split}; ${loadNote()}`,
      },
      {
        figure: 'dns probe whole process vs the script, DNS queries per run (counted at the server)',
        value: median(queries.ours),
        unit: 'queries',
        baseline: median(queries.script),
        note: `goal: no more than the script's: ${median(queries.ours) <= median(queries.script) ? 'met' : 'missed'}`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchRow[]> {
  let queries = 0;
  let delayMs = DELAY_MS;
  const server = await startDnsServer({
    records: demoZones('127.0.0.1'),
    behaviour: () => {
      queries++;
      return { delayMs };
    },
  });
  const pki = await makeTestPki(Object.keys(demoPolicies));
  const https = await startPolicyServer(pki, demoPolicies);
  try {
    const options = dnsGroup.parse({
      name: 'bench',
      kind: 'dns',
      schedule: 'rate(1 hour)',
      options: { mtaStsFetch: { port: https.port, extraCaPem: pki.ca } },
    }).options;
    const target = domainTarget.parse({
      name: GOOD_DOMAIN,
      dkimSelectors: ['s1'],
      sendingIps: [GOOD_SENDER],
    });
    const settings = { servers: [server.server], timeoutMs: 2000, tries: 1 };
    /** One run on the probe's resolver (record answers read for CNAMEs), with or without the per-run cache. */
    const once = async (cached: boolean) => {
      const seen: AliasesSeen = new Map();
      const answers = answerResolver(createSecureResolver({ ...settings, validating: false }), seen);
      const resolve = cached ? cachingResolver(answers) : answers;
      queries = 0;
      const start = performance.now();
      const { checks } = await runDnsChecks(target, options, {
        resolve,
        seen,
        fetchPolicy: httpsPolicyFetcher(options.mtaStsFetch),
        signal: AbortSignal.timeout(30_000),
        now: new Date(),
        memo: undefined,
      });
      const failing = checks.filter((c) => c.status !== 'pass');
      if (failing.length > 0)
        throw new Error(`bench domain not healthy: ${failing.map((c) => c.id).join(', ')}`);
      return { ms: performance.now() - start, queries };
    };
    const cached: { ms: number; queries: number }[] = [];
    for (let i = 0; i < RUNS; i++) cached.push(await once(true));
    const uncached = await once(false);
    const perRun = cached[0]?.queries ?? 0;
    delayMs = 0;
    const count = () => {
      const n = queries;
      queries = 0;
      return n;
    };
    return [
      {
        figure: `dns probe run, good domain, ${DELAY_MS} ms per DNS answer (median of ${RUNS})`,
        value: Math.round(median(cached.map((r) => r.ms))),
        unit: 'ms',
        baseline: perRun * DELAY_MS,
        note: 'baseline: the same queries asked one after another',
      },
      {
        figure: 'DNS queries per run',
        value: perRun,
        unit: 'queries',
        baseline: uncached.queries,
        note: 'baseline: the same run without the per-run query cache',
      },
      ...(await wholeProcess(server, { port: https.port, ca: pki.ca }, count)),
    ];
  } finally {
    await https.close();
    await server.close();
  }
}
