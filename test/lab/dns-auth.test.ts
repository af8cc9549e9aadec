/**
 * The dns probe against NSD serving test/lab/zones/auth-good.test, auth-broken.test and 2.0.192.in-addr.arpa, and
 * through unbound in front of it alias.test (records delegated by CNAME to saas.test) and null-mx.test, with the
 * MTA-STS policies served over HTTPS on loopback by a throwaway CA.
 */
import { type PolicyServer, startPolicyServer } from '../../cli/demo/dns';
import { makeTestPki, type TestPki } from '../../cli/demo/pki';
import { createResolver } from '../../shared/dns/resolver';
import { createSecureResolver, type SecureResolver } from '../../shared/dns/secure-query';
import type { Check, JsonObject } from '../../shared/model/result';
import { checkDmarc } from '../../shared/probes/dns/dmarc';
import { checkDnssec } from '../../shared/probes/dns/dnssec';
import { dnsKind } from '../../shared/probes/dns/kind';
import { dnsProbe } from '../../shared/probes/dns/probe';
import { parseConfig } from '../../shared/suite/load';
import { probeContext } from '../support/probe-context';
import { LAB_HOST, labPorts } from './ports';

jest.setTimeout(30_000);

const GOOD = 'auth-good.test';
const BROKEN = 'auth-broken.test';
const ALIAS = 'alias.test';
const POLICIES: Record<string, string> = {
  [`mta-sts.${GOOD}`]: `version: STSv1\nmode: enforce\nmx: *.${GOOD}\nmax_age: 604800\n`,
  [`mta-sts.${BROKEN}`]: 'version: STSv1\nmode: enforce\nmx: mx.provider.example\nmax_age: 604800\n',
  [`mta-sts.${ALIAS}`]: `version: STSv1\nmode: testing\nmx: mx.${ALIAS}\nmax_age: 86400\n`,
};
/** Set by a test: the content type the policy host of alias.test answers with (a CMS serving the path as HTML). */
let aliasContentType = 'text/plain';

let pki: TestPki;
let https: PolicyServer;

beforeAll(async () => {
  pki = await makeTestPki(Object.keys(POLICIES));
  https = await startPolicyServer(pki, POLICIES, (host) =>
    host === `mta-sts.${ALIAS}`
      ? { status: 200, headers: { 'content-type': aliasContentType }, body: POLICIES[host] }
      : undefined,
  );
});

afterAll(async () => {
  await https?.close();
});

async function probe(domain: string): Promise<Check[]> {
  const config = parseConfig({
    resolver: { servers: [`${LAB_HOST}:${labPorts.dns}`], timeoutMs: 1000, tries: 2 },
    targets: {
      domains: [
        { name: GOOD, dkimSelectors: ['s1', 's2'], sendingIps: ['192.0.2.10'] },
        { name: BROKEN, dkimSelectors: ['s1', 's2', 's3'], sendingIps: ['192.0.2.20'] },
      ],
    },
    probes: [
      {
        name: 'dns-lab',
        kind: 'dns',
        schedule: 'rate(1 hour)',
        options: {
          mtaSts: 'required',
          tlsRpt: 'required',
          bimi: 'optional',
          mtaStsFetch: { port: https.port, extraCaPem: pki.ca },
        },
      },
    ],
  });
  const group = config.probes[0];
  if (group?.kind !== 'dns') throw new Error('expected a dns group');
  const target = dnsKind.targets(config.targets, group).find((t) => t.name === domain)?.target;
  if (!target) throw new Error(`no target ${domain}`);
  const ctx = probeContext(config, { signal: AbortSignal.timeout(25_000) });
  return (await dnsProbe.run(target, group, ctx)).checks;
}

describe('dns probe against NSD', () => {
  it('passes every check of the good domain', async () => {
    const checks = await probe(GOOD);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    // s1's key record is longer than 255 bytes: NSD serves it as several strings.
    expect(checks.find((c) => c.id === 'dkim:s1')).toMatchObject({ details: { keyType: 'rsa', bits: 2048 } });
    expect(checks.find((c) => c.id === 'dkim:s2')).toMatchObject({ details: { keyType: 'ed25519' } });
    expect(checks.find((c) => c.id === 'dmarc.reports')?.message).toContain('reports.auth-broken.test');
    expect(checks.find((c) => c.id === 'ptr:192.0.2.10')?.message).toBe(
      '192.0.2.10 -> mx1.auth-good.test -> 192.0.2.10',
    );
  });

  it('names the cause of every mistake of the broken domain', async () => {
    const checks = await probe(BROKEN);
    expect(Object.fromEntries(checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.cause]))).toEqual(
      {
        'mx.host:old-mx.auth-broken.test': 'dns.mx.host-unresolvable',
        'spf.record': 'dns.spf.multiple',
        'spf.ip:192.0.2.20': 'dns.spf.permerror',
        'dkim:s1': 'dns.dkim.revoked',
        'dkim:s2': 'dns.dkim.key-weak',
        'dkim:s3': 'dns.dkim.testing',
        'dmarc.tags': 'dns.dmarc.removed-tag',
        'dmarc.policy': 'dns.dmarc.policy-none',
        'dmarc.reports': 'dns.dmarc.report-unauthorized',
        'mta-sts.mx': 'dns.mta-sts.mx-unmatched',
        'tls-rpt': 'dns.tls-rpt.invalid',
        'ptr:192.0.2.20': 'dns.ptr.mismatch',
        bimi: 'dns.bimi.logo-not-https',
      },
    );
  });
});

/** The dns probe on one domain, through unbound in front of NSD (a recursive resolver, as receivers use). */
async function probeThroughResolver(
  domain: { name: string; dkimSelectors?: string[]; sendingIps?: string[] },
  memo?: JsonObject,
  now = new Date(),
) {
  const config = parseConfig({
    resolver: { servers: [`${LAB_HOST}:${labPorts.validator}`], timeoutMs: 2000, tries: 1 },
    targets: { domains: [domain] },
    probes: [
      {
        name: 'dns-lab',
        kind: 'dns',
        schedule: 'rate(1 hour)',
        options: { mtaStsFetch: { port: https.port, extraCaPem: pki.ca } },
      },
    ],
  });
  const group = config.probes[0];
  if (group?.kind !== 'dns') throw new Error('expected a dns group');
  const target = dnsKind.targets(config.targets, group)[0]?.target;
  if (!target) throw new Error(`no target ${domain.name}`);
  // Every query the probe asks, as `TYPE name`: the record queries and the DNSSEC ones go through this client.
  const queries: string[] = [];
  const client = createSecureResolver({ ...config.resolver });
  const dnssec = (): SecureResolver => ({
    ...client,
    query: (name, type, options) => {
      queries.push(`${type} ${name}`);
      return client.query(name, type, options);
    },
  });
  const outcome = await dnsProbe.run(
    target,
    group,
    probeContext(config, { signal: AbortSignal.timeout(25_000), memo, now: () => now, dnssec }),
  );
  return { ...outcome, queries };
}

describe('records reached through CNAMEs, against NSD behind unbound', () => {
  it('shows each chain, fails a key behind a dangling or looping one, warns about an overlong one and an MX naming an alias', async () => {
    const { checks, queries } = await probeThroughResolver({
      name: ALIAS,
      dkimSelectors: ['s1', 's2', 's3', 's4'],
    });
    // A recursive resolver answers every record query with the whole chain: only the loop, which it answers with
    // SERVFAIL, is walked hop by hop.
    expect(queries.filter((q) => q.startsWith('CNAME '))).toEqual([
      `CNAME s3._domainkey.${ALIAS}`,
      `CNAME s3b._domainkey.${ALIAS}`,
    ]);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId[`mx.host:mx.${ALIAS}`]).toMatchObject({
      status: 'warn',
      cause: 'dns.mx.cname',
      observed: `mx.${ALIAS} -> mx.saas.test`,
      details: { addresses: ['192.0.2.40'] },
    });
    expect(byId['alias:dkim:s1']).toMatchObject({
      status: 'pass',
      observed: `s1._domainkey.${ALIAS} -> s1.dkim.saas.test`,
    });
    expect(byId['dkim:s1']).toMatchObject({ status: 'pass', details: { keyType: 'ed25519' } });
    // The key is missing because its alias dangles: one finding, on the key's own check.
    expect(byId['dkim:s2']).toMatchObject({
      status: 'fail',
      cause: 'dns.cname.dangling',
      observed: `s2._domainkey.${ALIAS} -> s2.dkim.saas.test`,
    });
    expect(byId['dkim:s2']?.message).toMatch(
      /^no DKIM key record at s2\._domainkey\.alias\.test: .*NXDOMAIN\)$/,
    );
    expect(byId['alias:dkim:s2']).toBeUndefined();
    // The loop leaves the key without an answer (unbound: SERVFAIL); the alias says why, on the key's check.
    expect(byId['dkim:s3']).toMatchObject({
      status: 'fail',
      cause: 'dns.cname.loop',
      observed: `s3._domainkey.${ALIAS} -> s3b._domainkey.${ALIAS} -> s3._domainkey.${ALIAS}`,
      details: { failure: 'servfail' },
    });
    // unbound's default max-query-restarts (11) follows these 9 aliases; resolvers with lower limits do not.
    expect(byId['alias:dkim:s4']).toMatchObject({
      status: 'warn',
      cause: 'dns.cname.chain-too-long',
      details: { aliases: 9 },
    });
    expect(byId['dkim:s4']).toMatchObject({ status: 'pass' });
    expect(byId['alias:dmarc']).toMatchObject({
      status: 'pass',
      observed: `_dmarc.${ALIAS} -> alias-test.dmarc.saas.test`,
    });
    expect(byId['dmarc.policy']).toMatchObject({ status: 'pass' });
    expect(byId['alias:mta-sts']).toMatchObject({ status: 'pass' });
    expect(byId['alias:mta-sts.host']).toMatchObject({
      status: 'pass',
      observed: `mta-sts.${ALIAS} -> sts.saas.test`,
    });
    expect(byId['mta-sts.policy']).toMatchObject({ status: 'pass' });
    expect(byId['mta-sts.mx']).toMatchObject({ status: 'pass' });
    // A name that is no alias gets no alias check.
    expect(byId['alias:tls-rpt']).toBeUndefined();
  });
});

describe('MTA-STS policy served by the lab web server, against NSD behind unbound', () => {
  afterEach(() => {
    aliasContentType = 'text/plain';
  });

  it('fails a policy served as text/html, naming the content type', async () => {
    aliasContentType = 'text/html; charset=utf-8';
    const { checks } = await probeThroughResolver({ name: ALIAS });
    expect(checks.find((c) => c.id === 'mta-sts.content-type')).toMatchObject({
      status: 'fail',
      cause: 'dns.mta-sts.policy-content-type',
      observed: 'text/html; charset=utf-8',
    });
  });

  it('warns when the policy changes while the _mta-sts id stays', async () => {
    const original = POLICIES[`mta-sts.${ALIAS}`] as string;
    try {
      const t0 = new Date('2026-12-02T08:00:00Z');
      const first = await probeThroughResolver({ name: ALIAS }, undefined, t0);
      expect(first.checks.find((c) => c.id === 'mta-sts.id')).toMatchObject({
        status: 'pass',
        message: 'policy recorded under id 20261201',
      });
      POLICIES[`mta-sts.${ALIAS}`] = original.replace(`mx: mx.${ALIAS}`, `mx: mx.${ALIAS}\nmx: mx2.${ALIAS}`);
      const second = await probeThroughResolver(
        { name: ALIAS },
        first.memo,
        new Date(t0.getTime() + 3_600_000),
      );
      expect(second.checks.find((c) => c.id === 'mta-sts.id')).toMatchObject({
        status: 'warn',
        cause: 'dns.mta-sts.id-unchanged',
        observed: `mode: testing\nmax_age: 86400\nmx: mx.${ALIAS}\nmx: mx2.${ALIAS}`,
        expected: `mode: testing\nmax_age: 86400\nmx: mx.${ALIAS}`,
        details: { policyId: '20261201', cachedUntil: '2026-12-03T09:00:00.000Z' },
      });
    } finally {
      POLICIES[`mta-sts.${ALIAS}`] = original;
    }
  });
});

describe('null MX (RFC 7505) against NSD', () => {
  it('fails the null MX of a domain that sends, and passes that of a parked domain', async () => {
    const sender = await probeThroughResolver({ name: 'null-mx.test', dkimSelectors: ['s1'] });
    const mx = sender.checks.find((c) => c.id === 'mx');
    expect(mx).toMatchObject({ status: 'fail', cause: 'dns.mx.null-on-sender', observed: '0 .' });
    expect(mx?.details).toEqual({
      reasons: [
        'its SPF record authorises senders ("v=spf1 ip4:192.0.2.60 -all")',
        'DKIM selectors are configured (s1)',
      ],
    });
    const parked = await probeThroughResolver({ name: 'parked.null-mx.test' });
    expect(parked.checks.find((c) => c.id === 'mx')).toMatchObject({
      status: 'pass',
      message: 'null MX (RFC 7505): the domain declares it accepts no mail',
    });
  });
});

describe('DMARC discovery (RFC 9989 tree walk) against NSD', () => {
  it('finds the record of an intermediate domain that RFC 7489 receivers never query', async () => {
    const resolve = createResolver({ servers: [`${LAB_HOST}:${labPorts.dns}`], timeoutMs: 1000, tries: 2 });
    const { checks } = await checkDmarc(`a.mail.${BROKEN}`, resolve);
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['dmarc.record']).toMatchObject({
      status: 'pass',
      details: { policyDomain: `mail.${BROKEN}` },
    });
    expect(byId['dmarc.discovery']).toMatchObject({
      status: 'warn',
      cause: 'dns.dmarc.discovery-differs',
      details: {
        rfc7489: { policyDomain: BROKEN },
        rfc9989: { policyDomain: `mail.${BROKEN}`, orgDomain: BROKEN },
      },
    });
    expect(byId['dmarc.tags']).toMatchObject({ cause: 'dns.dmarc.unknown-tag' });
    expect(byId['dmarc.policy']).toMatchObject({ status: 'pass', details: { applies: 'reject' } });
  });
});

describe('DNSSEC state of a domain from unbound validating in front of NSD', () => {
  const secure = () =>
    createSecureResolver({
      servers: [`${LAB_HOST}:${labPorts.validator}`],
      timeoutMs: 2000,
      tries: 1,
      validating: true,
    });

  it('passes a signed zone that validates, naming its algorithm', async () => {
    expect(await checkDnssec('dane.test', 'optional', secure())).toMatchObject({
      status: 'pass',
      details: { dnssec: 'secure', algorithms: [13] },
    });
  });

  it("fails a zone whose signatures expired, with the validator's extended error and what a CD query returns", async () => {
    const check = await checkDnssec('bogus.test', 'optional', secure());
    expect(check).toMatchObject({ status: 'fail', cause: 'dns.dnssec.bogus' });
    expect(check?.message).toMatch(/fails DNSSEC validation \(EDE (6|7|9) /);
    expect(check?.message).toContain('with checking disabled the resolver returns 1 SOA record(s)');
  });

  it('warns about a zone signed with RSASHA1', async () => {
    expect(await checkDnssec('legacy.test', 'optional', secure())).toMatchObject({
      status: 'warn',
      cause: 'dns.dnssec.deprecated-algorithm',
      details: { algorithms: [5] },
    });
  });

  it('passes an unsigned zone when DNSSEC is optional and fails it when required', async () => {
    expect(await checkDnssec(GOOD, 'optional', secure())).toMatchObject({
      status: 'pass',
      details: { dnssec: 'insecure' },
    });
    expect(await checkDnssec(GOOD, 'required', secure())).toMatchObject({
      status: 'fail',
      cause: 'dns.dnssec.unsigned',
    });
  });

  it('is unverifiable without a validating resolver', async () => {
    const plain = createSecureResolver({
      servers: [`${LAB_HOST}:${labPorts.dns}`],
      timeoutMs: 2000,
      tries: 1,
      validating: false,
    });
    expect(await checkDnssec('dane.test', 'optional', plain)).toBeUndefined();
    expect(await checkDnssec('dane.test', 'required', plain)).toMatchObject({
      status: 'unknown',
      cause: 'dns.dnssec.unverifiable',
    });
  });
});
