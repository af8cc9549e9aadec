import { z } from 'zod';
import { groupBase } from '../../config/group';

/** A mail domain whose DNS authentication records are checked. */
export const domainTarget = z
  .object({
    name: z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}\.?$/i,
        'must be a domain name',
      ),
    dkimSelectors: z.array(z.string().min(1)).default([]).describe('DKIM selectors to check'),
    sendingIps: z
      .array(z.string())
      .default([])
      .describe('IPs that send for this domain: SPF must pass, PTR must match'),
  })
  .strict();
export type DomainTarget = z.infer<typeof domainTarget>;

export const dnsGroup = z
  .object({
    ...groupBase,
    kind: z.literal('dns'),
    options: z.object({}).strict().prefault({}),
  })
  .strict();
export type DnsGroup = z.infer<typeof dnsGroup>;
