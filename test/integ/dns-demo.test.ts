import { BROKEN_DOMAIN, dnsDemo, GOOD_DOMAIN } from '../../cli/demo/dns';
import { type DnsServer, startDnsServer } from '../../cli/demo/dns-server';
import type { DemoPart } from '../../cli/demo/types';
import { parseConfig } from '../../shared/config/load';
import { Timings } from '../../shared/model/timings';
import { Transcript } from '../../shared/model/transcript';
import { dnsProbe } from '../../shared/probes/dns/probe';
import { silentLog } from '../../shared/util/log';

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
    for (const { name, target } of dnsProbe.targets(group, config)) {
      const { checks } = await dnsProbe.run(target, group, {
        signal: AbortSignal.timeout(20_000),
        scheduledAt: new Date(),
        now: () => new Date(),
        memo: undefined,
        config,
        secrets: async () => '',
        transcript: new Transcript(),
        timings: new Timings(),
        log: silentLog,
      });
      results.set(
        name,
        checks.filter((c) => c.status === 'fail').map((c) => c.id),
      );
      if (name === GOOD_DOMAIN)
        expect(checks.find((c) => c.id === 'mta-sts.mx')).toMatchObject({ status: 'pass' });
    }
    expect(results.get(GOOD_DOMAIN)).toEqual([]);
    expect(results.get(BROKEN_DOMAIN)).toEqual(
      expect.arrayContaining(['spf.includes', 'dkim:s1', 'mta-sts.mx']),
    );
  });
});
