import { isIP } from 'node:net';
import { z } from 'zod';
import { domainName } from '../../config/address';
import { groupBase } from '../../config/group';
import { linearPattern } from '../../config/pattern';

/**
 * What a record set must look like. A string (or list of strings) is an exact value: the records found, compared as
 * a set, must equal it. `{ pattern }` is a regular expression (RE2 syntax, matched in linear time) every record must match. MX records are written
 * `<preference> <host>` (e.g. `10 mx1.example.com`); other kinds are the TXT value with its strings joined.
 */
const expectation = z.union([
  z.string().min(1),
  z.array(z.string().min(1)).min(1),
  z
    .object({
      pattern: linearPattern,
    })
    .strict(),
]);
export type Expectation = z.infer<typeof expectation>;

const expectations = z
  .object({
    mx: expectation.optional(),
    spf: expectation.optional(),
    dmarc: expectation.optional(),
    mtaSts: expectation.optional(),
    tlsRpt: expectation.optional(),
    bimi: expectation.optional(),
    dkim: z.record(z.string().min(1), expectation).optional().describe('Expected key record per selector'),
  })
  .strict();
type Expectations = z.infer<typeof expectations>;
export type ExpectationKey = Exclude<keyof Expectations, 'dkim'>;

/** A mail domain whose DNS authentication records are checked. */
export const domainTarget = z
  .object({
    name: domainName.describe(
      'The mail domain (an international name is converted to punycode, e.g. bücher.example -> xn--bcher-kva.example)',
    ),
    dkimSelectors: z.array(z.string().min(1)).default([]).describe('DKIM selectors to check'),
    sendingIps: z
      .array(z.string().refine((s) => isIP(s) !== 0, { message: 'must be an IPv4 or IPv6 address' }))
      .default([])
      .describe('IPs that send for this domain: SPF must pass, PTR must match'),
    expect: expectations
      .optional()
      .describe('Expected record values (exact or pattern): a mismatch fails the `expect.*` check'),
  })
  .strict();
export type DomainTarget = z.infer<typeof domainTarget>;

/** `required`: a missing record fails. `optional`: checked when published, absence passes. `off`: not queried. */
const presence = z.enum(['required', 'optional', 'off']);
export type Presence = z.infer<typeof presence>;

const mtaStsFetch = z
  .object({
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(443)
      .describe('HTTPS port of the policy host; only tests and the local demo change it'),
    extraCaPem: z
      .string()
      .includes('-----BEGIN CERTIFICATE-----')
      .optional()
      .describe('A CA certificate (PEM) trusted in addition to the system roots, for a private test CA'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(30_000)
      .default(5000)
      .describe('Time budget of the policy fetch'),
    maxBytes: z
      .number()
      .int()
      .min(256)
      .max(1_048_576)
      .default(65_536)
      .describe('Largest policy body accepted (RFC 8461 suggests senders stop at 64 KiB)'),
  })
  .strict();
export type MtaStsFetchOptions = z.infer<typeof mtaStsFetch>;

export const dnsGroup = z
  .object({
    ...groupBase,
    kind: z.literal('dns'),
    options: z
      .object({
        mtaSts: presence.default('optional').describe('MTA-STS record and policy'),
        tlsRpt: presence.default('optional').describe('TLS-RPT record'),
        bimi: presence.default('off').describe('BIMI record (default selector)'),
        dnssec: presence
          .default('optional')
          .describe(
            'DNSSEC state of the domain from a validating resolver (resolver.validating): failing validation fails; ' +
              'required also fails an unsigned domain. Without a validating resolver optional checks nothing and ' +
              'required is unknown',
          ),
        mtaStsFetch: mtaStsFetch.prefault({}),
        driftWarnHours: z
          .number()
          .min(0)
          .max(24 * 30)
          .default(24)
          .describe(
            'How long a changed record set keeps its drift warning (0: only on the run that sees it)',
          ),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type DnsGroup = z.infer<typeof dnsGroup>;
export type DnsOptions = DnsGroup['options'];
