import { z } from 'zod';
import { duration } from '../../config/duration';
import { groupBase } from '../../config/group';
import { resolverSettings } from '../../config/resolver';
import { secretRef } from '../../config/secret';
import { zoneOverride, zoneSpec } from './zone-spec';
import { catalogZone, ZONE_CATALOG } from './zones';

/** Upper bound on addresses one CIDR entry may expand to (each address becomes one probe). */
const MAX_RANGE_CAP = 65_536;

export const dnsblOptions = z
  .object({
    defaultZones: z
      .boolean()
      .default(true)
      .describe('Query the built-in set of live blocklists (keyed ones only when their key is set)'),
    zones: z
      .array(z.string())
      .default([])
      .describe(
        'Catalog zones to add to the default set, e.g. zen.spamhaus.org (public mirror) or list.dnswl.org',
      ),
    excludeZones: z.array(z.string()).default([]).describe('Catalog zones not to query'),
    customZones: z.array(zoneSpec).default([]).describe('Your own zones (private lists, extra public lists)'),
    overrides: z
      .record(z.string(), zoneOverride)
      .default({})
      .describe('Per catalog or custom zone: extra codes, error codes, listing severity, self-test points'),
    dqsKey: secretRef
      .optional()
      .describe('Spamhaus Data Query Service key: ZEN and DBL are then queried as <key>.zen.dq.spamhaus.net'),
    abusixKey: secretRef
      .optional()
      .describe('Abusix Mail Intelligence key: enables combined.mail.abusix.zone'),
    selfTestCacheFor: duration
      .default(3_600_000)
      .describe('How long an RFC 5782 zone self-test result is trusted (e.g. 1h)'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(512)
      .default(64)
      .describe(
        'zone queries in flight at once (self-tests, two per zone, have a pool twice that size beside it)',
      ),
    maxRangeSize: z
      .number()
      .int()
      .min(1)
      .max(MAX_RANGE_CAP)
      .default(1024)
      .describe('Largest CIDR range (in addresses) a sendingIps entry may expand to'),
    resolver: z
      .object({
        servers: resolverSettings.shape.servers.unwrap().optional(),
        timeoutMs: resolverSettings.shape.timeoutMs.unwrap().optional(),
        tries: resolverSettings.shape.tries.unwrap().optional(),
      })
      .strict()
      .default({})
      .describe('Overrides of the top-level resolver settings for blocklist queries'),
  })
  .strict()
  .superRefine((options, ctx) => {
    const custom = new Set(options.customZones.map((z) => z.zone));
    const known = (name: string) => custom.has(name) || catalogZone(name) !== undefined;
    const catalogNames = ZONE_CATALOG.map((z) => z.spec.zone).join(', ');
    for (const field of ['zones', 'excludeZones'] as const) {
      options[field].forEach((name, i) => {
        if (!catalogZone(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [field, i],
            message: `unknown catalog zone "${name}" (known: ${catalogNames}); add your own under customZones`,
          });
        }
      });
    }
    options.customZones.forEach((zone, i) => {
      if (catalogZone(zone.zone)) {
        ctx.addIssue({
          code: 'custom',
          path: ['customZones', i, 'zone'],
          message: `"${zone.zone}" is in the catalog: change it with overrides instead`,
        });
      }
    });
    for (const [name, override] of Object.entries(options.overrides)) {
      if (!known(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['overrides', name],
          message: `no zone "${name}" is configured`,
        });
        continue;
      }
      const answers = (catalogZone(name)?.spec ?? options.customZones.find((z) => z.zone === name))?.answers;
      const merged = zoneSpec.safeParse({ zone: name, kinds: ['ip4'], answers, ...override });
      if (!merged.success) {
        for (const issue of merged.error.issues) {
          ctx.addIssue({ code: 'custom', path: ['overrides', name, ...issue.path], message: issue.message });
        }
      }
    }
    for (const entry of ZONE_CATALOG) {
      const { key } = entry;
      if (key?.required && options.zones.includes(entry.spec.zone) && !options[key.option]) {
        ctx.addIssue({
          code: 'custom',
          path: ['zones', options.zones.indexOf(entry.spec.zone)],
          message: `${entry.spec.zone} needs ${key.option}`,
        });
      }
    }
  });
export type DnsblOptions = z.output<typeof dnsblOptions>;

export const dnsblGroup = z
  .object({
    ...groupBase,
    kind: z.literal('dnsbl'),
    options: dnsblOptions.prefault({}),
  })
  .strict();
export type DnsblGroup = z.infer<typeof dnsblGroup>;
