import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { checkSpf } from '../../shared/probes/dns/spf';
import { analyzeSpf } from '../../shared/probes/dns/spf-analyze';
import { zoneResolver } from '../support/dns/zone-resolver';

const spf = (value: string) => [{ type: 'TXT' as const, data: [value] }];
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);

/** `n` includes of domains each holding a plain ip4 record: exactly n DNS-querying terms. */
function withIncludes(n: number): ZoneRecords {
  const zone: ZoneRecords = {
    'example.test': spf(
      `v=spf1 ${Array.from({ length: n }, (_, i) => `include:s${i}.example.test`).join(' ')} -all`,
    ),
  };
  for (let i = 0; i < n; i++) zone[`s${i}.example.test`] = spf(`v=spf1 ip4:192.0.2.${i} -all`);
  return zone;
}

describe('SPF lookup limits', () => {
  it('passes 7 DNS-querying terms', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(withIncludes(7)));
    expect(byId(checks, 'spf.lookups')).toMatchObject({ status: 'pass', observed: 7 });
  });

  it('warns at 8 DNS-querying terms', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(withIncludes(8)));
    expect(byId(checks, 'spf.lookups')).toMatchObject({
      status: 'warn',
      cause: 'dns.spf.lookups-near-limit',
    });
  });

  it('accepts exactly 10 DNS-querying terms with a warning, not a failure', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(withIncludes(10)));
    expect(byId(checks, 'spf.lookups')).toMatchObject({ status: 'warn', observed: 10 });
  });

  it('fails 11 DNS-querying terms as too many lookups', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(withIncludes(11)));
    expect(byId(checks, 'spf.lookups')).toMatchObject({
      status: 'fail',
      cause: 'dns.spf.too-many-lookups',
      observed: 11,
    });
  });

  it('counts lookups recursively through nested includes and redirects', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 a mx include:a.example.test redirect=r.example.test'),
      'a.example.test': spf('v=spf1 include:b.example.test exists:x.example.test ptr -all'),
      'b.example.test': spf('v=spf1 a:h.example.test -all'),
      'r.example.test': spf('v=spf1 mx:example.test -all'),
      'h.example.test': [{ type: 'A', address: '192.0.2.1' }],
      'x.example.test': [{ type: 'A', address: '127.0.0.2' }],
    };
    zone['example.test']?.push(
      { type: 'A', address: '192.0.2.2' },
      { type: 'MX', exchange: 'h.example.test', priority: 10 },
    );
    const analysis = await analyzeSpf('example.test', zoneResolver(zone));
    // example.test: a, mx, include, redirect = 4; a.example.test: include, exists, ptr = 3; b: a = 1; r: mx = 1
    expect(analysis.lookups).toBe(9);
    expect(analysis.lookupsBy).toEqual({
      'example.test': 4,
      'a.example.test': 3,
      'b.example.test': 1,
      'r.example.test': 1,
    });
    expect(analysis.all).toBe('-');
  });

  it('does not count terms after "all", which are never evaluated', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 ip4:192.0.2.1 -all a mx a mx a mx a mx a mx a mx'),
    };
    const analysis = await analyzeSpf('example.test', zoneResolver(zone));
    expect(analysis.lookups).toBe(0);
  });
});

describe('SPF void lookups', () => {
  const voids = (n: number): ZoneRecords => ({
    'example.test': spf(
      `v=spf1 ${Array.from({ length: n }, (_, i) => `a:gone${i}.example.test`).join(' ')} ip4:192.0.2.1 -all`,
    ),
  });

  it('passes 2 void lookups', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(voids(2)));
    expect(byId(checks, 'spf.void-lookups')).toMatchObject({ status: 'pass', observed: 2 });
  });

  it('fails 3 void lookups', async () => {
    const { checks } = await checkSpf('example.test', [], zoneResolver(voids(3)));
    expect(byId(checks, 'spf.void-lookups')).toMatchObject({
      status: 'fail',
      cause: 'dns.spf.too-many-void-lookups',
      observed: 3,
    });
  });

  it('does not count a host with only an IPv6 address as void', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 a:v6.example.test a:gone1.example.test a:gone2.example.test -all'),
      'v6.example.test': [{ type: 'AAAA', address: '2001:db8::1' }],
    };
    expect((await analyzeSpf('example.test', zoneResolver(zone))).voids).toBe(2);
  });
});

describe('SPF record rules', () => {
  it('fails two v=spf1 records as a permerror', async () => {
    const zone: ZoneRecords = {
      'example.test': [...spf('v=spf1 -all'), ...spf('v=spf1 ip4:192.0.2.1 -all')],
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.record')).toMatchObject({ status: 'fail', cause: 'dns.spf.multiple' });
  });

  it('ignores TXT records that are not SPF, and v=spf10', async () => {
    const zone: ZoneRecords = {
      'example.test': [...spf('google-site-verification=abc'), ...spf('v=spf10 +all'), ...spf('v=spf1 -all')],
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.record')).toMatchObject({ status: 'pass', message: 'v=spf1 -all' });
  });

  it('reports a missing record as fail, and a lookup timeout as unknown, never missing', async () => {
    const missing = await checkSpf(
      'example.test',
      [],
      zoneResolver({ 'example.test': [{ type: 'A', address: '192.0.2.1' }] }),
    );
    expect(byId(missing.checks, 'spf.record')).toMatchObject({ status: 'fail', cause: 'dns.spf.missing' });
    const timeout = await checkSpf(
      'example.test',
      [],
      zoneResolver({}, () => 'timeout'),
    );
    expect(byId(timeout.checks, 'spf.record')).toMatchObject({
      status: 'unknown',
      cause: 'dns.lookup.timeout',
    });
    expect(timeout.records).toBeUndefined();
  });

  it('joins TXT strings without spaces before parsing (RFC 7208 3.3)', async () => {
    const zone: ZoneRecords = { 'example.test': [{ type: 'TXT', data: ['v=spf1 ip4:192.0.2.1', ' -all'] }] };
    const { checks } = await checkSpf('example.test', ['192.0.2.1'], zoneResolver(zone));
    expect(byId(checks, 'spf.ip:192.0.2.1')).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['v=spf1 ip4:192.0.2.1 -all moo', 'unknown mechanism'],
    ['v=spf1 redirect:other.example.test', 'unknown mechanism'],
    ['v=spf1 ip4:192.0.2.300 -all', 'invalid IPv4'],
    ['v=spf1 ip4:192.0.2.0/33 -all', 'prefix length above 32'],
    ['v=spf1 a:foo-bar -all', 'invalid domain'],
    ['v=spf1 include: -all', 'include needs'],
    ['v=spf1 redirect=a.example.test redirect=b.example.test', 'more than once'],
  ])('fails "%s" as a syntax error', async (record, why) => {
    const { checks } = await checkSpf('example.test', [], zoneResolver({ 'example.test': spf(record) }));
    const check = byId(checks, 'spf.record');
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.spf.syntax' });
    expect(check?.message).toContain(why);
  });

  it('accepts unknown modifiers and macros', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 moo.cow-far_out=man:dog/cat exists:%{i}.%{h}._spf.example.test -all'),
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.record')).toMatchObject({ status: 'pass' });
  });

  it('fails an include of a domain without an SPF record', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 include:retired.example.net -all'),
      'retired.example.net': spf('some other text'),
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.includes')).toMatchObject({ status: 'fail', cause: 'dns.spf.include-missing' });
  });

  it('fails an include loop without looping', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 include:a.example.test -all'),
      'a.example.test': spf('v=spf1 include:b.example.test -all'),
      'b.example.test': spf('v=spf1 include:a.example.test -all'),
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.includes')).toMatchObject({ status: 'fail', cause: 'dns.spf.include-loop' });
  });

  it('reports an include that times out as unknown', async () => {
    const zone: ZoneRecords = { 'example.test': spf('v=spf1 include:slow.example.net -all') };
    const { checks } = await checkSpf(
      'example.test',
      [],
      zoneResolver(zone, (n) => (n === 'slow.example.net' ? 'servfail' : undefined)),
    );
    expect(byId(checks, 'spf.includes')).toMatchObject({ status: 'unknown', cause: 'dns.lookup.servfail' });
  });

  it('still counts lookups when an a: query times out, but cannot count void lookups then', async () => {
    const zone: ZoneRecords = { 'example.test': spf('v=spf1 a:slow.example.test ip4:192.0.2.1 -all') };
    const { checks } = await checkSpf(
      'example.test',
      [],
      zoneResolver(zone, (n) => (n === 'slow.example.test' ? 'timeout' : undefined)),
    );
    expect(byId(checks, 'spf.lookups')).toMatchObject({ status: 'pass', observed: 1 });
    expect(byId(checks, 'spf.void-lookups')).toMatchObject({
      status: 'unknown',
      cause: 'dns.lookup.timeout',
    });
  });

  it('fails an mx term whose lookup returns more than 10 hosts', async () => {
    const zone: ZoneRecords = {
      'example.test': [
        ...spf('v=spf1 mx -all'),
        ...Array.from({ length: 11 }, (_, i) => ({
          type: 'MX' as const,
          exchange: `mx${i}.example.test`,
          priority: i,
        })),
      ],
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.record')).toMatchObject({ status: 'fail', cause: 'dns.spf.too-many-mx' });
  });

  it.each([
    ['v=spf1 +all', 'fail', 'dns.spf.all-pass'],
    ['v=spf1 all', 'fail', 'dns.spf.all-pass'],
    ['v=spf1 ip4:192.0.2.1 ?all', 'warn', 'dns.spf.all-neutral'],
    ['v=spf1 ip4:192.0.2.1', 'warn', 'dns.spf.no-all'],
  ])('flags "%s"', async (record, status, cause) => {
    const { checks } = await checkSpf('example.test', [], zoneResolver({ 'example.test': spf(record) }));
    expect(byId(checks, 'spf.all')).toMatchObject({ status, cause });
  });

  it('takes the all of a redirect target', async () => {
    const zone: ZoneRecords = {
      'example.test': spf('v=spf1 ip4:192.0.2.1 redirect=_spf.example.test'),
      '_spf.example.test': spf('v=spf1 ip4:192.0.2.2 ~all'),
    };
    const { checks } = await checkSpf('example.test', [], zoneResolver(zone));
    expect(byId(checks, 'spf.all')).toMatchObject({ status: 'pass', message: 'ends in "~all"' });
  });

  it('warns about the ptr mechanism', async () => {
    const { checks } = await checkSpf(
      'example.test',
      [],
      zoneResolver({ 'example.test': spf('v=spf1 ptr -all') }),
    );
    expect(byId(checks, 'spf.record')).toMatchObject({ status: 'warn', cause: 'dns.spf.ptr-mechanism' });
  });
});

describe('SPF for each sending IP', () => {
  const zone: ZoneRecords = {
    'example.test': spf('v=spf1 ip4:192.0.2.0/28 include:_spf.provider.test ~all'),
    '_spf.provider.test': spf('v=spf1 ip6:2001:db8::/64 -all'),
  };

  it('passes an IP in the record and one in an include', async () => {
    const { checks } = await checkSpf('example.test', ['192.0.2.5', '2001:db8::25'], zoneResolver(zone));
    expect(byId(checks, 'spf.ip:192.0.2.5')).toMatchObject({ status: 'pass' });
    expect(byId(checks, 'spf.ip:2001:db8::25')).toMatchObject({ status: 'pass' });
  });

  it('fails an IP the policy does not authorise, naming the SPF result', async () => {
    const { checks } = await checkSpf('example.test', ['198.51.100.7'], zoneResolver(zone));
    expect(byId(checks, 'spf.ip:198.51.100.7')).toMatchObject({
      status: 'fail',
      cause: 'dns.spf.ip-not-authorized',
      observed: 'softfail',
    });
  });

  it('reports unknown when evaluation meets a DNS timeout', async () => {
    const resolve = zoneResolver(zone, (name) => (name === '_spf.provider.test' ? 'timeout' : undefined));
    const { checks } = await checkSpf('example.test', ['2001:db8::25'], resolve);
    expect(byId(checks, 'spf.ip:2001:db8::25')).toMatchObject({
      status: 'unknown',
      cause: 'dns.spf.temperror',
    });
  });
});

describe('hostile SPF records', () => {
  it('bounds the queries and the text it reports for a huge record', async () => {
    const terms = Array.from({ length: 3000 }, (_, i) => `a:h${i}.example.test`).join(' ');
    const resolve = zoneResolver({ 'example.test': [{ type: 'TXT', data: [`v=spf1 ${terms} -all`] }] });
    const { checks } = await checkSpf('example.test', [], resolve);
    expect(byId(checks, 'spf.lookups')).toMatchObject({ status: 'fail', observed: 3000 });
    expect(resolve.queries.length).toBeLessThan(100);
    for (const c of checks) expect(c.message.length).toBeLessThan(1000);
    expect(JSON.stringify(byId(checks, 'spf.record')?.observed).length).toBeLessThan(400);
  });

  it('stops following includes after a bounded number of records', async () => {
    const zone: ZoneRecords = {};
    for (let i = 0; i < 200; i++)
      zone[`l${i}.example.test`] = spf(`v=spf1 include:l${i + 1}.example.test -all`);
    zone['example.test'] = spf('v=spf1 include:l0.example.test -all');
    const resolve = zoneResolver(zone);
    const { checks } = await checkSpf('example.test', [], resolve);
    expect(byId(checks, 'spf.lookups')).toMatchObject({ status: 'fail', cause: 'dns.spf.too-many-lookups' });
    expect(byId(checks, 'spf.lookups')?.message).toMatch(/^at least /);
    expect(resolve.queries.length).toBeLessThan(60);
  });
});
