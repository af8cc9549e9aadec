import { z } from 'zod';
import { groupBase } from '../../config/group';

export const dnsblGroup = z
  .object({
    ...groupBase,
    kind: z.literal('dnsbl'),
    options: z.object({}).strict().prefault({}),
  })
  .strict();
export type DnsblGroup = z.infer<typeof dnsblGroup>;
