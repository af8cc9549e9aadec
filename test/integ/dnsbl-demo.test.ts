import { startDnsServer } from '../../cli/demo/dns-server';
import { BROKEN_ZONE, CLEAN_IP, DEMO_ZONE, dnsblDemo, LISTED_IP } from '../../cli/demo/dnsbl';
import type { Subject } from '../../shared/probes/dnsbl/address';
import type { DnsblGroup } from '../../shared/probes/dnsbl/config';
import { dnsblProbe } from '../../shared/probes/dnsbl/probe';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes } from '../../shared/suite/probes';
import { probeContext, testProbeDefinitions } from '../support/probe-context';

describe('dnsbl demo part', () => {
  it('shows a listed address failing and a wildcard zone reported as untrusted, not as a listing', async () => {
    clearSelfTestCache();
    const dns = await startDnsServer({});
    const part = await dnsblDemo({ dns });
    try {
      const config = parseConfig({
        resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
        targets: part.targets,
        probes: part.probes,
      });
      const specs = expandProbes(config, await testProbeDefinitions());
      expect(specs.map((s) => s.targetName)).toEqual([LISTED_IP, CLEAN_IP]);
      const statuses: Record<string, Record<string, string | undefined>> = {};
      for (const spec of specs) {
        const ctx = probeContext(config);
        const { checks } = await dnsblProbe.run(spec.target as Subject, spec.group as DnsblGroup, ctx);
        statuses[spec.targetName] = Object.fromEntries(
          checks.map((c) => [c.id, `${c.status} ${c.cause ?? ''}`.trim()]),
        );
      }
      expect(statuses).toEqual({
        [LISTED_IP]: {
          [`zone:${DEMO_ZONE}`]: 'fail dnsbl.listed',
          [`zone:${BROKEN_ZONE}`]: 'unknown dnsbl.zone.lists-everything',
        },
        [CLEAN_IP]: {
          [`zone:${DEMO_ZONE}`]: 'pass',
          [`zone:${BROKEN_ZONE}`]: 'unknown dnsbl.zone.lists-everything',
        },
      });
    } finally {
      await part.close();
      await dns.close();
    }
  });
});
