import { isIP } from 'node:net';
import { z } from 'zod';

/** `1.2.3.4`, `1.2.3.4:5300`, `::1`, `[::1]:5300`: the forms node's Resolver.setServers accepts. */
function validServer(s: string): boolean {
  if (isIP(s)) return true;
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s);
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(s);
  const m = v4 ?? v6;
  return !!m && isIP(m[1] as string) !== 0 && Number(m[2]) > 0 && Number(m[2]) < 65536;
}

export const resolverSettings = z
  .object({
    servers: z
      .array(
        z
          .string()
          .refine(validServer, { message: 'must be an IP address, optionally with :port ([v6]:port)' }),
      )
      .default([])
      .describe('DNS servers the probes query; empty means the system resolver configuration'),
    timeoutMs: z
      .number()
      .int()
      .min(50)
      .max(30_000)
      .default(2000)
      .describe('Per-try timeout of one DNS query'),
    tries: z.number().int().min(1).max(5).default(2).describe('Tries per DNS query'),
    validating: z
      .boolean()
      .default(false)
      .describe(
        'The servers validate DNSSEC (Unbound, BIND with dnssec-validation, Knot Resolver) and the path to them is ' +
          'trusted: their AD bit and SERVFAIL are then DNSSEC verdicts (DANE, the dnssec check). Off: DNSSEC and ' +
          'DANE findings are "unverifiable"',
      ),
  })
  .strict();
export type ResolverSettings = z.infer<typeof resolverSettings>;
/** What a plain (non-DNSSEC) query needs of the settings. */
export type QuerySettings = Omit<ResolverSettings, 'validating'>;
