import {
  BROKEN_DOMAIN,
  BROKEN_SENDER,
  demoPolicies,
  demoZones,
  GOOD_DOMAIN,
  GOOD_SENDER,
} from '../../cli/demo/dns';
import type { ZoneRecords } from '../../cli/demo/dns-server';
import { isCauseId } from '../../shared/model/causes/index';
import type { Check, JsonObject } from '../../shared/model/result';
import { type DnsOptions, dnsGroup, domainTarget } from '../../shared/probes/dns/config';
import { dnsKind } from '../../shared/probes/dns/kind';
import type { PolicyFetcher } from '../../shared/probes/dns/mta-sts-fetch';
import { runDnsChecks } from '../../shared/probes/dns/probe';
import { parseConfig } from '../../shared/suite/load';
import { zoneResolver } from '../support/dns/zone-resolver';

const options: DnsOptions = dnsGroup.parse({ name: 'dns', kind: 'dns', schedule: 'rate(1 hour)' }).options;
const fetchPolicy: PolicyFetcher = async (domain) => {
  const body = demoPolicies[`mta-sts.${domain}`];
  const url = `https://mta-sts.${domain}/.well-known/mta-sts.txt`;
  return body === undefined
    ? { ok: false, status: 'fail', cause: 'dns.mta-sts.policy-http-status', message: 'HTTP 404', url }
    : { ok: true, body, url, address: '127.0.0.1', contentType: 'text/plain' };
};
const signal = new AbortController().signal;
const T0 = new Date('2026-01-01T00:00:00Z');

function run(zone: ZoneRecords, target: unknown, memo?: JsonObject, now = T0, opts = options) {
  return runDnsChecks(domainTarget.parse(target), opts, {
    resolve: zoneResolver(zone),
    seen: new Map(),
    fetchPolicy,
    signal,
    now,
    memo,
  });
}
const status = (checks: Check[]) => Object.fromEntries(checks.map((c) => [c.id, c.cause ?? c.status]));

describe('dns probe on the demo domains', () => {
  const zone = demoZones();

  it('passes every check of the good domain', async () => {
    const { checks } = await run(zone, {
      name: GOOD_DOMAIN,
      dkimSelectors: ['s1'],
      sendingIps: [GOOD_SENDER],
    });
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'mx',
        'mx.host:mx1.good.example.test',
        'spf.record',
        'spf.lookups',
        `spf.ip:${GOOD_SENDER}`,
        'dkim:s1',
        'dmarc.policy',
        'mta-sts.mx',
        'tls-rpt',
        `ptr:${GOOD_SENDER}`,
        'drift:spf',
      ]),
    );
  });

  it('diagnoses each mistake of the broken domain with its cause', async () => {
    const { checks } = await run(zone, {
      name: BROKEN_DOMAIN,
      dkimSelectors: ['s1', 's2', 's3'],
      sendingIps: [BROKEN_SENDER],
    });
    expect(status(checks)).toMatchObject({
      // One finding: the key is missing because its alias dangles.
      'dkim:s3': 'dns.cname.dangling',
      'mx.host:mx-old.broken.example.test': 'dns.mx.host-unresolvable',
      'spf.includes': 'dns.spf.include-missing',
      'spf.all': 'dns.spf.all-neutral',
      [`spf.ip:${BROKEN_SENDER}`]: 'dns.spf.permerror',
      'dkim:s1': 'dns.dkim.revoked',
      'dkim:s2': 'dns.dkim.key-weak',
      'dmarc.policy': 'dns.dmarc.policy-none',
      'dmarc.reports': 'dns.dmarc.report-unauthorized',
      'mta-sts.mx': 'dns.mta-sts.mx-unmatched',
      'mta-sts.max-age': 'dns.mta-sts.max-age-short',
      'tls-rpt': 'dns.tls-rpt.invalid',
      [`ptr:${BROKEN_SENDER}`]: 'dns.ptr.mismatch',
    });
    expect(checks.find((c) => c.id === 'alias:dkim:s3')).toBeUndefined();
    for (const c of checks.filter((x) => x.status !== 'pass')) expect(isCauseId(c.cause ?? '')).toBe(true);
  });

  it('reports unknown, never missing, when the resolver times out everything', async () => {
    const outcome = await runDnsChecks(
      domainTarget.parse({ name: GOOD_DOMAIN, dkimSelectors: ['s1'], sendingIps: [GOOD_SENDER] }),
      options,
      {
        resolve: zoneResolver(zone, () => 'timeout'),
        seen: new Map(),
        fetchPolicy,
        signal,
        now: T0,
        memo: undefined,
      },
    );
    const statuses = new Set(outcome.checks.map((c) => c.status));
    expect([...statuses]).toEqual(['unknown']);
    expect(
      outcome.checks.every((c) => c.cause?.startsWith('dns.lookup.') || c.cause === 'dns.spf.temperror'),
    ).toBe(true);
  });
});

describe('drift', () => {
  const target = { name: GOOD_DOMAIN, dkimSelectors: ['s1'] };

  it('records a baseline, then warns with before and after when a record changes, for driftWarnHours', async () => {
    const zone = demoZones();
    const first = await run(zone, target);
    expect(first.checks.find((c) => c.id === 'drift:spf')).toMatchObject({
      status: 'pass',
      message: 'spf: baseline recorded',
    });

    const edited = {
      ...zone,
      [GOOD_DOMAIN]: [
        ...(zone[GOOD_DOMAIN] ?? []).filter((r) => r.type !== 'TXT'),
        { type: 'TXT' as const, data: ['v=spf1 +all'] },
      ],
    };
    const oneHour = new Date(T0.getTime() + 3_600_000);
    const second = await run(edited, target, first.memo, oneHour);
    const changed = second.checks.find((c) => c.id === 'drift:spf');
    expect(changed).toMatchObject({
      status: 'warn',
      cause: 'dns.drift.changed',
      details: { before: `v=spf1 ip4:${GOOD_SENDER} include:_spf.${GOOD_DOMAIN} -all`, after: 'v=spf1 +all' },
    });
    expect(second.checks.find((c) => c.id === 'drift:dmarc')).toMatchObject({ status: 'pass' });

    const later = await run(edited, target, second.memo, new Date(oneHour.getTime() + 23 * 3_600_000));
    expect(later.checks.find((c) => c.id === 'drift:spf')).toMatchObject({ status: 'warn' });
    const dayAfter = await run(edited, target, later.memo, new Date(oneHour.getTime() + 25 * 3_600_000));
    expect(dayAfter.checks.find((c) => c.id === 'drift:spf')).toMatchObject({
      status: 'pass',
      message: 'spf: unchanged',
    });
  });

  it('keeps the previous fingerprint through a timeout, so a flaky resolver is not a change', async () => {
    const zone = demoZones();
    const first = await run(zone, target);
    const blind = await runDnsChecks(domainTarget.parse(target), options, {
      resolve: zoneResolver(zone, (name) => (name === `_dmarc.${GOOD_DOMAIN}` ? 'timeout' : undefined)),
      seen: new Map(),
      fetchPolicy,
      signal,
      now: T0,
      memo: first.memo,
    });
    expect(blind.checks.find((c) => c.id === 'drift:dmarc')).toBeUndefined();
    const back = await run(zone, target, blind.memo);
    expect(back.checks.find((c) => c.id === 'drift:dmarc')).toMatchObject({
      status: 'pass',
      message: 'dmarc: unchanged',
    });
  });

  it('notices a DKIM key that disappears', async () => {
    const zone = demoZones();
    const first = await run(zone, target);
    const { [`s1._domainkey.${GOOD_DOMAIN}`]: _gone, ...without } = zone;
    const second = await run(without, target, first.memo);
    expect(second.checks.find((c) => c.id === 'drift:dkim:s1')).toMatchObject({
      status: 'warn',
      details: { after: '(none)' },
    });
  });
});

describe('expected values', () => {
  it('passes exact and pattern expectations that hold and fails those that do not', async () => {
    const { checks } = await run(demoZones(), {
      name: GOOD_DOMAIN,
      dkimSelectors: ['s1'],
      expect: {
        mx: [`10 mx1.${GOOD_DOMAIN}`, `20 mx2.${GOOD_DOMAIN}`],
        spf: { pattern: '-all$' },
        dmarc: 'v=DMARC1; p=quarantine',
        dkim: { s1: { pattern: '^v=DKIM1; k=rsa; p=MII' } },
      },
    });
    expect(status(checks)).toMatchObject({
      'expect:mx': 'pass',
      'expect:spf': 'pass',
      'expect:dmarc': 'dns.expect.mismatch',
      'expect:dkim:s1': 'pass',
    });
  });
});

describe('expected patterns run in linear time', () => {
  it('matches a nested-quantifier pattern against a crafted record without backtracking', async () => {
    // A backtracking engine tries 2^n ways to split the run of a's before it can fail at the '!'.
    const crafted = `v=spf1 ${'a'.repeat(20_000)}!`;
    const zone: ZoneRecords = {
      [GOOD_DOMAIN]: [{ type: 'TXT', data: [crafted.slice(0, 255), ...chunks(crafted.slice(255))] }],
    };
    const { checks } = await run(zone, { name: GOOD_DOMAIN, expect: { spf: { pattern: '^v=spf1 (a+)+$' } } });
    expect(checks.find((c) => c.id === 'expect:spf')).toMatchObject({
      status: 'fail',
      cause: 'dns.expect.mismatch',
      expected: '/^v=spf1 (a+)+$/',
    });
  });

  it('keeps RegExp semantics for the patterns RE2 shares: a match anywhere, anchors, classes, alternation', async () => {
    const { checks } = await run(demoZones(), {
      name: GOOD_DOMAIN,
      dkimSelectors: ['s1'],
      expect: {
        spf: { pattern: 'ip4:' },
        dkim: { s1: { pattern: '^v=DKIM1; k=(rsa|ed25519); p=[A-Za-z0-9+/]' } },
      },
    });
    expect(status(checks)).toMatchObject({ 'expect:spf': 'pass', 'expect:dkim:s1': 'pass' });
  });

  it('rejects at validation the patterns the probe cannot run (backreferences, lookaround), naming the field', () => {
    const withPattern = (pattern: string) => () =>
      parseConfig({
        targets: { domains: [{ name: GOOD_DOMAIN, expect: { dmarc: { pattern } } }] },
        probes: [{ name: 'dns', kind: 'dns', schedule: 'rate(1 hour)' }],
      });
    expect(withPattern('^(v)=\\1')).toThrow(/targets\.domains\[0\]\.expect\.dmarc\.pattern[\s\S]*RE2 syntax/);
    expect(withPattern('^v=DMARC1(?=;)')).toThrow(/expect\.dmarc\.pattern[\s\S]*RE2 syntax/);
    expect(withPattern('^v=DMARC1; p=(none|reject)')).not.toThrow();
  });
});

function chunks(text: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += 255) out.push(text.slice(i, i + 255));
  return out;
}

describe('expected DKIM keys', () => {
  it('checks a selector named only in expect.dkim', async () => {
    const { checks } = await run(demoZones(), {
      name: GOOD_DOMAIN,
      expect: { dkim: { s1: { pattern: '^v=DKIM1' } } },
    });
    expect(status(checks)).toMatchObject({ 'dkim:s1': 'pass', 'expect:dkim:s1': 'pass' });
  });
});

describe('aliases, null MX and the MTA-STS policy id in a run', () => {
  const D = 'alias.example.test';
  const zone: ZoneRecords = {
    [D]: [
      { type: 'MX', priority: 0, exchange: '' },
      { type: 'TXT', data: ['v=spf1 include:_spf.esp.example -all'] },
    ],
    '_spf.esp.example': [{ type: 'TXT', data: ['v=spf1 ip4:192.0.2.0/24 -all'] }],
    [`s1._domainkey.${D}`]: [{ type: 'CNAME', target: 's1.dkim.esp.example' }],
    's1.dkim.esp.example': [
      { type: 'TXT', data: ['v=DKIM1; k=ed25519; p=mOMGYEsP4dOvwp0Nsp/9ZMZHOEJQ0L8OvI/fbADAGgc='] },
    ],
    [`_mta-sts.${D}`]: [{ type: 'CNAME', target: `_mta-sts.${D}.sts.host.example` }],
    [`_mta-sts.${D}.sts.host.example`]: [{ type: 'TXT', data: ['v=STSv1; id=7'] }],
    [`mta-sts.${D}`]: [{ type: 'CNAME', target: 'gone.sts.host.example' }],
    'sts.host.example': [{ type: 'A', address: '192.0.2.99' }],
  };
  let body = 'version: STSv1\nmode: testing\nmx: mx1.alias.example.test\nmax_age: 86400\n';
  const serving: PolicyFetcher = async (domain) => ({
    ok: true,
    body,
    url: `https://mta-sts.${domain}/.well-known/mta-sts.txt`,
    address: '192.0.2.99',
    contentType: 'text/plain',
  });
  const target = domainTarget.parse({ name: D, dkimSelectors: ['s1'] });
  const runAt = (now: Date, memo?: JsonObject) =>
    runDnsChecks(target, options, {
      resolve: zoneResolver(zone),
      seen: new Map(),
      fetchPolicy: serving,
      signal,
      now,
      memo,
    });

  it('judges each alias, fails the null MX of a sending domain, and warns about a policy changed under its id', async () => {
    const first = await runAt(T0);
    const byId = Object.fromEntries(first.checks.map((c) => [c.id, c]));
    expect(byId.mx).toMatchObject({ status: 'fail', cause: 'dns.mx.null-on-sender' });
    expect(byId['alias:dkim:s1']).toMatchObject({
      status: 'pass',
      observed: `s1._domainkey.${D} -> s1.dkim.esp.example`,
    });
    expect(byId['dkim:s1']).toMatchObject({ status: 'pass' });
    expect(byId['alias:mta-sts']).toMatchObject({ status: 'pass' });
    expect(byId['alias:mta-sts.host']).toMatchObject({ status: 'fail', cause: 'dns.cname.dangling' });
    expect(byId['alias:dmarc']).toBeUndefined();
    expect(byId['mta-sts.id']).toMatchObject({ status: 'pass', message: 'policy recorded under id 7' });
    expect(first.memo).toMatchObject({ mtaStsId: { id: '7' }, records: { mtaSts: expect.any(Object) } });

    body = body.replace('mx1.', 'mx2.');
    const second = await runAt(new Date(T0.getTime() + 3_600_000), first.memo);
    expect(second.checks.find((c) => c.id === 'mta-sts.id')).toMatchObject({
      status: 'warn',
      cause: 'dns.mta-sts.id-unchanged',
    });
    expect(second.checks.find((c) => c.id === 'drift:mtaStsPolicy')).toMatchObject({ status: 'warn' });
  });
});

describe('dns kind manifest', () => {
  it('expands one probe per configured domain', () => {
    const config = parseConfig({
      targets: { domains: [{ name: GOOD_DOMAIN }, { name: BROKEN_DOMAIN }] },
      probes: [{ name: 'dns', kind: 'dns', schedule: 'rate(1 hour)' }],
    });
    const group = config.probes[0];
    if (group?.kind !== 'dns') throw new Error('expected a dns group');
    expect(dnsKind.targets(config.targets, group).map((t) => t.name)).toEqual([GOOD_DOMAIN, BROKEN_DOMAIN]);
  });

  it('rejects an invalid pattern, sending IP and CA in the config, naming each field', () => {
    expect(() =>
      parseConfig({
        targets: {
          domains: [
            { name: GOOD_DOMAIN, sendingIps: ['mail.example.test'], expect: { spf: { pattern: '(' } } },
          ],
        },
        probes: [
          {
            name: 'dns',
            kind: 'dns',
            schedule: 'rate(1 hour)',
            options: { mtaStsFetch: { extraCaPem: 'x' } },
          },
        ],
      }),
    ).toThrow(/sendingIps\[0\][\s\S]*expect\.spf\.pattern[\s\S]*extraCaPem/);
  });
});
