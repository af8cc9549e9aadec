/**
 * The dns probe against NSD serving test/lab/zones/auth-good.test, auth-broken.test and 2.0.192.in-addr.arpa, with
 * the MTA-STS policies served over HTTPS on loopback by a throwaway CA.
 */
import { type PolicyServer, startPolicyServer } from '../../cli/demo/dns';
import { makeTestPki, type TestPki } from '../../cli/demo/pki';
import { createResolver } from '../../shared/dns/resolver';
import type { Check } from '../../shared/model/result';
import { checkDmarc } from '../../shared/probes/dns/dmarc';
import { dnsKind } from '../../shared/probes/dns/kind';
import { dnsProbe } from '../../shared/probes/dns/probe';
import { parseConfig } from '../../shared/suite/load';
import { probeContext } from '../support/probe-context';
import { LAB_HOST, labPorts } from './ports';

jest.setTimeout(30_000);

const GOOD = 'auth-good.test';
const BROKEN = 'auth-broken.test';
const POLICIES = {
  [`mta-sts.${GOOD}`]: `version: STSv1\nmode: enforce\nmx: *.${GOOD}\nmax_age: 604800\n`,
  [`mta-sts.${BROKEN}`]: 'version: STSv1\nmode: enforce\nmx: mx.provider.example\nmax_age: 604800\n',
};

let pki: TestPki;
let https: PolicyServer;

beforeAll(async () => {
  pki = await makeTestPki(Object.keys(POLICIES));
  https = await startPolicyServer(pki, POLICIES);
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
