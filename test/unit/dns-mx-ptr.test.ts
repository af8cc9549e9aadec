import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { DnsResolver } from '../../shared/dns/resolver';
import { checkMx } from '../../shared/probes/dns/mx';
import { checkPtr, reverseName } from '../../shared/probes/dns/ptr';
import { zoneResolver } from '../support/dns/zone-resolver';

/** MX checks through a zone resolver, which shows no answer sections: alias hops are CNAME queries. */
const mxOf = (domain: string, resolve: DnsResolver) => checkMx(domain, resolve, new Map());

const A = (address: string) => ({ type: 'A' as const, address });
const MX = (priority: number, exchange: string) => ({ type: 'MX' as const, priority, exchange });

describe('MX', () => {
  it('passes MX hosts that resolve, sorted by preference', async () => {
    const zone: ZoneRecords = {
      'example.test': [MX(20, 'mx2.example.test'), MX(10, 'mx1.example.test')],
      'mx1.example.test': [A('192.0.2.1')],
      'mx2.example.test': [{ type: 'AAAA', address: '2001:db8::2' }],
    };
    const found = await mxOf('example.test', zoneResolver(zone));
    expect(found.records).toEqual(['10 mx1.example.test', '20 mx2.example.test']);
    expect(found.hosts).toEqual(['mx1.example.test', 'mx2.example.test']);
    expect(found.checks.map((c) => [c.id, c.status])).toEqual([
      ['mx', 'pass'],
      ['mx.host:mx1.example.test', 'pass'],
      ['mx.host:mx2.example.test', 'pass'],
    ]);
  });

  it('recognises a null MX (RFC 7505)', async () => {
    const found = await mxOf('example.test', zoneResolver({ 'example.test': [MX(0, '')] }));
    expect(found).toMatchObject({ nullMx: true, hosts: [], records: ['0 .'] });
    expect(found.checks[0]).toMatchObject({ status: 'pass', message: expect.stringContaining('null MX') });
  });

  it('fails a null MX mixed with other MX records', async () => {
    const zone: ZoneRecords = {
      'example.test': [MX(0, ''), MX(10, 'mx1.example.test')],
      'mx1.example.test': [A('192.0.2.1')],
    };
    const found = await mxOf('example.test', zoneResolver(zone));
    expect(found.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.mx.null-mixed' });
  });

  it('warns about an implicit MX and fails a domain with neither MX nor address', async () => {
    const implicit = await mxOf('example.test', zoneResolver({ 'example.test': [A('192.0.2.1')] }));
    expect(implicit.checks[0]).toMatchObject({ status: 'warn', cause: 'dns.mx.implicit' });
    expect(implicit.hosts).toEqual(['example.test']);
    const none = await mxOf('example.test', zoneResolver({ 'example.test': [{ type: 'TXT', data: ['x'] }] }));
    expect(none.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.mx.missing' });
  });

  it('fails an MX host without addresses and an MX naming an IP address; warns about a CNAME', async () => {
    const zone: ZoneRecords = {
      'example.test': [MX(10, 'gone.example.test'), MX(20, '192.0.2.9'), MX(30, 'alias.example.test')],
      'alias.example.test': [{ type: 'CNAME', target: 'real.example.test' }],
      'real.example.test': [A('192.0.2.3')],
    };
    const { checks } = await mxOf('example.test', zoneResolver(zone));
    expect(checks.find((c) => c.id === 'mx.host:gone.example.test')).toMatchObject({
      status: 'fail',
      cause: 'dns.mx.host-unresolvable',
    });
    expect(checks.find((c) => c.id === 'mx.host:192.0.2.9')).toMatchObject({
      status: 'fail',
      cause: 'dns.mx.ip-literal',
    });
    expect(checks.find((c) => c.id === 'mx.host:alias.example.test')).toMatchObject({
      status: 'warn',
      cause: 'dns.mx.cname',
      observed: 'alias.example.test -> real.example.test',
      details: { addresses: ['192.0.2.3'] },
    });
    expect(checks.find((c) => c.id === 'mx.host:alias.example.test')?.message).toContain('RFC 5321 5.1');
  });

  it('fails an MX host that is an alias of a deprovisioned name, or of itself, showing the chain', async () => {
    const zone: ZoneRecords = {
      'example.test': [MX(10, 'mx.example.test'), MX(20, 'loop.example.test')],
      'mx.example.test': [{ type: 'CNAME', target: 'example-com.mail.saas.test' }],
      'saas.test': [A('192.0.2.50')],
      'loop.example.test': [{ type: 'CNAME', target: 'loop2.example.test' }],
      'loop2.example.test': [{ type: 'CNAME', target: 'loop.example.test' }],
    };
    const { checks } = await mxOf('example.test', zoneResolver(zone));
    expect(checks.find((c) => c.id === 'mx.host:mx.example.test')).toMatchObject({
      status: 'fail',
      cause: 'dns.cname.dangling',
      observed: 'mx.example.test -> example-com.mail.saas.test',
      message:
        'MX host mx.example.test is an alias to a name that does not exist: ' +
        'mx.example.test -> example-com.mail.saas.test (example-com.mail.saas.test: NXDOMAIN)',
    });
    expect(checks.find((c) => c.id === 'mx.host:loop.example.test')).toMatchObject({
      status: 'fail',
      cause: 'dns.cname.loop',
      observed: 'loop.example.test -> loop2.example.test -> loop.example.test',
    });
  });

  it('reports unknown, not missing, when the MX lookup times out', async () => {
    const found = await mxOf(
      'example.test',
      zoneResolver({}, () => 'timeout'),
    );
    expect(found.checks).toEqual([
      expect.objectContaining({ id: 'mx', status: 'unknown', cause: 'dns.lookup.timeout' }),
    ]);
    expect(found.hosts).toBeUndefined();
  });

  it('reports an MX host whose address lookup is refused as unknown', async () => {
    const zone: ZoneRecords = { 'example.test': [MX(10, 'mx1.example.test')] };
    const { checks } = await mxOf(
      'example.test',
      zoneResolver(zone, (n) => (n === 'mx1.example.test' ? 'refused' : undefined)),
    );
    expect(checks[1]).toMatchObject({ status: 'unknown', cause: 'dns.lookup.refused' });
  });
});

describe('PTR and forward-confirmed reverse DNS', () => {
  it('builds in-addr.arpa and ip6.arpa names', () => {
    expect(reverseName('192.0.2.10')).toBe('10.2.0.192.in-addr.arpa');
    expect(reverseName('2001:db8::1')).toBe(`1.0.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`);
    expect(reverseName('::ffff:192.0.2.1')).toBe(`1.0.2.0.0.0.0.c.f.f.f.f.${'0.'.repeat(19)}0.ip6.arpa`);
  });

  const zone: ZoneRecords = {
    '10.2.0.192.in-addr.arpa': [{ type: 'PTR', target: 'mail.example.test' }],
    '11.2.0.192.in-addr.arpa': [{ type: 'PTR', target: 'other.example.test' }],
    [reverseName('2001:db8::10')]: [{ type: 'PTR', target: 'mail.example.test.' }],
    'mail.example.test': [A('192.0.2.10'), { type: 'AAAA', address: '2001:db8:0:0::10' }],
    'other.example.test': [A('192.0.2.99')],
  };

  it('passes a PTR whose name resolves back to the IP (IPv4 and IPv6)', async () => {
    expect(await checkPtr('192.0.2.10', zoneResolver(zone))).toMatchObject({ status: 'pass' });
    expect(await checkPtr('2001:db8::10', zoneResolver(zone))).toMatchObject({ status: 'pass' });
  });

  it('fails a PTR whose name does not resolve back', async () => {
    expect(await checkPtr('192.0.2.11', zoneResolver(zone))).toMatchObject({
      status: 'fail',
      cause: 'dns.ptr.mismatch',
    });
  });

  it('fails a missing PTR and reports a SERVFAIL as unknown', async () => {
    expect(await checkPtr('192.0.2.12', zoneResolver(zone))).toMatchObject({
      status: 'fail',
      cause: 'dns.ptr.missing',
    });
    expect(
      await checkPtr(
        '192.0.2.10',
        zoneResolver(zone, () => 'servfail'),
      ),
    ).toMatchObject({
      status: 'unknown',
      cause: 'dns.lookup.servfail',
    });
  });
});
