import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ZoneRecords } from './dns-server';
import { makeTestPki, type TestPki } from './pki';
import type { DemoPartFactory } from './types';

/** The demo's (and the dns tests') domains: one with every record right, one with the usual mistakes. */
export const GOOD_DOMAIN = 'good.example.test';
export const BROKEN_DOMAIN = 'broken.example.test';
/** Documentation addresses (RFC 5737): DNS data only, nothing ever connects to them. */
export const GOOD_SENDER = '192.0.2.10';
export const BROKEN_SENDER = '198.51.100.20';

const txt = (value: string): ZoneRecords[string][number] => ({ type: 'TXT', data: split(value) });

/** A TXT value as the 255-byte strings DNS carries. */
function split(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 255) out.push(value.slice(i, i + 255));
  return out.length > 0 ? out : [''];
}

function rsaKey(bits: number): string {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}

/** The demo zones: `policyAddress` is where `mta-sts.<domain>` points (the loopback policy server). */
export function demoZones(policyAddress = '127.0.0.1'): ZoneRecords {
  const g = GOOD_DOMAIN;
  const b = BROKEN_DOMAIN;
  return {
    [g]: [
      { type: 'MX', priority: 10, exchange: `mx1.${g}` },
      { type: 'MX', priority: 20, exchange: `mx2.${g}` },
      txt(`v=spf1 ip4:${GOOD_SENDER} include:_spf.${g} -all`),
      txt('demo-site-verification=0123456789'),
    ],
    [`_spf.${g}`]: [txt('v=spf1 ip6:2001:db8::/64 -all')],
    [`mx1.${g}`]: [
      { type: 'A', address: GOOD_SENDER },
      { type: 'AAAA', address: '2001:db8::10' },
    ],
    [`mx2.${g}`]: [{ type: 'A', address: '192.0.2.11' }],
    [`s1._domainkey.${g}`]: [txt(`v=DKIM1; k=rsa; p=${rsaKey(2048)}`)],
    [`_dmarc.${g}`]: [txt(`v=DMARC1; p=reject; adkim=s; rua=mailto:dmarc@${g}`)],
    // The parent's record makes example.test the organisational domain for RFC 9989 receivers (tree walk) as it is
    // for RFC 7489 receivers (Public Suffix List), so both read alignment alike.
    '_dmarc.example.test': [txt('v=DMARC1; p=reject; rua=mailto:dmarc@example.test')],
    [`_mta-sts.${g}`]: [txt('v=STSv1; id=20250101T000000')],
    [`mta-sts.${g}`]: [{ type: 'A', address: policyAddress }],
    [`_smtp._tls.${g}`]: [txt(`v=TLSRPTv1; rua=mailto:tls-reports@${g}`)],
    '10.2.0.192.in-addr.arpa': [{ type: 'PTR', target: `mx1.${g}` }],

    [b]: [
      { type: 'MX', priority: 10, exchange: `mx1.${b}` },
      { type: 'MX', priority: 20, exchange: `mx-old.${b}` },
      txt(`v=spf1 a mx include:_spf.${b} include:spf.retired-provider.example ?all`),
    ],
    [`_spf.${b}`]: [txt('v=spf1 ip4:203.0.113.0/24 -all')],
    [`mx1.${b}`]: [{ type: 'A', address: '192.0.2.30' }],
    [`s1._domainkey.${b}`]: [txt('v=DKIM1; k=rsa; p=')],
    [`s2._domainkey.${b}`]: [txt(`v=DKIM1; k=rsa; p=${rsaKey(1024)}`)],
    // Delegated to an email provider the domain has left: the alias dangles (and could be taken over).
    [`s3._domainkey.${b}`]: [{ type: 'CNAME', target: `s3.dkim.retired-esp.example` }],
    [`_dmarc.${b}`]: [txt('v=DMARC1; p=none; ri=3600; rua=mailto:reports@dmarc-reports.example')],
    [`_mta-sts.${b}`]: [txt('v=STSv1; id=1')],
    [`mta-sts.${b}`]: [{ type: 'A', address: policyAddress }],
    [`_smtp._tls.${b}`]: [txt(`v=TLSRPTv1; rua=tls-reports@${b}`)],
    '20.100.51.198.in-addr.arpa': [{ type: 'PTR', target: `mail.${b}` }],
    [`mail.${b}`]: [{ type: 'A', address: '198.51.100.99' }],
  };
}

/** MTA-STS policy bodies by host: the broken domain's does not list its own MX. */
export const demoPolicies: Record<string, string> = {
  [`mta-sts.${GOOD_DOMAIN}`]: `version: STSv1\nmode: enforce\nmx: *.${GOOD_DOMAIN}\nmax_age: 604800\n`,
  [`mta-sts.${BROKEN_DOMAIN}`]:
    'version: STSv1\nmode: enforce\nmx: mx.hosting-provider.example\nmax_age: 3600\n',
};

export interface PolicyServer {
  port: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 serving `/.well-known/mta-sts.txt` per Host header; other paths and hosts 404. */
export async function startPolicyServer(
  pki: Pick<TestPki, 'key' | 'cert'>,
  policies: Record<string, string>,
  respond?: (host: string) => { status: number; headers?: Record<string, string>; body?: string } | undefined,
): Promise<PolicyServer> {
  const server: Server = createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
    const scripted = respond?.(host);
    if (scripted) {
      res.writeHead(scripted.status, scripted.headers).end(scripted.body ?? '');
      return;
    }
    const body = policies[host];
    if (req.url !== '/.well-known/mta-sts.txt' || body === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The dns probe's part of the demo: both domains in the demo DNS, and their MTA-STS policies over HTTPS. */
export const dnsDemo: DemoPartFactory = async (lab) => {
  lab.dns.add(demoZones('127.0.0.1'));
  let policyServer: PolicyServer | undefined;
  let mtaStsFetch: { port: number; extraCaPem: string } | undefined;
  try {
    const pki = await makeTestPki(Object.keys(demoPolicies));
    policyServer = await startPolicyServer(pki, demoPolicies);
    mtaStsFetch = { port: policyServer.port, extraCaPem: pki.ca };
  } catch {
    // Without the openssl command there is no certificate to serve: the demo then skips MTA-STS.
    mtaStsFetch = undefined;
  }
  return {
    targets: {
      domains: [
        { name: GOOD_DOMAIN, dkimSelectors: ['s1'], sendingIps: [GOOD_SENDER] },
        { name: BROKEN_DOMAIN, dkimSelectors: ['s1', 's2', 's3'], sendingIps: [BROKEN_SENDER] },
      ],
    },
    probes: [
      {
        name: 'dns-auth',
        kind: 'dns',
        schedule: 'rate(1 hour)',
        targets: [GOOD_DOMAIN, BROKEN_DOMAIN],
        options: mtaStsFetch ? { mtaSts: 'optional', mtaStsFetch } : { mtaSts: 'off' },
      },
    ],
    close: async () => {
      await policyServer?.close();
    },
  };
};
