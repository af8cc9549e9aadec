import { BROKEN_DOMAIN, dnsDemo, GOOD_DOMAIN } from '../../cli/demo/dns';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';
import type { DemoPart } from '../../cli/demo/types';
import { dnsKind } from '../../shared/probes/dns/kind';
import { dnsProbe } from '../../shared/probes/dns/probe';
import { parseConfig } from '../../shared/suite/load';
import { probeContext } from '../support/probe-context';

jest.setTimeout(30_000);

describe('dns part of the npm start demo', () => {
  let dns: DnsServer;
  let part: DemoPart;

  beforeAll(async () => {
    dns = await startDnsServer({});
    part = await dnsDemo({ dns });
  });

  afterAll(async () => {
    await part?.close();
    await dns?.close();
  });

  it('gives a config whose good domain passes and whose broken domain fails, MTA-STS included', async () => {
    const config = parseConfig({
      resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
      targets: part.targets,
      probes: part.probes,
    });
    const group = config.probes[0];
    if (group?.kind !== 'dns') throw new Error('expected a dns group');
    expect(group.options.mtaSts).toBe('optional');
    const results = new Map<string, string[]>();
    for (const { name, target } of dnsKind.targets(config.targets, group)) {
      const { checks } = await dnsProbe.run(
        target,
        group,
        probeContext(config, { signal: AbortSignal.timeout(20_000) }),
      );
      results.set(
        name,
        checks.filter((c) => c.status === 'fail').map((c) => c.id),
      );
      if (name === GOOD_DOMAIN)
        expect(checks.find((c) => c.id === 'mta-sts.mx')).toMatchObject({ status: 'pass' });
    }
    expect(results.get(GOOD_DOMAIN)).toEqual([]);
    expect(results.get(BROKEN_DOMAIN)).toEqual(
      expect.arrayContaining(['spf.includes', 'dkim:s1', 'mta-sts.mx', 'dkim:s3']),
    );
  });
});
