import { createServer, type Server } from 'node:net';
import {
  BROKEN_DOMAIN,
  BROKEN_SENDER,
  demoPolicies,
  demoZones,
  GOOD_DOMAIN,
  GOOD_SENDER,
  type PolicyServer,
  startPolicyServer,
} from '../../cli/demo/dns';
import { type DnsServer, type Misbehaviour, startDnsServer } from '../../cli/demo/dns-server';
import { makeTestPki, type TestPki } from '../../cli/demo/pki';
import { createResolver } from '../../shared/dns/resolver';
import type { Check, JsonObject } from '../../shared/model/result';
import { dnsGroup } from '../../shared/probes/dns/config';
import { dnsKind } from '../../shared/probes/dns/kind';
import { httpsPolicyFetcher } from '../../shared/probes/dns/mta-sts-fetch';
import { dnsProbe } from '../../shared/probes/dns/probe';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfig } from '../../shared/suite/schema';
import { probeContext } from '../support/probe-context';

jest.setTimeout(30_000);

let dns: DnsServer;
let pki: TestPki;
let policies: PolicyServer;
let misbehave: (name: string, type: string) => Misbehaviour = () => undefined;
/** Per-host scripted HTTP answers for the policy server. */
let scripted: Record<string, { status: number; headers?: Record<string, string>; body?: string }> = {};

beforeAll(async () => {
  dns = await startDnsServer({ behaviour: (name, type) => misbehave(name, type) });
  dns.add(demoZones('127.0.0.1'));
  pki = await makeTestPki(Object.keys(demoPolicies));
  policies = await startPolicyServer(pki, demoPolicies, (host) => scripted[host]);
});

afterAll(async () => {
  await policies?.close();
  await dns?.close();
});

afterEach(() => {
  misbehave = () => undefined;
  scripted = {};
});

function configFor(domain: string, mtaStsFetch: Record<string, unknown>): MailprobeConfig {
  return parseConfig({
    resolver: { servers: [dns.server], timeoutMs: 3000, tries: 1 },
    targets: {
      domains: [
        { name: GOOD_DOMAIN, dkimSelectors: ['s1'], sendingIps: [GOOD_SENDER] },
        { name: BROKEN_DOMAIN, dkimSelectors: ['s1', 's2'], sendingIps: [BROKEN_SENDER] },
      ],
    },
    probes: [
      { name: 'dns', kind: 'dns', schedule: 'rate(1 hour)', targets: [domain], options: { mtaStsFetch } },
    ],
  });
}

async function probe(domain: string, fetch: Record<string, unknown> = {}, memo?: JsonObject) {
  const config = configFor(domain, { port: policies.port, extraCaPem: pki.ca, timeoutMs: 2000, ...fetch });
  const group = config.probes[0];
  if (group?.kind !== 'dns') throw new Error('expected a dns group');
  const target = dnsKind.targets(config.targets, group).find((t) => t.name === domain)?.target;
  if (!target) throw new Error(`no target ${domain}`);
  const ctx = probeContext(config, { signal: AbortSignal.timeout(20_000), memo });
  const outcome = await dnsProbe.run(target, group, ctx);
  return { ...outcome, transcript: ctx.transcript.toLines(), timings: ctx.timings.values };
}
const byId = (checks: Check[], id: string) => checks.find((c) => c.id === id);

describe('dns probe against a loopback DNS server and HTTPS policy server', () => {
  it('passes the good domain end to end, fetching its MTA-STS policy over HTTPS with the test CA', async () => {
    const { checks, transcript, timings, memo } = await probe(GOOD_DOMAIN);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(byId(checks, 'mta-sts.mx')).toMatchObject({ status: 'pass' });
    // The 2048-bit key record is longer than 255 bytes: the server sends several strings, the probe joins them.
    expect(byId(checks, 'dkim:s1')).toMatchObject({ status: 'pass', details: { bits: 2048 } });
    expect(transcript).toEqual(
      expect.arrayContaining([expect.stringMatching(/^TXT _dmarc\.good\.example\.test: /)]),
    );
    expect(Object.keys(timings)).toEqual(expect.arrayContaining(['mx', 'spf', 'dkim', 'dmarc', 'mtaSts']));
    expect(Object.keys((memo?.records ?? {}) as object)).toEqual(
      expect.arrayContaining(['mx', 'spf', 'dmarc', 'mtaSts', 'mtaStsPolicy', 'tlsRpt', 'dkim:s1']),
    );
  });

  it('diagnoses the broken domain', async () => {
    const { checks } = await probe(BROKEN_DOMAIN);
    const causes = Object.fromEntries(checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.cause]));
    expect(causes).toMatchObject({
      'spf.includes': 'dns.spf.include-missing',
      'dkim:s1': 'dns.dkim.revoked',
      'dmarc.policy': 'dns.dmarc.policy-none',
      'mta-sts.mx': 'dns.mta-sts.mx-unmatched',
      [`ptr:${BROKEN_SENDER}`]: 'dns.ptr.mismatch',
    });
  });

  it('reports SERVFAIL and REFUSED answers as unknown, never as missing records', async () => {
    misbehave = (name) =>
      name === `_dmarc.${GOOD_DOMAIN}`
        ? 'servfail'
        : name === `s1._domainkey.${GOOD_DOMAIN}`
          ? 'refused'
          : undefined;
    const { checks } = await probe(GOOD_DOMAIN);
    expect(byId(checks, 'dmarc.record')).toMatchObject({ status: 'unknown', cause: 'dns.lookup.servfail' });
    expect(byId(checks, 'dkim:s1')).toMatchObject({ status: 'unknown', cause: 'dns.lookup.refused' });
  });

  it('reports a dropped query as a timeout (unknown)', async () => {
    misbehave = (name, type) => (name === GOOD_DOMAIN && type === 'MX' ? 'drop' : undefined);
    const { checks } = await probe(GOOD_DOMAIN);
    expect(byId(checks, 'mx')).toMatchObject({ status: 'unknown', cause: 'dns.lookup.timeout' });
    expect(byId(checks, 'mta-sts.mx')).toMatchObject({ status: 'unknown' });
  });
});

describe('MTA-STS policy fetch over HTTPS', () => {
  const resolve = () => createResolver({ servers: [dns.server], timeoutMs: 3000, tries: 1 });
  const options = (extra: Record<string, unknown> = {}) =>
    dnsGroup.parse({
      name: 'dns',
      kind: 'dns',
      schedule: 'rate(1 hour)',
      options: { mtaStsFetch: { port: policies.port, extraCaPem: pki.ca, timeoutMs: 1500, ...extra } },
    }).options.mtaStsFetch;
  const fetchFor = (extra?: Record<string, unknown>) =>
    httpsPolicyFetcher(options(extra))(GOOD_DOMAIN, resolve(), new AbortController().signal);

  it('fetches the policy from the resolved address with the host name as SNI', async () => {
    const fetched = await fetchFor();
    expect(fetched).toMatchObject({ ok: true, address: '127.0.0.1', contentType: 'text/plain' });
    expect(fetched.ok && fetched.body).toContain('mode: enforce');
  });

  it('rejects a certificate from a CA that is not trusted', async () => {
    const other = await makeTestPki(['unrelated.example.test']);
    expect(await fetchFor({ extraCaPem: other.ca })).toMatchObject({
      ok: false,
      status: 'fail',
      cause: 'dns.mta-sts.policy-tls',
    });
  });

  it('rejects a certificate not issued for the policy host', async () => {
    const wrongName = await makeTestPki(['www.good.example.test']);
    const server = await startPolicyServer(wrongName, demoPolicies);
    try {
      const fetched = await fetchFor({ port: server.port, extraCaPem: wrongName.ca });
      expect(fetched).toMatchObject({ ok: false, cause: 'dns.mta-sts.policy-tls' });
      expect(!fetched.ok && fetched.message).toContain('mta-sts.good.example.test');
    } finally {
      await server.close();
    }
  });

  it('does not follow a redirect, and accepts only 200', async () => {
    scripted[`mta-sts.${GOOD_DOMAIN}`] = {
      status: 301,
      headers: { location: 'https://www.good.example.test/sts.txt' },
    };
    const redirected = await fetchFor();
    expect(redirected).toMatchObject({ ok: false, status: 'fail', cause: 'dns.mta-sts.policy-http-status' });
    expect(!redirected.ok && redirected.message).toContain('not followed');
    scripted[`mta-sts.${GOOD_DOMAIN}`] = { status: 404, body: 'gone' };
    expect(await fetchFor()).toMatchObject({ ok: false, cause: 'dns.mta-sts.policy-http-status' });
  });

  it('stops reading a body larger than the bound', async () => {
    scripted[`mta-sts.${GOOD_DOMAIN}`] = { status: 200, body: `version: STSv1\n${'#'.repeat(5000)}` };
    expect(await fetchFor({ maxBytes: 1024 })).toMatchObject({
      ok: false,
      cause: 'dns.mta-sts.policy-too-large',
    });
  });

  it('reports a server that never answers as unknown after the timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (silent.address() as { port: number }).port;
      expect(await fetchFor({ port, timeoutMs: 300 })).toMatchObject({
        ok: false,
        status: 'unknown',
        cause: 'dns.mta-sts.policy-timeout',
      });
    } finally {
      silent.close();
    }
  });

  it('fails a refused connection and a policy host without an address', async () => {
    const closed: Server = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await fetchFor({ port })).toMatchObject({
      ok: false,
      status: 'fail',
      cause: 'dns.mta-sts.policy-unreachable',
    });
    const noHost = await httpsPolicyFetcher(options())(
      'nohost.example.test',
      resolve(),
      new AbortController().signal,
    );
    expect(noHost).toMatchObject({ ok: false, status: 'fail', cause: 'dns.mta-sts.policy-host-missing' });
  });
});
