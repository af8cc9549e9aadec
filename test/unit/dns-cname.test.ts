import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { DnsResolver } from '../../shared/dns/resolver';
import type { Check } from '../../shared/model/result';
import { withAliases } from '../../shared/probes/dns/aliases';
import { aliasCheck, followAliases, MAX_ALIASES } from '../../shared/probes/dns/cname';
import { judgeNullMx, spfAuthorisesSenders } from '../../shared/probes/dns/null-mx-sender';
import { zoneResolver } from '../support/dns/zone-resolver';

/** The walk through a zone resolver, which shows no answer sections: every hop is a CNAME query. */
const follow = (name: string, resolve: DnsResolver) => followAliases(name, resolve, new Map());

const CNAME = (target: string) => ({ type: 'CNAME' as const, target });
const TXT = (value: string) => ({ type: 'TXT' as const, data: [value] });

describe('CNAME chains', () => {
  const zone: ZoneRecords = {
    's1._domainkey.example.test': [CNAME('s1.dkim.esp.test.')],
    's1.dkim.esp.test': [TXT('v=DKIM1; k=ed25519; p=mOMGYEsP4dOvwp0Nsp/9ZMZHOEJQ0L8OvI/fbADAGgc=')],
    's2._domainkey.example.test': [CNAME('S2.Dkim.Gone-Esp.test')],
    'gone-esp.test': [TXT('parked')],
    'a.example.test': [CNAME('b.example.test')],
    'b.example.test': [CNAME('c.example.test')],
    'c.example.test': [CNAME('a.example.test')],
    '_dmarc.example.test': [TXT('v=DMARC1; p=reject')],
    ...Object.fromEntries(
      Array.from({ length: MAX_ALIASES + 3 }, (_, i) => [
        `h${i}.example.test`,
        [CNAME(`h${i + 1}.example.test`)],
      ]),
    ),
    [`h${MAX_ALIASES + 3}.example.test`]: [{ type: 'A', address: '192.0.2.1' }],
  };
  const resolve = zoneResolver(zone);

  it('passes an alias that resolves, naming each hop', async () => {
    const chain = await follow('S1._domainkey.example.test.', resolve);
    expect(chain).toEqual({ names: ['s1._domainkey.example.test', 's1.dkim.esp.test'], end: 'resolves' });
    expect(aliasCheck('alias:dkim:s1', 'DKIM key s1._domainkey.example.test', chain)).toEqual({
      id: 'alias:dkim:s1',
      status: 'pass',
      message:
        'DKIM key s1._domainkey.example.test is an alias: s1._domainkey.example.test -> s1.dkim.esp.test',
      observed: 's1._domainkey.example.test -> s1.dkim.esp.test',
      details: { chain: ['s1._domainkey.example.test', 's1.dkim.esp.test'], aliases: 1 },
    });
  });

  it('makes no check for a name that is no alias, present or not', async () => {
    expect((await judged('_dmarc.example.test')).check).toBeUndefined();
    expect((await judged('default._bimi.example.test')).check).toBeUndefined();
  });

  /** Follows `name` and judges the chain. */
  async function judged(name: string, via = resolve) {
    const chain = await follow(name, via);
    return { end: chain.end, check: aliasCheck('alias:x', `record ${name}`, chain) };
  }

  it('fails a dangling alias (its target NXDOMAIN) as a takeover risk', async () => {
    const { end, check } = await judged('s2._domainkey.example.test');
    expect(end).toBe('dangling');
    expect(check).toMatchObject({
      status: 'fail',
      cause: 'dns.cname.dangling',
      observed: 's2._domainkey.example.test -> s2.dkim.gone-esp.test',
    });
  });

  it('fails a loop and warns about a chain longer than some resolvers follow, without walking forever', async () => {
    const loop = await follow('a.example.test', resolve);
    expect(loop).toEqual({
      names: ['a.example.test', 'b.example.test', 'c.example.test', 'a.example.test'],
      end: 'loop',
    });
    expect(aliasCheck('alias:x', 'x', loop)).toMatchObject({ status: 'fail', cause: 'dns.cname.loop' });
    const long = await follow('h0.example.test', resolve);
    expect(long.names).toHaveLength(MAX_ALIASES + 2);
    expect((await judged('h0.example.test')).check).toMatchObject({
      status: 'warn',
      cause: 'dns.cname.chain-too-long',
      details: { aliases: MAX_ALIASES + 1 },
    });
    // Exactly MAX_ALIASES aliases still resolve.
    const limit = await follow(`h3.example.test`, resolve);
    expect(limit).toMatchObject({ end: 'resolves' });
    expect(limit.names).toHaveLength(MAX_ALIASES + 1);
  });

  it('reports a hop that got no answer as unknown, with the chain so far, never as dangling', async () => {
    const flaky = zoneResolver(zone, (name) => (name === 's1.dkim.esp.test' ? 'timeout' : undefined));
    const { end, check } = await judged('s1._domainkey.example.test', flaky);
    expect(end).toBe('unknown');
    expect(check).toMatchObject({
      status: 'unknown',
      cause: 'dns.lookup.timeout',
      observed: 's1._domainkey.example.test -> s1.dkim.esp.test',
    });
    // A first query without an answer is the record check's to report.
    const blind = zoneResolver(zone, () => 'servfail');
    expect((await judged('s1._domainkey.example.test', blind)).check).toBeUndefined();
  });

  it('bounds a crafted name in the observed text', async () => {
    const long = `${'x'.repeat(60)}.`.repeat(4);
    const crafted = zoneResolver({ 'a.example.test': [CNAME(`${long}gone.test`)] });
    const check = aliasCheck('alias:x', 'x', await follow('a.example.test', crafted));
    expect(check?.status).toBe('fail');
    expect(String(check?.observed).length).toBeLessThan(200);
    expect(check?.observed).toContain('…[+');
  });
});

describe('null MX on a domain that sends (RFC 7505)', () => {
  const nullMx = { id: 'mx', status: 'pass' as const, message: 'null MX' };

  it.each([
    ['v=spf1 -all', false],
    ['v=spf1 ~all', false],
    ['v=spf1 exp=explain.example.test -all', false],
    ['v=spf1 ip4:192.0.2.0/24 -all', true],
    ['v=spf1 +include:_spf.esp.test ~all', true],
    ['v=spf1 redirect=_spf.example.test', true],
    ['v=spf1 ?a -all', false],
    ['v=spf1 +all', true],
  ])('SPF %s authorises senders: %s', (record, expected) => {
    expect(spfAuthorisesSenders(record)).toBe(expected);
  });

  it('passes a null MX on a domain that sends nothing', () => {
    expect(judgeNullMx(nullMx, { spf: ['v=spf1 -all'], dkimSelectors: [], sendingIps: [] })).toBe(nullMx);
    expect(judgeNullMx(nullMx, { spf: undefined, dkimSelectors: [], sendingIps: [] })).toBe(nullMx);
  });

  it('fails a null MX when SPF authorises senders, DKIM selectors or sending IPs are configured, saying which', () => {
    const check = judgeNullMx(nullMx, {
      spf: ['v=spf1 include:_spf.esp.test -all'],
      dkimSelectors: ['s1'],
      sendingIps: ['192.0.2.10'],
    });
    expect(check).toMatchObject({
      id: 'mx',
      status: 'fail',
      cause: 'dns.mx.null-on-sender',
      observed: '0 .',
    });
    expect(check.details).toEqual({
      reasons: [
        'its SPF record authorises senders ("v=spf1 include:_spf.esp.test -all")',
        'DKIM selectors are configured (s1)',
        'sending IPs are configured (192.0.2.10)',
      ],
    });
    expect(check.message).toContain('550 5.7.27');
  });

  it('leaves a null MX that is already failing (mixed with other MX records) as it is', () => {
    const mixed = {
      id: 'mx',
      status: 'fail' as const,
      cause: 'dns.mx.null-mixed' as const,
      message: 'mixed',
    };
    expect(judgeNullMx(mixed, { spf: ['v=spf1 a -all'], dkimSelectors: [], sendingIps: [] })).toBe(mixed);
  });
});

describe('alias findings beside the record checks', () => {
  const dangling: Check = {
    id: 'alias:dkim:s2',
    status: 'fail',
    cause: 'dns.cname.dangling',
    message:
      'DKIM key s2._domainkey.example.test is an alias to a name that does not exist: a -> b (b: NXDOMAIN)',
    observed: 'a -> b',
    details: { chain: ['a', 'b'], aliases: 1 },
  };
  const resolving: Check = { id: 'alias:dkim:s1', status: 'pass', message: 'DKIM key is an alias: c -> d' };

  it('makes a record check that failed because its alias dangles one finding with the alias cause and chain', () => {
    const missing: Check = {
      id: 'dkim:s2',
      status: 'fail',
      cause: 'dns.dkim.missing',
      message: 'no DKIM key record at s2._domainkey.example.test',
    };
    const passing: Check = { id: 'dkim:s1', status: 'pass', message: 'Ed25519' };
    const merged = withAliases(
      [passing, missing],
      [
        { check: resolving, recordCheck: 'dkim:s1' },
        { check: dangling, recordCheck: 'dkim:s2' },
      ],
    );
    expect(merged).toEqual([
      passing,
      {
        id: 'dkim:s2',
        status: 'fail',
        cause: 'dns.cname.dangling',
        message: `no DKIM key record at s2._domainkey.example.test: ${dangling.message}`,
        observed: 'a -> b',
        details: { alias: { chain: ['a', 'b'], aliases: 1 } },
      },
      resolving,
    ]);
  });

  it('keeps a dangling alias as its own finding when the record check passes anyway', () => {
    const inherited: Check = {
      id: 'dmarc.record',
      status: 'pass',
      message: 'v=DMARC1; p=reject (from example.test)',
    };
    const alias = { ...dangling, id: 'alias:dmarc' };
    expect(withAliases([inherited], [{ check: alias, recordCheck: 'dmarc.record' }])).toEqual([
      inherited,
      alias,
    ]);
  });
});
