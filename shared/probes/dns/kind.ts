import { z } from 'zod';
import { dnsCauses } from '../../model/causes/dns';
import { defineKind } from '../manifest';
import { type DomainTarget, dnsGroup, domainTarget } from './config';

/** Mail domains: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, PTR/FCrDNS, BIMI, expected values and drift. */
export const dnsKind = defineKind({
  kind: 'dns',
  summary: 'Mail domains: MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, PTR/FCrDNS, BIMI, expected values, drift',
  group: dnsGroup,
  targetFields: {
    domains: z.array(domainTarget).default([]).describe('Mail domains: the dns probes check their records'),
  },
  reads: ['domains'],
  targets: (targets: { domains: DomainTarget[] }) =>
    targets.domains.map((d) => ({ name: d.name, target: d })),
  causes: dnsCauses,
  probe: async () => (await import('./probe')).dnsProbe,
  graphs: [],
});
