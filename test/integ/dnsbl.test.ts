import { type DnsServer, startDnsServer, type ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { Transcript } from '../../shared/model/transcript';
import type { Subject } from '../../shared/probes/dnsbl/address';
import type { DnsblGroup } from '../../shared/probes/dnsbl/config';
import { dnsblKind } from '../../shared/probes/dnsbl/kind';
import { dnsblProbe } from '../../shared/probes/dnsbl/probe';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import type { ZoneSpecInput } from '../../shared/probes/dnsbl/zone-spec';
import { parseConfig } from '../../shared/suite/load';
import { probeContext } from '../support/probe-context';

/** The RFC 5782 test entry, so the zone passes its self-test. */
const testEntry = (zone: string): ZoneRecords => ({
  [`2.0.0.127.${zone}`]: [{ type: 'A', address: '127.0.0.2' }],
});
const ip4Zone = (zone: string, extra: Partial<ZoneSpecInput> = {}): ZoneSpecInput => ({
  zone,
  kinds: ['ip4'],
  codes: { '127.0.0.2': { meaning: 'spam source' } },
  errors: {
    '127.255.255.254': { meaning: 'public resolver refused', kind: 'refused' },
    '127.255.255.255': { meaning: 'too many queries', kind: 'rate-limited' },
  },
  ...extra,
});

const LISTED = '1.2.0.192';
const KEY = 'k3y0123456789abcdef';

describe('dnsbl probe against a loopback DNS server', () => {
  let server: DnsServer;
  const checks = new Map<string, Check>();
  let transcript: Transcript;

  beforeAll(async () => {
    clearSelfTestCache();
    server = await startDnsServer({
      records: {
        ...testEntry('listed.bl.test'),
        [`${LISTED}.listed.bl.test`]: [
          { type: 'A', address: '127.0.0.2' },
          { type: 'TXT', data: ['Spam trap hit, see https://listed.bl.test/lookup'] },
        ],
        ...testEntry('clean.bl.test'),
        ...testEntry('refused.bl.test'),
        ...testEntry('servfail.bl.test'),
        ...testEntry('drop.bl.test'),
        ...testEntry('slow.bl.test'),
        [`${LISTED}.slow.bl.test`]: [{ type: 'A', address: '127.0.0.2' }],
        ...testEntry('hijacked.bl.test'),
        [`${LISTED}.hijacked.bl.test`]: [{ type: 'A', address: '203.0.113.80' }],
        ...testEntry('public.bl.test'),
        [`${LISTED}.public.bl.test`]: [{ type: 'A', address: '127.255.255.254' }],
        ...testEntry('limited.bl.test'),
        [`${LISTED}.limited.bl.test`]: [{ type: 'A', address: '127.255.255.255' }],
        // A dead zone: no test entry, but it would "list" the target.
        [`${LISTED}.dead.bl.test`]: [{ type: 'A', address: '127.0.0.2' }],
        // A zone that lists everything, as a retired list wildcarded to push users away.
        ...testEntry('wild.bl.test'),
        '1.0.0.127.wild.bl.test': [{ type: 'A', address: '127.0.0.2' }],
        [`${LISTED}.wild.bl.test`]: [{ type: 'A', address: '127.0.0.2' }],
        // Keyed zone, as Spamhaus DQS.
        [`2.0.0.127.${KEY}.zen.dq.spamhaus.net`]: [{ type: 'A', address: '127.0.0.2' }],
        [`${LISTED}.${KEY}.zen.dq.spamhaus.net`]: [{ type: 'A', address: '127.0.0.10' }],
      },
      behaviour: (name) => {
        if (name.endsWith(`${LISTED}.refused.bl.test`)) return 'refused';
        if (name.endsWith(`${LISTED}.servfail.bl.test`)) return 'servfail';
        if (name.endsWith(`${LISTED}.drop.bl.test`)) return 'drop';
        if (name.endsWith('slow.bl.test')) return { delayMs: 120 };
        return undefined;
      },
    });
    const config = parseConfig({
      resolver: { servers: [server.server], timeoutMs: 3000, tries: 1 },
      targets: { sendingIps: ['192.0.2.1'] },
      probes: [
        {
          name: 'bl',
          kind: 'dnsbl',
          schedule: 'rate(1 hour)',
          options: {
            defaultZones: false,
            zones: ['zen.spamhaus.org'],
            dqsKey: { env: 'DQS' },
            customZones: [
              ip4Zone('listed.bl.test', { delistUrl: 'https://listed.bl.test/remove' }),
              ip4Zone('clean.bl.test'),
              ip4Zone('refused.bl.test'),
              ip4Zone('servfail.bl.test'),
              ip4Zone('drop.bl.test'),
              ip4Zone('slow.bl.test'),
              ip4Zone('hijacked.bl.test'),
              ip4Zone('public.bl.test'),
              ip4Zone('limited.bl.test'),
              ip4Zone('dead.bl.test'),
              ip4Zone('wild.bl.test'),
            ],
          },
        },
      ],
    });
    const group = config.probes[0] as DnsblGroup;
    transcript = new Transcript();
    const ctx = probeContext(config, {
      secrets: { DQS: KEY },
      transcript,
    });
    const [target] = dnsblKind.targets(config.targets, group);
    const outcome = await dnsblProbe.run(target?.target as Subject, group, ctx);
    for (const c of outcome.checks) checks.set(c.id, c);
  });
  afterAll(() => server.close());

  it('fails with the TXT reason when the address is listed', () => {
    expect(checks.get('zone:listed.bl.test')).toMatchObject({
      status: 'fail',
      cause: 'dnsbl.listed',
      details: expect.objectContaining({
        reason: 'Spam trap hit, see https://listed.bl.test/lookup',
        delistUrl: 'https://listed.bl.test/remove',
      }),
    });
  });

  it('passes when the zone answers NXDOMAIN', () => {
    expect(checks.get('zone:clean.bl.test')?.status).toBe('pass');
  });

  it('reports unknown when the server answers REFUSED', () => {
    expect(checks.get('zone:refused.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.query.refused',
    });
  });

  it('reports unknown when the server answers SERVFAIL', () => {
    expect(checks.get('zone:servfail.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.query.servfail',
    });
  });

  it('reports unknown when the server never answers', () => {
    expect(checks.get('zone:drop.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.query.timeout',
    });
  });

  it('waits for a slow answer within the timeout and believes it', () => {
    expect(checks.get('zone:slow.bl.test')).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
  });

  it('reports unknown when the answer is outside 127.0.0.0/8', () => {
    expect(checks.get('zone:hijacked.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.answer.out-of-range',
    });
  });

  it('reports unknown when the zone answers 127.255.255.254', () => {
    expect(checks.get('zone:public.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.refused',
    });
  });

  it('reports unknown when the zone answers its rate-limit code', () => {
    expect(checks.get('zone:limited.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.rate-limited',
    });
  });

  it('does not believe a zone without its test entry', () => {
    expect(checks.get('zone:dead.bl.test')).toMatchObject({ status: 'unknown', cause: 'dnsbl.zone.dead' });
  });

  it('does not believe a zone that lists 127.0.0.1', () => {
    expect(checks.get('zone:wild.bl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.zone.lists-everything',
    });
  });

  it('queries Spamhaus through DQS and keeps the key out of the result and the transcript', () => {
    const zen = checks.get('zone:zen.spamhaus.org');
    expect(zen).toMatchObject({ status: 'warn', cause: 'dnsbl.listed.policy' });
    expect(JSON.stringify([...checks.values()])).not.toContain(KEY);
    const lines = transcript.toLines();
    expect(lines.some((l) => l.includes('***.zen.dq.spamhaus.net'))).toBe(true);
    expect(lines.join('\n')).not.toContain(KEY);
  });
});

describe('dnsbl bitmask zone against a loopback DNS server', () => {
  it('decodes every bit of a URIBL-style answer', async () => {
    clearSelfTestCache();
    const server = await startDnsServer({
      records: {
        'test.multi.uribl.com': [{ type: 'A', address: '127.0.0.14' }],
        'spam.example.multi.uribl.com': [{ type: 'A', address: '127.0.0.10' }],
      },
    });
    try {
      const config = parseConfig({
        resolver: { servers: [server.server], timeoutMs: 3000, tries: 1 },
        targets: { domains: [{ name: 'spam.example' }] },
        probes: [
          {
            name: 'uri',
            kind: 'dnsbl',
            schedule: 'rate(1 hour)',
            options: { defaultZones: false, zones: ['multi.uribl.com'] },
          },
        ],
      });
      const group = config.probes[0] as DnsblGroup;
      const ctx = probeContext(config);
      const { checks } = await dnsblProbe.run({ kind: 'domain', value: 'spam.example' }, group, ctx);
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
      expect(checks[0]?.message).toBe(
        'listed on URIBL multi (multi.uribl.com): black: domain seen in spam; red: new domain seen in spam (127.0.0.10); ' +
          'delist: https://admin.uribl.com/',
      );
    } finally {
      await server.close();
    }
  });
});
