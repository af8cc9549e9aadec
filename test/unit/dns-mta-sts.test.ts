import type { ZoneRecords } from '../../cli/demo/dns-server';
import type { Check } from '../../shared/model/result';
import { checkBimi } from '../../shared/probes/dns/bimi';
import { checkMtaSts, mxMatches } from '../../shared/probes/dns/mta-sts';
import type { PolicyFetch, PolicyFetcher } from '../../shared/probes/dns/mta-sts-fetch';
import { checkPolicyId, type PublishedPolicy } from '../../shared/probes/dns/mta-sts-id';
import { checkTlsRpt } from '../../shared/probes/dns/tls-rpt';
import { zoneResolver } from '../support/dns/zone-resolver';

const txt = (...values: string[]): ZoneRecords[string] =>
  values.map((v) => ({ type: 'TXT' as const, data: [v] }));
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);
const URL = 'https://mta-sts.example.test/.well-known/mta-sts.txt';
const serving =
  (body: string, contentType: string | undefined = 'text/plain'): PolicyFetcher =>
  async () => ({ ok: true, body, url: URL, address: '127.0.0.1', contentType });
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
      ['mta-sts.content-type', 'pass'],
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

  it('fails a policy served as text/html (a CMS page) or without a content type, and accepts a charset', async () => {
    const html = await sts(
      RECORD,
      serving(policy('enforce', ['*.example.test']), 'text/html; charset=UTF-8'),
    );
    expect(byId(html.checks, 'mta-sts.content-type')).toMatchObject({
      status: 'fail',
      cause: 'dns.mta-sts.policy-content-type',
      observed: 'text/html; charset=UTF-8',
      expected: 'text/plain',
    });
    expect(byId(html.checks, 'mta-sts.content-type')?.message).toContain(
      'served as "text/html; charset=UTF-8"',
    );
    // The body is still judged: the content type is its own finding.
    expect(byId(html.checks, 'mta-sts.policy')).toMatchObject({ status: 'pass' });
    const bare = await sts(RECORD, async () => ({
      ok: true,
      body: policy('enforce', ['*.example.test']),
      url: URL,
      address: '127.0.0.1',
      contentType: undefined,
    }));
    expect(byId(bare.checks, 'mta-sts.content-type')).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('without a Content-Type'),
    });
    const charset = await sts(
      RECORD,
      serving(policy('enforce', ['*.example.test']), 'Text/Plain; charset=utf-8'),
    );
    expect(byId(charset.checks, 'mta-sts.content-type')).toMatchObject({ status: 'pass' });
  });

  it('hands the id and the policy as senders apply it to the id check, formatting aside', async () => {
    const crlf = await sts(RECORD, serving(policy('enforce', ['b.example.test', 'a.example.test'])));
    const lf = await sts(
      RECORD,
      serving('version: STSv1\nmx: a.example.test\nmode: enforce\nmx: B.example.test\nmax_age: 604800\n'),
    );
    expect(crlf.published).toEqual({
      id: '20240101',
      policy: 'mode: enforce\nmax_age: 604800\nmx: a.example.test\nmx: b.example.test',
      maxAge: 604800,
    });
    expect(lf.published).toEqual(crlf.published);
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

describe('MTA-STS policy changed without a new id (RFC 8461 3.3, 5.1)', () => {
  const seen = (id: string, mx: string, maxAge = 86_400): PublishedPolicy => ({
    id,
    policy: `mode: enforce\nmax_age: ${maxAge}\nmx: ${mx}`,
    maxAge,
  });
  const at = (iso: string) => new Date(iso);

  it('records the policy, passes it unchanged, then warns while senders may still hold the old one', () => {
    const first = checkPolicyId(seen('1', 'mx1.example.test'), undefined, at('2026-12-01T00:00:00Z'));
    expect(first.check).toMatchObject({
      id: 'mta-sts.id',
      status: 'pass',
      message: 'policy recorded under id 1',
    });
    const same = checkPolicyId(seen('1', 'mx1.example.test'), first.memo, at('2026-12-01T01:00:00Z'));
    expect(same.check).toMatchObject({ status: 'pass', message: 'policy unchanged under id 1' });

    const changed = checkPolicyId(seen('1', 'mx2.example.test'), same.memo, at('2026-12-01T02:00:00Z'));
    expect(changed.check).toMatchObject({
      status: 'warn',
      cause: 'dns.mta-sts.id-unchanged',
      observed: 'mode: enforce\nmax_age: 86400\nmx: mx2.example.test',
      expected: 'mode: enforce\nmax_age: 86400\nmx: mx1.example.test',
      details: { changedAt: '2026-12-01T02:00:00.000Z', cachedUntil: '2026-12-02T02:00:00.000Z' },
    });
    expect(changed.check?.message).toContain('_mta-sts still says id=1');

    // A later run still warns, from the time the change was first seen, and compares with the first policy.
    const later = checkPolicyId(seen('1', 'mx2.example.test'), changed.memo, at('2026-12-01T20:00:00Z'));
    expect(later.check).toMatchObject({
      status: 'warn',
      details: { changedAt: '2026-12-01T02:00:00.000Z' },
      expected: expect.stringContaining('mx1.example.test'),
    });

    // Once the old policy's max_age has passed since, every cache has expired: a pass and a new baseline.
    const expired = checkPolicyId(seen('1', 'mx2.example.test'), later.memo, at('2026-12-02T02:00:00Z'));
    expect(expired.check).toMatchObject({
      status: 'pass',
      message: expect.stringContaining('has passed since'),
    });
    const after = checkPolicyId(seen('1', 'mx2.example.test'), expired.memo, at('2026-12-02T03:00:00Z'));
    expect(after.check).toMatchObject({ status: 'pass', message: 'policy unchanged under id 1' });
  });

  it('passes a change that comes with a new id, and a policy changed back before the caches noticed', () => {
    const first = checkPolicyId(seen('1', 'mx1.example.test'), undefined, at('2026-12-01T00:00:00Z'));
    const bumped = checkPolicyId(seen('2', 'mx2.example.test'), first.memo, at('2026-12-01T01:00:00Z'));
    expect(bumped.check).toMatchObject({
      status: 'pass',
      message: 'id changed from 1 to 2: senders fetch the policy again',
    });
    const changed = checkPolicyId(seen('2', 'mx3.example.test'), bumped.memo, at('2026-12-01T02:00:00Z'));
    expect(changed.check?.status).toBe('warn');
    const reverted = checkPolicyId(seen('2', 'mx2.example.test'), changed.memo, at('2026-12-01T03:00:00Z'));
    expect(reverted.check).toMatchObject({ status: 'pass', message: 'policy unchanged under id 2' });
    expect(reverted.memo).not.toHaveProperty('changedAt');
  });

  it('keeps what it knew through a run without a policy, and ignores a malformed memo', () => {
    const first = checkPolicyId(seen('1', 'mx1.example.test'), undefined, at('2026-12-01T00:00:00Z'));
    expect(checkPolicyId(undefined, first.memo, at('2026-12-01T01:00:00Z'))).toEqual({ memo: first.memo });
    expect(checkPolicyId(undefined, undefined, at('2026-12-01T01:00:00Z'))).toEqual({});
    expect(
      checkPolicyId(seen('1', 'mx1.example.test'), { id: 1, fp: [] }, at('2026-12-01T01:00:00Z')).check,
    ).toMatchObject({ status: 'pass', message: 'policy recorded under id 1' });
  });
});
