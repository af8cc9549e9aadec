import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { checkDmarc, parseDmarc } from '../../shared/probes/dns/dmarc';
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
    expect(checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
    expect(byId(checks, 'dmarc.alignment')).toMatchObject({ details: { adkim: 's', aspf: 'r' } });
    expect(records).toEqual(['v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@example.test']);
  });

  it('warns about p=none', async () => {
    const { checks } = await dmarc('v=DMARC1; p=none; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.policy')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.policy-none' });
  });

  it('warns about pct below 100', async () => {
    const { checks } = await dmarc('v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.rollout')).toMatchObject({ status: 'warn', cause: 'dns.dmarc.partial-pct' });
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

  it('ignores unknown tags', async () => {
    const { checks } = await dmarc('v=DMARC1; p=reject; foo=bar; rua=mailto:dmarc@example.test');
    expect(byId(checks, 'dmarc.record')).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['p=reject; v=DMARC1', 'first tag'],
    ['v=DMARC1; rua=mailto:a@example.test', '"p=" is missing'],
    ['v=DMARC1; p=block', 'not none/quarantine/reject'],
    ['v=DMARC1; p=reject; pct=150', 'not 0-100'],
    ['v=DMARC1; p=reject; adkim=x', 'must be one of r/s'],
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
