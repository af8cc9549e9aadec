import { isIP } from 'node:net';
import { z } from 'zod';
import { dnsblCauses } from '../../model/causes/dnsbl';
import { defineKind } from '../manifest';
import { dnsblGroup } from './config';
import { dnsblTargetCount, dnsblTargetIssues, dnsblTargets, isDnsblTarget } from './targets';

const ipOrCidr = z.string().refine(
  (s) => {
    const [addr, bits, ...rest] = s.split('/');
    const family = isIP(addr ?? '');
    if (!family || rest.length > 0) return false;
    if (bits === undefined) return true;
    return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
  },
  { message: 'must be an IPv4/IPv6 address or CIDR range' },
);

/** DNS blocklists: every sending address and domain against the zones that list its kind, with zone self-tests. */
export const dnsblKind = defineKind({
  kind: 'dnsbl',
  summary:
    'DNS blocklists: sending addresses (IPv4, IPv6, ranges) and domains, decoded codes, zone self-tests',
  group: dnsblGroup,
  targetFields: {
    sendingIps: z.array(ipOrCidr).default([]).describe('Addresses (or CIDR ranges) mail is sent from'),
  },
  reads: ['sendingIps', 'domains'],
  targets: dnsblTargets,
  size: dnsblTargetCount,
  targetIssues: dnsblTargetIssues,
  accepts: isDnsblTarget,
  causes: dnsblCauses,
  probe: async () => (await import('./probe')).dnsblProbe,
  graphs: [
    {
      title: 'Blocklist listings (addresses or domains listed)',
      metrics: [{ name: 'StatusFail', stat: 'Sum' }],
      periodSeconds: 900,
    },
  ],
});
