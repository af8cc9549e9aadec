import { ConfigError } from '../../shared/config/errors';
import { DnsLookupError, type DnsResolver, type LookupFailure, type RrType } from '../../shared/dns/resolver';
import { isCauseId } from '../../shared/model/causes/index';
import { Transcript } from '../../shared/model/transcript';
import type { Subject } from '../../shared/probes/dnsbl/address';
import type { DnsblGroup } from '../../shared/probes/dnsbl/config';
import { dnsblKind } from '../../shared/probes/dnsbl/kind';
import { checkTarget, dnsblProbe } from '../../shared/probes/dnsbl/probe';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import type { ZoneSpecInput } from '../../shared/probes/dnsbl/zone-spec';
import type { ProbeDefinition } from '../../shared/probes/types';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput, ProbeGroup } from '../../shared/suite/schema';
import { probeContext, runProbeOnce } from '../support/probe-context';

type Entry = { A?: string[]; TXT?: string[][]; fail?: LookupFailure };

/** A zone object behind the resolver port, recording every query and the most queries ever in flight. */
function fakeResolver(zone: Record<string, Entry>) {
  const queries: string[] = [];
  /** Per query, in the order they were sent: how many answers had come back by then. */
  const answeredBefore: number[] = [];
  let answered = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const resolve = (async (name: string, type: RrType) => {
    queries.push(`${type} ${name}`);
    answeredBefore.push(answered);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      await new Promise((r) => setImmediate(r));
      const entry = zone[name];
      if (entry?.fail) throw new DnsLookupError(entry.fail, { name, type }, 'X');
      if (!entry) throw new DnsLookupError('nxdomain', { name, type }, 'ENOTFOUND');
      const records = type === 'A' ? entry.A : type === 'TXT' ? entry.TXT : undefined;
      if (!records) throw new DnsLookupError('nodata', { name, type }, 'ENODATA');
      return records;
    } finally {
      inFlight--;
      answered++;
    }
  }) as DnsResolver;
  return { resolve, queries, answeredBefore, maxInFlight: () => maxInFlight };
}

/** A healthy RFC 5782 zone: 127.0.0.2 listed, 127.0.0.1 not. */
function healthy(zone: string, extra: Record<string, Entry> = {}): Record<string, Entry> {
  return { [`2.0.0.127.${zone}`]: { A: ['127.0.0.2'] }, ...extra };
}

const BL: ZoneSpecInput = {
  zone: 'bl.test',
  label: 'Test BL',
  kinds: ['ip4', 'ip6'],
  codes: {
    '127.0.0.2': { meaning: 'spam source' },
    '127.0.0.10': { meaning: 'dynamic range', category: 'policy' },
  },
  errors: { '127.255.255.254': { meaning: 'public resolver refused', kind: 'refused' } },
  delistUrl: 'https://bl.test/remove',
};

function setup(options: Record<string, unknown>, secrets: Record<string, string> = {}, now = { ms: 0 }) {
  const input: MailprobeConfigInput = {
    targets: { sendingIps: ['192.0.2.1'] },
    probes: [
      { name: 'bl', kind: 'dnsbl', schedule: 'rate(1 hour)', options: { defaultZones: false, ...options } },
    ],
  };
  const config = parseConfig(input);
  const group = config.probes[0] as DnsblGroup;
  const transcript = new Transcript();
  const ctx = probeContext(config, {
    scheduledAt: new Date(0),
    now: () => new Date(now.ms),
    secrets,
    transcript,
  });
  return { config, group, ctx, transcript };
}

const IP: Subject = { kind: 'ip4', value: '192.0.2.1' };

beforeEach(() => clearSelfTestCache());

describe('dnsbl probe verdicts', () => {
  it('passes when the zone is healthy and the address is not listed', async () => {
    const dns = fakeResolver(healthy('bl.test'));
    const { group, ctx } = setup({ customZones: [BL] });
    const { checks } = await checkTarget(IP, group, ctx, dns.resolve);
    expect(checks).toEqual([expect.objectContaining({ id: 'zone:bl.test', status: 'pass' })]);
    expect(dns.queries).toContain('A 1.2.0.192.bl.test');
  });

  it('fails with the decoded code, the bounded TXT reason and the delisting URL when listed', async () => {
    const hostile = `Listed\u0007 see <https://bl.test/q?ip=192.0.2.1>\n${'x'.repeat(1000)}`;
    const dns = fakeResolver(
      healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.2'], TXT: [[hostile]] } }),
    );
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check).toMatchObject({ status: 'fail', cause: 'dnsbl.listed', observed: ['127.0.0.2'] });
    expect(check?.message).toMatch(
      /^listed on Test BL \(bl\.test\): spam source \(127\.0\.0\.2\); reason: "Listed see <https:\/\/bl\.test\/q\?ip=192\.0\.2\.1> x+…"; delist: https:\/\/bl\.test\/remove$/,
    );
    expect(check?.message.length).toBeLessThan(300);
    const reason = check?.details?.reason as string;
    expect(reason.startsWith('Listed see <https://bl.test/q?ip=192.0.2.1> xxx')).toBe(true);
    expect([...reason].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(reason.length).toBeLessThanOrEqual(301);
    expect(check?.details?.delistUrl).toBe('https://bl.test/remove');
  });

  it('decodes several codes into several meanings and lets the worst decide', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.10', '127.0.0.2'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
    expect(check?.details?.codes).toEqual([
      { code: '127.0.0.10', meaning: 'dynamic range', category: 'policy' },
      { code: '127.0.0.2', meaning: 'spam source', category: 'abuse' },
    ]);
  });

  it('warns for a policy listing, and for any listing in a zone configured as warn', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.10'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'warn',
      cause: 'dnsbl.listed.policy',
    });
    const spam = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.2'] } }));
    const warnZone = setup({ customZones: [BL], overrides: { 'bl.test': { severity: 'warn' } } });
    expect((await checkTarget(IP, warnZone.group, warnZone.ctx, spam.resolve)).checks[0]?.status).toBe(
      'warn',
    );
  });

  it('reports unknown when the zone answers 127.255.255.254', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.255.255.254'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check).toMatchObject({ status: 'unknown', cause: 'dnsbl.resolver.refused' });
  });

  it.each([
    ['127.255.255.254', 'dnsbl.resolver.refused'],
    ['127.255.255.255', 'dnsbl.resolver.rate-limited'],
    ['127.255.255.252', 'dnsbl.zone.misconfigured'],
    ['127.255.255.250', 'dnsbl.resolver.refused'],
  ])('reads %s as an error of a custom zone that documents no error codes', async (answer, cause) => {
    const dns = fakeResolver(healthy('plain.test', { '1.2.0.192.plain.test': { A: [answer] } }));
    const { group, ctx } = setup({ customZones: [{ zone: 'plain.test', kinds: ['ip4'] }] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause,
    });
  });

  it('names a refusing self-test of a custom zone without error codes as refused, not lists-everything', async () => {
    const dns = fakeResolver({
      '2.0.0.127.plain.test': { A: ['127.255.255.254'] },
      '1.0.0.127.plain.test': { A: ['127.255.255.254'] },
    });
    const { group, ctx } = setup({ customZones: [{ zone: 'plain.test', kinds: ['ip4'] }] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.refused',
    });
  });

  it('reports unknown, never listed, for an answer outside 127.0.0.0/8', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['198.51.100.7'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.answer.out-of-range',
    });
  });

  it('reports unknown for 127.0.0.1 from a zone that does not document it', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.1'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.answer.invalid',
    });
  });

  it.each([
    ['timeout', 'dnsbl.query.timeout'],
    ['servfail', 'dnsbl.query.servfail'],
    ['refused', 'dnsbl.query.refused'],
    ['error', 'dnsbl.query.error'],
  ] as const)('reports unknown with the right cause when the lookup ends in %s', async (failure, cause) => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { fail: failure } }));
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause,
    });
  });

  it('treats NODATA as not listed', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { TXT: [['stray']] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]?.status).toBe('pass');
  });

  it('decodes bitmask answers bit by bit and treats the documented 127.0.0.1 as refused', async () => {
    const uribl = fakeResolver({
      'test.multi.uribl.com': { A: ['127.0.0.14'] },
      'example.test.multi.uribl.com': { A: ['127.0.0.6'] },
      'refused.test.multi.uribl.com': { A: ['127.0.0.1'] },
    });
    const { group, ctx } = setup({ zones: ['multi.uribl.com'] });
    const domain: Subject = { kind: 'domain', value: 'example.test' };
    const [listed] = (await checkTarget(domain, group, ctx, uribl.resolve)).checks;
    expect(listed).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
    expect(((listed?.details?.codes ?? []) as Array<{ meaning: string }>).map((c) => c.meaning)).toEqual([
      'black: domain seen in spam',
      'grey: domain seen in bulk mail of mixed quality',
    ]);
    const [refused] = (
      await checkTarget({ kind: 'domain', value: 'refused.test' }, group, ctx, uribl.resolve)
    ).checks;
    expect(refused).toMatchObject({ status: 'unknown', cause: 'dnsbl.resolver.refused' });
  });

  it('reports DBL answering 127.0.1.255 as a misconfigured zone, not a listing', async () => {
    const dns = fakeResolver({
      'dbltest.com.dbl.spamhaus.org': { A: ['127.0.1.2'] },
      'example.test.dbl.spamhaus.org': { A: ['127.0.1.255'] },
    });
    const { group, ctx } = setup({ zones: ['dbl.spamhaus.org'] });
    const [check] = (await checkTarget({ kind: 'domain', value: 'example.test' }, group, ctx, dns.resolve))
      .checks;
    expect(check).toMatchObject({ status: 'unknown', cause: 'dnsbl.zone.misconfigured' });
  });

  it('passes with the trust level when an address is on an allowlist', async () => {
    const dns = fakeResolver(
      healthy('list.dnswl.org', { '1.2.0.192.list.dnswl.org': { A: ['127.0.15.2'] } }),
    );
    const { group, ctx } = setup({ zones: ['list.dnswl.org'] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check).toMatchObject({
      status: 'pass',
      details: expect.objectContaining({ answers: ['127.0.15.2'] }),
    });
  });

  it('reports unknown when DNSWL answers 127.0.0.255 (query limit)', async () => {
    const dns = fakeResolver(
      healthy('list.dnswl.org', { '1.2.0.192.list.dnswl.org': { A: ['127.0.0.255'] } }),
    );
    const { group, ctx } = setup({ zones: ['list.dnswl.org'] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.rate-limited',
    });
  });

  it('queries IPv6 addresses as 32 reversed nibbles', async () => {
    const nibbles = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2';
    const dns = fakeResolver(healthy('bl.test', { [`${nibbles}.bl.test`]: { A: ['127.0.0.2'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget({ kind: 'ip6', value: '2001:db8::1' }, group, ctx, dns.resolve))
      .checks;
    expect(check?.status).toBe('fail');
  });

  it('reports a coverage gap, not a pass, when no zone lists the kind of target', async () => {
    const dns = fakeResolver(healthy('bl.test'));
    const { group, ctx } = setup({ customZones: [BL] });
    expect(
      (await checkTarget({ kind: 'domain', value: 'example.test' }, group, ctx, dns.resolve)).checks,
    ).toEqual([
      expect.objectContaining({ id: 'zones', status: 'unknown', cause: 'dnsbl.coverage.no-zones' }),
    ]);
    expect(dns.queries).toEqual([]);
  });

  it('names a catalog cause for every non-pass check', async () => {
    const dns = fakeResolver(healthy('bl.test', { '1.2.0.192.bl.test': { A: ['127.0.0.99'] } }));
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check?.message).toContain('code not documented');
    expect(isCauseId(check?.cause ?? '')).toBe(true);
  });
});

describe('dnsbl zone self-test (RFC 5782)', () => {
  it('reports a zone without 127.0.0.2 as dead, ignores its "listed" answer, and stops asking it', async () => {
    const dns = fakeResolver({ '1.2.0.192.bl.test': { A: ['127.0.0.2'] } });
    const { group, ctx } = setup({ customZones: [BL] });
    const [check] = (await checkTarget(IP, group, ctx, dns.resolve)).checks;
    expect(check).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.zone.dead',
      details: { zoneHealthy: false },
    });
    const other: Subject = { kind: 'ip4', value: '192.0.2.9' };
    expect((await checkTarget(other, group, ctx, dns.resolve)).checks[0]?.cause).toBe('dnsbl.zone.dead');
    expect(dns.queries).not.toContain('A 9.2.0.192.bl.test');
  });

  it('reports a zone listing 127.0.0.1 as listing everything, so a listed answer is not believed', async () => {
    const dns = fakeResolver(
      healthy('bl.test', {
        '1.0.0.127.bl.test': { A: ['127.0.0.2'] },
        '1.2.0.192.bl.test': { A: ['127.0.0.2'] },
      }),
    );
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.zone.lists-everything',
    });
  });

  it('names the refusal when the self-test itself is refused by the list', async () => {
    const dns = fakeResolver({ '2.0.0.127.bl.test': { A: ['127.255.255.254'] } });
    const { group, ctx } = setup({ customZones: [BL] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.refused',
    });
  });

  it('tests IPv6-only zones with ::FFFF:7F00:2', async () => {
    const v6point = '2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0';
    const dns = fakeResolver({ [`${v6point}.v6.test`]: { A: ['127.0.0.2'] } });
    const { group, ctx } = setup({ customZones: [{ zone: 'v6.test', kinds: ['ip6'] }] });
    const [check] = (await checkTarget({ kind: 'ip6', value: '2001:db8::1' }, group, ctx, dns.resolve))
      .checks;
    expect(check?.status).toBe('pass');
  });

  it('caches the self-test for the configured time, then repeats it', async () => {
    const dns = fakeResolver(healthy('bl.test'));
    const now = { ms: 0 };
    const { group, ctx } = setup({ customZones: [BL], selfTestCacheFor: '10m' }, {}, now);
    await checkTarget(IP, group, ctx, dns.resolve);
    await checkTarget(IP, group, ctx, dns.resolve);
    expect(dns.queries.filter((q) => q === 'A 2.0.0.127.bl.test')).toHaveLength(1);
    now.ms = 11 * 60_000;
    await checkTarget(IP, group, ctx, dns.resolve);
    expect(dns.queries.filter((q) => q === 'A 2.0.0.127.bl.test')).toHaveLength(2);
  });

  it('uses configured test points, or none when the self-test is switched off', async () => {
    const dns = fakeResolver({ '1.2.0.192.bl.test': { A: ['127.0.0.2'] } });
    const { group, ctx } = setup({ customZones: [{ ...BL, selfTest: false }] });
    expect((await checkTarget(IP, group, ctx, dns.resolve)).checks[0]?.status).toBe('fail');
    expect(dns.queries.some((q) => q.includes('127.bl.test'))).toBe(false);
  });
});

describe('dnsbl keys', () => {
  const KEY = 'abcdef0123456789abcdef0123';
  const zenKeyed = `${KEY}.zen.dq.spamhaus.net`;

  it('queries Spamhaus through DQS with the key, which never appears in checks or the transcript', async () => {
    const dns = fakeResolver({
      [`2.0.0.127.${zenKeyed}`]: { A: ['127.0.0.2'] },
      [`1.2.0.192.${zenKeyed}`]: { A: ['127.0.0.4'], TXT: [[`https://check.spamhaus.org/ ${KEY}`]] },
    });
    const { config, group } = setup({ zones: ['zen.spamhaus.org'], dqsKey: { env: 'DQS' } });
    // Through the runner's own context: it resolves the key, registers it for redaction and masks the outcome.
    const outcome = await runProbeOnce(dnsblProbe as ProbeDefinition<ProbeGroup, unknown>, config, group, {
      secrets: { DQS: KEY },
      resolve: dns.resolve,
    });
    expect(dns.queries).toContain(`A 1.2.0.192.${zenKeyed}`);
    expect(outcome.checks[0]).toMatchObject({ id: 'zone:zen.spamhaus.org', status: 'fail' });
    expect(JSON.stringify(outcome.checks)).not.toContain(KEY);
    expect(outcome.checks[0]?.details?.query).toBe('1.2.0.192.zen.spamhaus.org');
    const lines = outcome.transcript.join('\n');
    expect(lines).toContain('1.2.0.192.***.zen.dq.spamhaus.net');
    expect(lines).not.toContain(KEY);
  });

  it('leaves Spamhaus out of the default set without a DQS key, and uses DQS by default with one', async () => {
    const without = setup({ defaultZones: true });
    const plain = fakeResolver({});
    const ids = (await checkTarget(IP, without.group, without.ctx, plain.resolve)).checks.map((c) => c.id);
    expect(ids).toContain('zone:bl.spamcop.net');
    expect(ids).not.toContain('zone:zen.spamhaus.org');
    expect(plain.queries.some((q) => q.includes('spamhaus'))).toBe(false);

    const keyed = setup({ defaultZones: true, dqsKey: { env: 'DQS' } }, { DQS: KEY });
    const dqs = fakeResolver({});
    const keyedIds = (await checkTarget(IP, keyed.group, keyed.ctx, dqs.resolve)).checks.map((c) => c.id);
    expect(keyedIds).toContain('zone:zen.spamhaus.org');
    expect(dqs.queries).toContain(`A 2.0.0.127.${zenKeyed}`);
    expect(dqs.queries.some((q) => q.endsWith('.zen.spamhaus.org'))).toBe(false);
  });

  it('reports unknown for a keyed zone whose secret cannot be read', async () => {
    const { group, ctx } = setup({ zones: ['zen.spamhaus.org'], dqsKey: { env: 'MISSING' } });
    const dns = fakeResolver({});
    const outcome = await checkTarget(IP, group, ctx, dns.resolve);
    expect(outcome.checks).toEqual([
      expect.objectContaining({
        id: 'zone:zen.spamhaus.org',
        status: 'unknown',
        cause: 'probe.secret-unavailable',
      }),
    ]);
    expect(dns.queries).toEqual([]);
  });

  it('refuses a key that is not one DNS label, without quoting it', async () => {
    const bad = 'evil.example.org';
    const { group, ctx } = setup({ zones: ['zen.spamhaus.org'], dqsKey: { env: 'DQS' } }, { DQS: bad });
    const outcome = await checkTarget(IP, group, ctx, fakeResolver({}).resolve);
    expect(outcome.checks[0]).toMatchObject({ status: 'unknown', cause: 'dnsbl.zone.misconfigured' });
    expect(JSON.stringify(outcome)).not.toContain(bad);
  });
});

describe('dnsbl concurrency', () => {
  it('never has more queries in flight than configured, plus twice as many self-test queries', async () => {
    const zones = Array.from({ length: 12 }, (_, i) => ({ zone: `z${i}.test`, kinds: ['ip4' as const] }));
    const records = Object.assign({}, ...zones.map((z) => healthy(z.zone)));
    const dns = fakeResolver(records);
    const { group, ctx } = setup({ customZones: zones, concurrency: 3 });
    const { checks } = await checkTarget(IP, group, ctx, dns.resolve);
    expect(checks).toHaveLength(12);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    // 3 zone queries and the self-test pairs of 3 zones: a cold zone's pair is never left for a second wave.
    expect(dns.maxInFlight()).toBe(9);
  });

  it('sends the first zone queries of a cold run at once, not behind the self-tests', async () => {
    const zones = Array.from({ length: 4 }, (_, i) => ({ zone: `z${i}.test`, kinds: ['ip4' as const] }));
    const dns = fakeResolver(Object.assign({}, ...zones.map((z) => healthy(z.zone))));
    const { group, ctx } = setup({ customZones: zones, concurrency: 2 });
    const { checks } = await checkTarget(IP, group, ctx, dns.resolve);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    const zoneQueries = dns.queries.flatMap((q, i) => (/^A 1\.2\.0\.192\./.test(q) ? [i] : []));
    expect(zoneQueries).toHaveLength(4);
    expect(zoneQueries.slice(0, 2).map((i) => dns.answeredBefore[i])).toEqual([0, 0]);
  });
});

describe('dnsbl time budget', () => {
  it('stops querying once the probe budget is spent and names the zones it could not ask', async () => {
    const zones = Array.from({ length: 6 }, (_, i) => ({ zone: `z${i}.test`, kinds: ['ip4' as const] }));
    const dns = fakeResolver(Object.assign({}, ...zones.map((z) => healthy(z.zone))));
    const { group, ctx } = setup({ customZones: zones, concurrency: 1 });
    const controller = new AbortController();
    const budgeted = { ...ctx, signal: controller.signal };
    const resolve = (async (name: string, type: RrType) => {
      try {
        return await dns.resolve(name, type as 'A');
      } finally {
        if (dns.queries.length >= 3) controller.abort();
      }
    }) as DnsResolver;
    const { checks } = await checkTarget(IP, group, budgeted, resolve);
    expect(checks).toHaveLength(6);
    expect(checks.filter((c) => c.cause === 'probe.timeout').length).toBeGreaterThan(0);
    expect(checks.every((c) => c.status === 'pass' || c.cause === 'probe.timeout')).toBe(true);
    expect(dns.queries).toHaveLength(3);

    // The self-tests cut short are not remembered: the next run tests those zones again and trusts them.
    const next = await checkTarget(IP, group, ctx, dns.resolve);
    expect(next.checks.every((c) => c.status === 'pass')).toBe(true);
  });
});

describe('dnsbl targets', () => {
  const targetsOf = (sendingIps: string[], options: Record<string, unknown> = {}, domains: string[] = []) => {
    const config = parseConfig({
      targets: { sendingIps, domains: domains.map((name) => ({ name })) },
      probes: [{ name: 'bl', kind: 'dnsbl', schedule: 'rate(1 hour)', options }],
    });
    return dnsblKind.targets(config.targets, config.probes[0] as DnsblGroup);
  };

  it('expands CIDR ranges and domains into one target each, named canonically and without duplicates', () => {
    const names = targetsOf(['192.0.2.0/30', '192.0.2.1', '::ffff:192.0.2.3', '2001:DB8::1'], {}, [
      'Example.TEST',
    ]).map((t) => t.name);
    expect(names).toEqual([
      '192.0.2.0',
      '192.0.2.1',
      '192.0.2.2',
      '192.0.2.3',
      '2001:db8::1',
      'example.test',
    ]);
  });

  it('rejects a range larger than maxRangeSize with the path of the entry', () => {
    expect(() => targetsOf(['10.0.0.0/8'])).toThrow(ConfigError);
    let error: unknown;
    try {
      targetsOf(['192.0.2.1', '2001:db8::/64'], { maxRangeSize: 256 });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      expect.objectContaining({
        path: 'targets.sendingIps[1]',
        message: expect.stringContaining('18446744073709551616'),
      }),
    ]);
    expect(targetsOf(['192.0.2.0/24'], { maxRangeSize: 256 })).toHaveLength(256);
  });
});

describe('dnsbl group options', () => {
  const parse = (options: Record<string, unknown>) => () =>
    parseConfig({
      targets: { sendingIps: ['192.0.2.1'] },
      probes: [{ name: 'bl', kind: 'dnsbl', schedule: 'rate(1 hour)', options }],
    });

  it('names unknown zones, misplaced codes and keyed zones without a key', () => {
    let error: unknown;
    try {
      parse({
        zones: ['sorbs.example', 'combined.mail.abusix.zone'],
        overrides: { 'multi.uribl.com': { codes: { '127.0.0.2': { meaning: 'x' } } } },
        customZones: [{ zone: 'my.test', kinds: ['ip4'], codes: { '10.0.0.2': { meaning: 'x' } } }],
      })();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining([
        'probes[0].options.zones[0]',
        'probes[0].options.zones[1]',
        'probes[0].options.overrides.multi.uribl.com.codes.127.0.0.2',
        'probes[0].options.customZones[0].codes.10.0.0.2',
      ]),
    );
  });

  it('accepts a complete group', () => {
    expect(
      parse({
        zones: ['zen.spamhaus.org'],
        excludeZones: ['all.s5h.net'],
        dqsKey: { secret: 'mailprobe/dqs' },
        selfTestCacheFor: '30m',
        concurrency: 64,
        resolver: { servers: ['127.0.0.1:5353'], timeoutMs: 500 },
        overrides: { 'zen.spamhaus.org': { codes: { '127.0.0.10': { meaning: 'PBL', severity: 'fail' } } } },
      }),
    ).not.toThrow();
  });
});
