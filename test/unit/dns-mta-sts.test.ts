import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { checkBimi } from '../../shared/probes/dns/bimi';
import { checkMtaSts, mxMatches } from '../../shared/probes/dns/mta-sts';
import type { PolicyFetch, PolicyFetcher } from '../../shared/probes/dns/mta-sts-fetch';
import { checkTlsRpt } from '../../shared/probes/dns/tls-rpt';
import { zoneResolver } from '../support/dns/zone-resolver';

const txt = (...values: string[]): ZoneRecords[string] =>
  values.map((v) => ({ type: 'TXT' as const, data: [v] }));
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);
const URL = 'https://mta-sts.example.test/.well-known/mta-sts.txt';
const serving =
  (body: string): PolicyFetcher =>
  async () => ({ ok: true, body, url: URL, address: '127.0.0.1', contentType: 'text/plain' });
const policy = (mode: string, mx: string[], maxAge = 604800) =>
  ['version: STSv1', `mode: ${mode}`, ...mx.map((m) => `mx: ${m}`), `max_age: ${maxAge}`].join('\r\n');
const signal = new AbortController().signal;
const RECORD = { '_mta-sts.example.test': txt('v=STSv1; id=20240101') };

async function sts(
  zone: ZoneRecords,
  fetcher: PolicyFetcher,
  hosts: string[] | undefined = ['mx1.example.test'],
) {
  return checkMtaSts(
    'example.test',
    'optional',
    Promise.resolve({ hosts, nullMx: false }),
    zoneResolver(zone),
    fetcher,
    signal,
  );
}

describe('MTA-STS MX patterns (RFC 8461 4.1)', () => {
  it.each([
    ['mx1.example.test', 'mx1.example.test', true],
    ['MX1.Example.Test.', 'mx1.example.test', true],
    ['mx1.example.test', '*.example.test', true],
    ['a.mx1.example.test', '*.example.test', false],
    ['example.test', '*.example.test', false],
    ['mx1.example.test', 'mx2.example.test', false],
  ])('%s against %s: %s', (host, pattern, expected) => {
    expect(mxMatches(host, pattern)).toBe(expected);
  });
});

describe('MTA-STS', () => {
  it('passes an enforce policy covering every MX', async () => {
    const {
      checks,
      records,
      policy: body,
    } = await sts(RECORD, serving(policy('enforce', ['*.example.test'])));
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['mta-sts.record', 'pass'],
      ['mta-sts.policy', 'pass'],
      ['mta-sts.max-age', 'pass'],
      ['mta-sts.mx', 'pass'],
    ]);
    expect(records).toEqual(['v=STSv1; id=20240101']);
    expect(body?.[0]).toContain('mode: enforce');
  });

  it('fails an MX host not matched by an enforce policy, and only warns in testing mode', async () => {
    const enforce = await sts(RECORD, serving(policy('enforce', ['mx1.example.test'])), [
      'mx1.example.test',
      'mx9.example.test',
    ]);
    expect(byId(enforce.checks, 'mta-sts.mx')).toMatchObject({
      status: 'fail',
      cause: 'dns.mta-sts.mx-unmatched',
      observed: ['mx9.example.test'],
    });
    const testing = await sts(RECORD, serving(policy('testing', ['mx1.example.test'])), ['mx9.example.test']);
    expect(byId(testing.checks, 'mta-sts.mx')).toMatchObject({
      status: 'warn',
      cause: 'dns.mta-sts.mx-unmatched',
    });
  });

  it('warns about mode none and a max_age under a day', async () => {
    const { checks } = await sts(RECORD, serving(policy('none', [], 3600)));
    expect(byId(checks, 'mta-sts.policy')).toMatchObject({ status: 'warn', cause: 'dns.mta-sts.mode-none' });
    expect(byId(checks, 'mta-sts.max-age')).toMatchObject({
      status: 'warn',
      cause: 'dns.mta-sts.max-age-short',
    });
    expect(byId(checks, 'mta-sts.mx')).toBeUndefined();
  });

  it.each([
    ['version: STSv2\nmode: enforce\nmx: a.example.test\nmax_age: 86400', 'invalid_sts_version'],
    ['version: STSv1\nmode: strict\nmx: a.example.test\nmax_age: 86400', 'invalid_sts_mode'],
    ['version: STSv1\nmode: enforce\nmx: a.example.test\nmax_age: 99999999', 'invalid_sts_max_age'],
    ['version: STSv1\nmode: enforce\nmax_age: 86400', 'invalid_sts_mx'],
    ['<html>Not here</html>', 'invalid_sts_version'],
  ])('fails an invalid policy (%#)', async (body, code) => {
    const { checks } = await sts(RECORD, serving(body));
    expect(byId(checks, 'mta-sts.policy')).toMatchObject({
      status: 'fail',
      cause: 'dns.mta-sts.policy-invalid',
    });
    expect(byId(checks, 'mta-sts.policy')?.message).toContain(code);
  });

  it('passes the fetcher failure through as the policy check', async () => {
    const failing: PolicyFetcher = async (): Promise<PolicyFetch> => ({
      ok: false,
      status: 'fail',
      cause: 'dns.mta-sts.policy-tls',
      message: 'certificate not valid',
      url: URL,
    });
    const { checks } = await sts(RECORD, failing);
    expect(byId(checks, 'mta-sts.policy')).toMatchObject({ status: 'fail', cause: 'dns.mta-sts.policy-tls' });
  });

  it('passes an absent optional record, fails an absent required one, without fetching', async () => {
    const fetcher = jest.fn(serving(''));
    const optional = await sts({}, fetcher);
    expect(optional.checks).toEqual([expect.objectContaining({ id: 'mta-sts.record', status: 'pass' })]);
    const required = await checkMtaSts(
      'example.test',
      'required',
      Promise.resolve({ hosts: [], nullMx: false }),
      zoneResolver({}),
      fetcher,
      signal,
    );
    expect(required.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.mta-sts.missing' });
    expect(fetcher).not.toHaveBeenCalled();
  });

  it('fails two records and an invalid id', async () => {
    const two = await sts({ '_mta-sts.example.test': txt('v=STSv1; id=1', 'v=STSv1; id=2') }, serving(''));
    expect(two.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.mta-sts.multiple' });
    const badId = await sts({ '_mta-sts.example.test': txt('v=STSv1; id=2024-01-01') }, serving(''));
    expect(badId.checks[0]).toMatchObject({ status: 'fail', cause: 'dns.mta-sts.invalid-record' });
  });

  it('reports the MX match as unknown when the MX lookup got no answer', async () => {
    const mx = Promise.resolve({ hosts: undefined, nullMx: false });
    const fetcher = serving(policy('enforce', ['mx1.example.test']));
    const { checks } = await checkMtaSts(
      'example.test',
      'optional',
      mx,
      zoneResolver(RECORD),
      fetcher,
      signal,
    );
    expect(byId(checks, 'mta-sts.mx')).toMatchObject({ status: 'unknown' });
  });
});

describe('TLS-RPT', () => {
  const check = async (zone: ZoneRecords, presence: 'required' | 'optional' = 'optional') =>
    (await checkTlsRpt('example.test', presence, zoneResolver(zone))).checks[0];

  it('passes one record with mailto: and https: destinations', async () => {
    expect(
      await check({
        '_smtp._tls.example.test': txt('v=TLSRPTv1; rua=mailto:tls@example.test,https://r.example.test/v1'),
      }),
    ).toMatchObject({ status: 'pass' });
  });

  it.each([
    ['v=TLSRPTv1;', 'no "rua="'],
    ['v=TLSRPTv1; rua=tls@example.test', 'not a mailto: or https: URI'],
    ['v=TLSRPTv1; rua=http://r.example.test/', 'not a mailto: or https: URI'],
  ])('fails "%s"', async (record, why) => {
    const result = await check({ '_smtp._tls.example.test': txt(record) });
    expect(result).toMatchObject({ status: 'fail', cause: 'dns.tls-rpt.invalid' });
    expect(result?.message).toContain(why);
  });

  it('fails two records, and a missing record only when required', async () => {
    expect(
      await check({
        '_smtp._tls.example.test': txt(
          'v=TLSRPTv1; rua=mailto:a@example.test',
          'v=TLSRPTv1; rua=mailto:b@example.test',
        ),
      }),
    ).toMatchObject({
      status: 'fail',
      cause: 'dns.tls-rpt.multiple',
    });
    expect(await check({})).toMatchObject({ status: 'pass' });
    expect(await check({}, 'required')).toMatchObject({ status: 'fail', cause: 'dns.tls-rpt.missing' });
  });
});

describe('BIMI', () => {
  const check = async (record: string) =>
    (await checkBimi('example.test', 'optional', zoneResolver({ 'default._bimi.example.test': txt(record) })))
      .checks[0];

  it('passes an https logo, and a declination record', async () => {
    expect(
      await check('v=BIMI1; l=https://img.example.test/logo.svg; a=https://img.example.test/vmc.pem'),
    ).toMatchObject({
      status: 'pass',
    });
    expect(await check('v=BIMI1; l=; a=;')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('declined'),
    });
  });

  it('fails a logo served over http and a certificate URL that is not https', async () => {
    expect(await check('v=BIMI1; l=http://img.example.test/logo.svg')).toMatchObject({
      status: 'fail',
      cause: 'dns.bimi.logo-not-https',
    });
    expect(await check('v=BIMI1; l=https://img.example.test/logo.svg; a=ftp://x')).toMatchObject({
      status: 'fail',
      cause: 'dns.bimi.invalid',
    });
  });
});
