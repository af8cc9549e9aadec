import { isIPv4 } from 'node:net';
// zod/mini: the catalog is parsed where the probes run (a Lambda bundles this file), and classic zod would add
// 445 KB to every bundle; the config schema embeds these schemas as they are.
import * as z from 'zod/mini';

const LISTED_KINDS = ['ip4', 'ip6', 'domain'] as const;
const LISTING_CATEGORIES = ['abuse', 'policy', 'reputation', 'backscatter'] as const;
const ERROR_KINDS = ['refused', 'rate-limited', 'misconfigured', 'invalid'] as const;

const hostname = z
  .string()
  .check(
    z.regex(
      /^(?=.{1,200}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/,
      'must be a lowercase DNS zone name',
    ),
  );

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const meaning = text(200);
const severity = z
  .enum(['fail', 'warn'])
  .check(z.describe('Status of a listing: fail (blocks mail) or warn (policy/reputation)'));

/** What one listing code (or one bit of a bitmask) means. */
const codeMeaning = z.strictObject({
  meaning,
  category: z._default(z.enum(LISTING_CATEGORIES), 'abuse'),
  severity: z.optional(severity).check(z.describe('Defaults to fail for abuse, warn otherwise')),
});

/** An answer that is not a verdict: the zone telling us the query was refused, limited or malformed. */
const errorMeaning = z.strictObject({ meaning, kind: z.enum(ERROR_KINDS) });

/** RFC 5782 test points, as subjects: an IP address (IPv6 stays IPv6 here) or a domain label. */
const selfTestPoints = z.union([
  z.literal(false),
  z.strictObject({ listed: text(200), notListed: text(200) }),
]);

const codeKey = (answers: 'codes' | 'bitmask', key: string): boolean =>
  answers === 'codes'
    ? isIPv4(key) && key.startsWith('127.')
    : /^\d{1,3}$/.test(key) && [1, 2, 4, 8, 16, 32, 64, 128].includes(Number(key));

const zoneFields = {
  zone: hostname.check(z.describe('The zone queries are appended to, e.g. bl.example.org')),
  label: z.optional(text(60)).check(z.describe('Display name, e.g. "Example BL"')),
  kinds: z
    .array(z.enum(LISTED_KINDS))
    .check(z.minLength(1), z.describe('What the zone lists: ip4, ip6, domain')),
  answers: z
    ._default(z.enum(['codes', 'bitmask']), 'codes')
    .check(
      z.describe(
        'codes: each 127.0.0.x is one meaning; bitmask: the last octet is a set of bits (URIBL, SURBL)',
      ),
    ),
  codes: z
    ._default(z.record(z.string(), codeMeaning), {})
    .check(z.describe('Listing codes (127.x.y.z) or bit values (2, 4, 8...) and their meaning')),
  errors: z
    ._default(z.record(z.string(), errorMeaning), {})
    .check(z.describe('Answers that mean the query failed (never a listing)')),
  severity: z.optional(severity).check(z.describe('Forces the status of every listing in this zone')),
  undocumented: z
    ._default(z.enum(['listed', 'error']), 'listed')
    .check(
      z.describe(
        'An answer whose code is not in codes: listed (zones add codes over time), or error (the operator says ' +
          'any other answer is an error, e.g. a refused query)',
      ),
    ),
  polarity: z
    ._default(z.enum(['block', 'allow']), 'block')
    .check(z.describe('allow: an allowlist (DNSWL), where being listed is good')),
  infoUrl: z.optional(z.url()),
  delistUrl: z.optional(z.url()),
  selfTest: z
    .optional(selfTestPoints)
    .check(z.describe('RFC 5782 test points, or false to skip the self-test')),
};

function checkKeys(
  spec: { answers: 'codes' | 'bitmask'; codes: Record<string, unknown>; errors: Record<string, unknown> },
  ctx: z.core.$RefinementCtx,
) {
  for (const key of Object.keys(spec.codes)) {
    if (!codeKey(spec.answers, key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['codes', key],
        message:
          spec.answers === 'codes'
            ? 'must be an address in 127.0.0.0/8'
            : 'must be a single bit value: 1, 2, 4 ... 128',
      });
    }
  }
  for (const key of Object.keys(spec.errors)) {
    if (!isIPv4(key))
      ctx.addIssue({ code: 'custom', path: ['errors', key], message: 'must be an IPv4 address' });
  }
}

/** A blocklist zone: the same shape for the built-in catalog and for zones users add. */
export const zoneSpec = z.strictObject(zoneFields).check(z.superRefine(checkKeys));
export type ZoneSpec = z.output<typeof zoneSpec>;
export type ZoneSpecInput = z.input<typeof zoneSpec>;
export type ErrorKind = (typeof ERROR_KINDS)[number];
export type ListingCategory = (typeof LISTING_CATEGORIES)[number];

/** Changes to a catalog zone: codes and errors are merged into the catalog's, the rest replaces it. */
export const zoneOverride = z.strictObject({
  codes: z.optional(z.record(z.string(), codeMeaning)),
  errors: z.optional(z.record(z.string(), errorMeaning)),
  severity: zoneFields.severity,
  undocumented: z.optional(z.enum(['listed', 'error'])),
  infoUrl: zoneFields.infoUrl,
  delistUrl: zoneFields.delistUrl,
  selfTest: zoneFields.selfTest,
});
