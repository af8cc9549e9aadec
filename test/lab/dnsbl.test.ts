import type { Check } from '../../shared/model/result';
import { ipSubject, type Subject } from '../../shared/probes/dnsbl/address';
import type { DnsblGroup } from '../../shared/probes/dnsbl/config';
import { dnsblProbe } from '../../shared/probes/dnsbl/probe';
import { clearSelfTestCache } from '../../shared/probes/dnsbl/self-test';
import { parseSweepTargets, runSweep, type SweepRow } from '../../shared/probes/dnsbl/sweep';
import { parseConfig } from '../../shared/suite/load';
import { probeContext } from '../support/probe-context';
import { LAB_HOST, labPorts } from './ports';

/** rbldnsd serves test/lab/rbl/<zone>.<type>; these groups point the probe at it and nothing else. */
const RESOLVER = { servers: [`${LAB_HOST}:${labPorts.rbl}`], timeoutMs: 1000, tries: 1 };
const SPAMHAUS_LIKE = {
  '127.0.0.2': { meaning: 'listed' },
  '127.0.0.10': { meaning: 'dynamic range', category: 'policy' as const },
};

function groupFor(options: Record<string, unknown>) {
  const config = parseConfig({
    resolver: RESOLVER,
    targets: { sendingIps: ['192.0.2.66'] },
    probes: [
      {
        name: 'lab-bl',
        kind: 'dnsbl',
        schedule: 'rate(1 hour)',
        options: { defaultZones: false, ...options },
      },
    ],
  });
  const ctx = probeContext(config);
  return { group: config.probes[0] as DnsblGroup, ctx };
}

async function checksFor(subject: Subject, options: Record<string, unknown>): Promise<Map<string, Check>> {
  const { group, ctx } = groupFor(options);
  const { checks } = await dnsblProbe.run(subject, group, ctx);
  return new Map(checks.map((c) => [c.id, c]));
}

const ip = (text: string) => ipSubject(text) as Subject;

const CUSTOM = [
  { zone: 'good.rbl.test', kinds: ['ip4'], codes: SPAMHAUS_LIKE, delistUrl: 'https://good.rbl.test/remove' },
  { zone: 'v6.rbl.test', kinds: ['ip6'] },
  { zone: 'dom.rbl.test', kinds: ['domain'] },
  { zone: 'broken.rbl.test', kinds: ['ip4'] },
  { zone: 'dead.rbl.test', kinds: ['ip4'] },
  { zone: 'refusing.rbl.test', kinds: ['ip4'] },
];

beforeEach(() => clearSelfTestCache());

describe('dnsbl probe against rbldnsd', () => {
  it('fails on an ip4set listing with its TXT reason, and passes a clean address', async () => {
    const listed = await checksFor(ip('192.0.2.66'), { customZones: CUSTOM });
    expect(listed.get('zone:good.rbl.test')).toMatchObject({
      status: 'fail',
      cause: 'dnsbl.listed',
      details: expect.objectContaining({
        reason: 'Listed by good.rbl.test, see https://good.rbl.test/lookup?ip=192.0.2.66',
        delistUrl: 'https://good.rbl.test/remove',
      }),
    });
    const clean = await checksFor(ip('192.0.2.99'), { customZones: CUSTOM });
    expect(clean.get('zone:good.rbl.test')?.status).toBe('pass');
  });

  it('decodes two codes for one address into two meanings', async () => {
    const checks = await checksFor(ip('192.0.2.67'), { customZones: CUSTOM });
    expect(checks.get('zone:good.rbl.test')?.details?.codes).toEqual([
      { code: '127.0.0.10', meaning: 'dynamic range', category: 'policy' },
      { code: '127.0.0.2', meaning: 'listed', category: 'abuse' },
    ]);
  });

  it('treats ::ffff:192.0.2.66 as the IPv4 address', async () => {
    const checks = await checksFor(ip('::ffff:192.0.2.66'), { customZones: CUSTOM });
    expect(checks.get('zone:good.rbl.test')?.status).toBe('fail');
  });

  it('lists an IPv6 address from an ip6trie zone by its nibbles, after the ::FFFF:7F00:2 self-test', async () => {
    const listed = await checksFor(ip('2001:db8:bad::25'), { customZones: CUSTOM });
    expect(listed.get('zone:v6.rbl.test')).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
    const clean = await checksFor(ip('2001:db8:900d::25'), { customZones: CUSTOM });
    expect(clean.get('zone:v6.rbl.test')?.status).toBe('pass');
  });

  it('lists a domain and its subdomains from a dnset zone, after the TEST/INVALID self-test', async () => {
    const listed = await checksFor({ kind: 'domain', value: 'mail.spam.example' }, { customZones: CUSTOM });
    expect(listed.get('zone:dom.rbl.test')).toMatchObject({ status: 'fail' });
    const clean = await checksFor({ kind: 'domain', value: 'ham.example' }, { customZones: CUSTOM });
    expect(clean.get('zone:dom.rbl.test')?.status).toBe('pass');
  });

  it('does not believe a zone that lists 127.0.0.1', async () => {
    const checks = await checksFor(ip('192.0.2.99'), { customZones: CUSTOM });
    expect(checks.get('zone:broken.rbl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.zone.lists-everything',
    });
  });

  it('reports a custom zone answering the 127.255.255.x error range as refused, not as listing everything', async () => {
    const checks = await checksFor(ip('192.0.2.99'), { customZones: CUSTOM });
    expect(checks.get('zone:refusing.rbl.test')).toMatchObject({
      status: 'unknown',
      cause: 'dnsbl.resolver.refused',
    });
  });

  it('does not believe a zone missing 127.0.0.2, even where it answers "listed"', async () => {
    const checks = await checksFor(ip('192.0.2.66'), { customZones: CUSTOM });
    expect(checks.get('zone:dead.rbl.test')).toMatchObject({ status: 'unknown', cause: 'dnsbl.zone.dead' });
  });

  it.each([
    ['192.0.2.81', 'dnsbl.resolver.refused'],
    ['192.0.2.82', 'dnsbl.resolver.rate-limited'],
    ['192.0.2.83', 'dnsbl.zone.misconfigured'],
  ])('reports unknown when the Spamhaus stand-in answers an error code for %s', async (address, cause) => {
    const checks = await checksFor(ip(address), { zones: ['zen.spamhaus.org'] });
    expect(checks.get('zone:zen.spamhaus.org')).toMatchObject({ status: 'unknown', cause });
  });

  it('reads an SBL + PBL answer from the Spamhaus stand-in as a listing with both meanings', async () => {
    const checks = await checksFor(ip('192.0.2.80'), { zones: ['zen.spamhaus.org'] });
    const zen = checks.get('zone:zen.spamhaus.org');
    expect(zen).toMatchObject({ status: 'fail', cause: 'dnsbl.listed' });
    expect(zen?.message).toContain('SBL: direct spam source or spam operation');
    expect(zen?.message).toContain('PBL: range Spamhaus lists as dynamic/non-mail');
  });

  it.each([
    ['black.example', 'fail', 'dnsbl.listed'],
    ['grey.example', 'warn', 'dnsbl.listed.reputation'],
    ['blackred.example', 'fail', 'dnsbl.listed'],
    ['refused.example', 'unknown', 'dnsbl.resolver.refused'],
  ])('decodes the URIBL stand-in bitmask for %s', async (domain, status, cause) => {
    const checks = await checksFor({ kind: 'domain', value: domain }, { zones: ['multi.uribl.com'] });
    expect(checks.get('zone:multi.uribl.com')).toMatchObject({ status, cause });
  });
});

describe('dnsbl sweep against rbldnsd', () => {
  it('reports each address of a range once, listed ones failing', async () => {
    const input = parseSweepTargets(['192.0.2.64/29'], 1024);
    if ('errors' in input) throw new Error(input.errors.join('; '));
    const { group } = groupFor({ customZones: CUSTOM.slice(0, 1) });
    const rows: SweepRow[] = [];
    const stats = await runSweep(input, {
      options: group.options,
      resolver: RESOLVER,
      onRow: (row) => rows.push(row),
    });
    const byTarget = Object.fromEntries(rows.map((r) => [r.target, r.status]));
    expect(Object.keys(byTarget).sort()).toEqual(
      ['64', '65', '66', '67', '68', '69', '70', '71'].map((n) => `192.0.2.${n}`),
    );
    expect(byTarget['192.0.2.66']).toBe('fail');
    expect(byTarget['192.0.2.67']).toBe('fail');
    expect(byTarget['192.0.2.68']).toBe('pass');
    expect(stats.byStatus).toEqual({ pass: 6, warn: 0, fail: 2, unknown: 0 });
  });
});
