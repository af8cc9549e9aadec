/**
 * dns probe benchmark, loopback only: the demo's good domain (MX, SPF with an include, DKIM, DMARC, MTA-STS over
 * HTTPS, TLS-RPT, PTR, one sending IP) on the in-process DNS server with every answer delayed 20 ms.
 * 1. wall time of one run, against the same queries asked one after another (the naive sequential checker);
 * 2. DNS queries per run with the per-run cache, against the same run without it.
 */
import { demoPolicies, demoZones, GOOD_DOMAIN, GOOD_SENDER, startPolicyServer } from '../cli/demo/dns';
import { startDnsServer } from '../cli/demo/dns-server';
import { makeTestPki } from '../cli/demo/pki';
import { createResolver, type DnsResolver } from '../shared/dns/resolver';
import { dnsGroup, domainTarget } from '../shared/probes/dns/config';
import { cachingResolver } from '../shared/probes/dns/lookup';
import { httpsPolicyFetcher } from '../shared/probes/dns/mta-sts-fetch';
import { runDnsChecks } from '../shared/probes/dns/probe';
import type { BenchRow } from './types';

const DELAY_MS = 20;
const RUNS = 5;

export async function run(): Promise<BenchRow[]> {
  let queries = 0;
  const server = await startDnsServer({
    records: demoZones('127.0.0.1'),
    behaviour: () => {
      queries++;
      return { delayMs: DELAY_MS };
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
    const once = async (resolve: DnsResolver) => {
      queries = 0;
      const start = performance.now();
      const { checks } = await runDnsChecks(target, options, {
        resolve,
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
    for (let i = 0; i < RUNS; i++) cached.push(await once(cachingResolver(createResolver(settings))));
    const uncached = await once(createResolver(settings));
    const median = cached.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? 0;
    const perRun = cached[0]?.queries ?? 0;
    return [
      {
        figure: `dns probe run, good domain, ${DELAY_MS} ms per DNS answer (median of ${RUNS})`,
        value: Math.round(median),
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
    ];
  } finally {
    await https.close();
    await server.close();
  }
}
