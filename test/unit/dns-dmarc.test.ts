import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { checkDmarc, parseDmarc } from '../../shared/probes/dns/dmarc';
import { walkTargets } from '../../shared/probes/dns/dmarc-discovery';
import { zoneResolver } from '../support/dns/zone-resolver';

const txt = (...values: string[]): ZoneRecords[string] =>
  values.map((v) => ({ type: 'TXT' as const, data: [v] }));
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);

async function dmarc(record: string | string[], extra: ZoneRecords = {}, domain = 'example.test') {
  const zone: ZoneRecords = { '_dmarc.example.test': txt(...[record].flat()), ...extra };
  return checkDmarc(domain, zoneResolver(zone));
}

describe('DMARC record', () => {
  it('passes an enforcing record and reports alignment modes', async () => {
    const { checks, records } = await dmarc('v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.test');
    expect(checks.map((c) => c.id)).toEqual([
      'dmarc.record',
      'dmarc.discovery',
      'dmarc.tags',
      'dmarc.policy',
      'dmarc.rollout',
      'dmarc.alignment',
      'dmarc.reports',
    ]);
    expect(checks.every((c) => c.status === 'pass')).toBe(true);
    expect(byId(checks, 'dmarc.alignment')).toMatchObject({ details: { adkim: 's', aspf: 'r' } });
    expect(records).toEqual(['v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.test']);
  });

  it('warns about p=none', async () => {
    const { checks } = await dmarc('v=DMARC1; p=none; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.policy')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.policy-none' });
  });

  it('warns about pct below 100 as RFC 7489 behaviour, and names pct as removed by RFC 9989', async () => {
    const { checks } = await dmarc('v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.rollout')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.partial-pct',
      details: { follows: 'RFC 7489 6.3' },
    });
    expect(byId(checks, 'dmarc.tags')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.removed-tag',
      details: { removed: ['pct'] },
    });
  });

  it('names rf and ri as removed by RFC 9989', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; rf=afrf; ri=3600; rua=mailto:dmarc@example.test');
    const tags = byId(checks, 'dmarc.tags');
    expect(tags).toMatchObject({ cause: 'dns.dmarc.removed-tag', details: { removed: ['rf', 'ri'] } });
    expect(tags?.message).toContain('"ri" was removed by RFC 9989');
  });

  it('names an unknown tag and the defined tag it probably misspells', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; adkm=s; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.tags')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.unknown-tag',
      message: expect.stringContaining('"adkm" (did you mean "adkim"?)'),
    });
    expect(byId(checks, 'dmarc.alignment')).toMatchObject({ details: { adkim: 'r' } });
  });

  it('warns about psd=y on an ordinary domain', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; psd=y; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.tags')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.psd-misuse' });
  });

  it('accepts the DMARCbis tags np, psd and t, and warns about t=y', async () => {
    const { checks } = await dmarc(
      'v=DMARC1; p=reject; np=reject; psd=n; t=y; rua=mailto:dmarc@example.test',
    );
    expect(byId(checks, 'dmarc.record')).toMatchObject({ status: 'pass' });
    expect(byId(checks, 'dmarc.rollout')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.testing' });
  });

  it('warns when subdomains are left at sp=none', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.policy')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.subdomain-policy-none',
    });
  });

  it('applies a record with unknown tags, as receivers do', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; foo=bar; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.record')).toMatchObject({ status: 'pass' });
    expect(byId(checks, 'dmarc.policy')).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['p=reject; v=DMARC1', 'first tag'],
    ['v=DMARC1; rua=mailto:a@example.test', '"p=" is missing'],
    ['v=DMARC1; p=block', 'not none/quarantine/reject'],
    ['v=DMARC1; p=reject; pct=150', 'not 0-100'],
    ['v=DMARC1; p=reject; adkim=x', 'must be one of r/s'],
    ['v=DMARC1; p=reject; t=maybe', 'must be one of y/n'],
    ['v=DMARC1; p=reject; psd=x', 'must be one of y/n/u'],
    ['v=DMARC1; p=reject; np=block', 'not none/quarantine/reject'],
  ])('fails the invalid record "%s"', async (record, why) => {
    const parsed = parseDmarc(record);
    expect('errors' in parsed && parsed.errors.join(' ')).toContain(why);
  });

  it('fails two DMARC records', async () => {
    const { checks } = await dmarc(['v=DMARC1; p=none', 'v=DMARC1; p=reject']);
    expect(checks).toEqual([
      expect.objectContaining({ id: 'dmarc.record', status: 'fail', cause: 'dns.dmarc.multiple' }),
    ]);
  });

  it('fails a missing record, and reports a timeout as unknown', async () => {
    const missing = await checkDmarc('example.test', zoneResolver({ 'example.test': txt('v=spf1 -all') }));
    expect(missing.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.dmarc.missing' });
    const timeout = await checkDmarc(
      'example.test',
      zoneResolver({}, () => 'timeout'),
    );
    expect(timeout.checks[0]).toMatchObject({ status: 'unknown', cause: 'dns.lookup.timeout' });
  });

  it("applies the organisational domain's record (and its sp) to a subdomain without one", async () => {
    const zone: ZoneRecords = {
      '_dmarc.example.test': txt('v=DMARC1; p=reject; sp=none; rua=mailto:dmarc@example.test'),
      'mail.example.test': [{ type: 'A', address: '192.0.2.1' }],
    };
    const { checks } = await checkDmarc('mail.example.test', zoneResolver(zone));
    expect(byId(checks, 'dmarc.record')).toMatchObject({
      status: 'pass',
      details: { policyDomain: 'example.test' },
    });
    expect(byId(checks, 'dmarc.policy')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.policy-none' });
  });
});

describe('DMARC report destinations', () => {
  it('passes an external destination that authorises the domain', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; rua=mailto:r@reports.example.net', {
      'example.test._report._dmarc.reports.example.net': txt('v=DMARC1'),
    });
    expect(byId(checks, 'dmarc.reports')).toMatchObject({ status: 'pass' });
  });

  it('warns when an external destination has no authorisation record', async () => {
    const { checks } = await dmarc(
      'v=DMARC1; p=reject; rua=mailto:r@example.test,mailto:x@reports.example.net!10m',
    );
    expect(byId(checks, 'dmarc.reports')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.report-unauthorized',
    });
  });

  it('needs no authorisation for a destination in the same organisational domain', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; rua=mailto:r@reports.example.test');
    expect(byId(checks, 'dmarc.reports')).toMatchObject({ status: 'pass' });
  });

  it('warns about a destination that is not a mailto: URI, and about no rua at all', async () => {
    const bad = await dmarc('v=DMARC1; p=reject; rua=dmarc@example.test');
    expect(byId(bad.checks, 'dmarc.reports')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.report-uri-invalid',
    });
    const none = await dmarc('v=DMARC1; p=reject');
    expect(byId(none.checks, 'dmarc.reports')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.no-rua' });
  });
});

describe('DMARC discovery by DNS tree walk (RFC 9989)', () => {
  const rec = (extra = '') => txt(`v=DMARC1; p=reject${extra}; rua=mailto:dmarc@example.test`);

  it('walks every parent up to the top-level domain, one label at a time', () => {
    expect(walkTargets('a.b.example.test')).toEqual([
      'a.b.example.test',
      'b.example.test',
      'example.test',
      'test',
    ]);
  });

  it('jumps from a long name straight to seven labels, so a walk queries at most eight names', () => {
    const targets = walkTargets('1.2.3.4.5.6.7.8.9.example.test');
    expect(targets).toHaveLength(8);
    expect(targets[1]).toBe('5.6.7.8.9.example.test');
    expect(targets.at(-1)).toBe('test');
  });

  it('finds the policy on an intermediate domain that RFC 7489 receivers never query', async () => {
    const zone: ZoneRecords = {
      '_dmarc.mail.example.test': txt('v=DMARC1; p=quarantine; sp=reject; rua=mailto:dmarc@example.test'),
      '_dmarc.example.test': txt('v=DMARC1; p=none; rua=mailto:dmarc@example.test'),
      'a.mail.example.test': [{ type: 'A', address: '192.0.2.1' }],
    };
    const resolver = zoneResolver(zone);
    const { checks } = await checkDmarc('a.mail.example.test', resolver);
    expect(byId(checks, 'dmarc.record')).toMatchObject({ details: { policyDomain: 'mail.example.test' } });
    expect(byId(checks, 'dmarc.policy')).toMatchObject({ status: 'pass', details: { applies: 'reject' } });
    expect(byId(checks, 'dmarc.discovery')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.discovery-differs',
      details: {
        rfc9989: { policyDomain: 'mail.example.test', orgDomain: 'example.test' },
        rfc7489: { policyDomain: 'example.test', orgDomain: 'example.test' },
      },
    });
    expect(resolver.queries.filter((q) => q.startsWith('TXT _dmarc.'))).toEqual([
      'TXT _dmarc.a.mail.example.test',
      'TXT _dmarc.mail.example.test',
      'TXT _dmarc.example.test',
      'TXT _dmarc.test',
    ]);
  });

  it('stops at psd=n, which makes that domain the organisational domain', async () => {
    const zone: ZoneRecords = {
      '_dmarc.dept.example.test': rec('; psd=n'),
      '_dmarc.example.test': rec(),
    };
    const resolver = zoneResolver(zone);
    const { checks } = await checkDmarc('dept.example.test', resolver);
    expect(byId(checks, 'dmarc.alignment')).toMatchObject({ details: { orgDomain: 'dept.example.test' } });
    expect(byId(checks, 'dmarc.discovery')).toMatchObject({ cause: 'dns.dmarc.org-domain-differs' });
    expect(resolver.queries).not.toContain('TXT _dmarc.example.test');
  });

  it('takes the name below a psd=y record as the organisational domain, and applies the operator policy', async () => {
    const zone: ZoneRecords = {
      '_dmarc.test': txt('v=DMARC1; p=reject; sp=quarantine; psd=y'),
      'shop.brand.test': [{ type: 'A', address: '192.0.2.1' }],
    };
    const { checks } = await checkDmarc('shop.brand.test', zoneResolver(zone));
    expect(byId(checks, 'dmarc.record')).toMatchObject({
      details: { policyDomain: 'test', orgDomain: 'brand.test' },
    });
    expect(byId(checks, 'dmarc.policy')).toMatchObject({
      details: { applies: 'quarantine' },
      message: expect.stringContaining('public suffix operator'),
    });
  });

  it('warns when a subdomain has a record and its parent none (alignment differs between the RFCs)', async () => {
    const { checks } = await checkDmarc(
      'news.example.test',
      zoneResolver({ '_dmarc.news.example.test': rec() }),
    );
    expect(byId(checks, 'dmarc.discovery')).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.org-domain-differs',
      details: { rfc9989: { orgDomain: 'news.example.test' }, rfc7489: { orgDomain: 'example.test' } },
    });
  });

  it('counts a parent with two records as none and goes on walking', async () => {
    const zone: ZoneRecords = {
      '_dmarc.mail.example.test': txt('v=DMARC1; p=none', 'v=DMARC1; p=reject'),
      '_dmarc.example.test': rec(),
      'a.mail.example.test': [{ type: 'A', address: '192.0.2.1' }],
    };
    const { checks } = await checkDmarc('a.mail.example.test', zoneResolver(zone));
    expect(byId(checks, 'dmarc.record')).toMatchObject({
      status: 'pass',
      details: { policyDomain: 'example.test' },
    });
  });

  it('is unknown when a lookup on the walk fails before any record is found', async () => {
    const { checks } = await checkDmarc(
      'a.example.test',
      zoneResolver({ '_dmarc.example.test': rec() }, (name) =>
        name === '_dmarc.example.test' ? 'servfail' : undefined,
      ),
    );
    expect(checks).toEqual([
      expect.objectContaining({ id: 'dmarc.record', status: 'unknown', cause: 'dns.lookup.servfail' }),
    ]);
  });

  it('keeps the policy found when a lookup above it fails, and says the organisational domain may change', async () => {
    const { checks } = await checkDmarc(
      'example.test',
      zoneResolver({ '_dmarc.example.test': rec() }, (name) =>
        name === '_dmarc.test' ? 'timeout' : undefined,
      ),
    );
    expect(byId(checks, 'dmarc.record')).toMatchObject({ status: 'pass' });
    expect(byId(checks, 'dmarc.alignment')?.message).toContain('_dmarc.test failed');
  });

  it('fails when the walk finds no record up to the top-level domain', async () => {
    const { checks } = await checkDmarc('a.b.example.test', zoneResolver({ 'a.b.example.test': txt('x') }));
    expect(checks[0]).toMatchObject({
      status: 'fail',
      cause: 'dns.dmarc.missing',
      details: { walked: ['a.b.example.test', 'b.example.test', 'example.test', 'test'] },
    });
  });
});
