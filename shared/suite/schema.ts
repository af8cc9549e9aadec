import { z } from 'zod';
import { emailAddress } from '../config/address';
import { deploySettings } from '../config/deploy';
import { grouping, groupingOverride } from '../config/grouping';
import { resolverSettings } from '../config/resolver';
import { secretRef } from '../config/secret';
import { thresholds } from '../config/thresholds';
import { timeZoneField } from '../config/timezone';
import { GROUP_SCHEMAS, manifestOf, TARGET_FIELDS } from './manifests';

/** A probe group: the `kind` names the manifest whose group schema applies. */
const probeGroup = z.discriminatedUnion('kind', GROUP_SCHEMAS);
export type ProbeGroup = z.infer<typeof probeGroup>;

const alerts = z
  .object({
    console: z.boolean().default(true).describe('Print alerts on the console (local runs)'),
    grouping: grouping.prefault({}),
    sns: z
      .object({
        emails: z.array(emailAddress).default([]).describe('Addresses subscribed to the alert topic'),
        topicArn: z
          .string()
          .startsWith('arn:')
          .optional()
          .describe('Existing topic to publish to (else the stack creates one)'),
        grouping: groupingOverride.optional(),
      })
      .strict()
      .optional(),
    slack: z
      .object({
        webhook: secretRef.describe('Incoming webhook URL, by reference'),
        mention: z
          .string()
          .regex(
            /^(<!here>|<!channel>|<@[A-Z0-9]+>|<!subteam\^[A-Z0-9]+>)$/,
            'must be <!here>, <!channel>, <@U…> or <!subteam^…>',
          )
          .optional()
          .describe('Who to mention on failure alerts'),
        grouping: groupingOverride.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const configSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z](?:[a-z0-9]|-(?=[a-z0-9])){0,29}$/,
        'must start with a lowercase letter, then lowercase letters, digits and single dashes, at most 30 characters',
      )
      .default('mailprobe')
      .describe(
        'Deployment name: the stack (mailprobe-staging becomes stack Mailprobe-Staging), its metric namespace and dashboard are named after it, so configs with different names deploy side by side',
      )
      .meta({ examples: ['mailprobe-staging'] }),
    timezone: timeZoneField.default('UTC').describe('IANA time zone of cron schedules'),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('Results expire after this many days'),
    maxProbesPerMinute: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .default(10_000)
      .describe(
        'Ceiling on the probes a minute of all enabled groups (targets × runs a minute; a cron counts its firings per hour over 60): a config above it is refused before its targets are expanded',
      ),
    resolver: resolverSettings.prefault({}),
    thresholds: thresholds.prefault({}),
    targets: z.object(TARGET_FIELDS).strict().prefault({}).describe('What the probes test, by kind'),
    probes: z.array(probeGroup).min(1, 'at least one probe group is needed'),
    alerts: alerts.prefault({}),
    deploy: deploySettings.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const unique = (names: string[], path: (string | number)[], message: (name: string) => string) => {
      const seen = new Set<string>();
      names.forEach((n, i) => {
        if (seen.has(n.toLowerCase()))
          ctx.addIssue({ code: 'custom', path: [...path, i, 'name'], message: message(n) });
        seen.add(n.toLowerCase());
      });
    };
    // Target names key results and alerts: unique per list, ignoring case (domain names are case-insensitive).
    for (const [field, list] of Object.entries(config.targets as Record<string, unknown[]>)) {
      const names = list.map((t) => (t as { name?: unknown }).name);
      if (names.every((n) => typeof n === 'string'))
        unique(names as string[], ['targets', field], (n) => `duplicate name "${n}" in targets.${field}`);
    }
    unique(
      config.probes.map((p) => p.name),
      ['probes'],
      (n) => `duplicate probe group name "${n}"`,
    );

    const groupNames = config.probes.map((p) => p.name);
    config.deploy.staticEgress?.groups.forEach((name, i) => {
      if (!groupNames.includes(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['deploy', 'staticEgress', 'groups', i],
          message: `unknown probe group "${name}"`,
        });
      }
    });
    config.probes.forEach((group, i) => {
      const manifest = manifestOf(group.kind);
      const from = manifest.reads.map((f) => `targets.${f}`).join(' or ');
      const targets = config.targets as Record<string, unknown[]>;
      if (manifest.reads.every((field) => (targets[field] ?? []).length === 0)) {
        ctx.addIssue({
          code: 'custom',
          path: ['probes', i, 'kind'],
          message: `no targets of the kind a ${group.kind} probe needs (${from})`,
        });
      }
      const accepts =
        manifest.accepts ??
        ((name: string) => manifest.targets(config.targets, group).some((t) => t.name === name));
      group.targets?.forEach((name, j) => {
        if (!accepts(name, config.targets)) {
          ctx.addIssue({
            code: 'custom',
            path: ['probes', i, 'targets', j],
            message: `unknown target "${name}": not in ${from}`,
          });
        }
      });
    });
  });

/** The config as written (durations as strings, defaults optional). */
export type MailprobeConfigInput = z.input<typeof configSchema>;
/** The config after parsing: defaults filled, durations in milliseconds. */
export type MailprobeConfig = z.output<typeof configSchema>;

/** Typed helper for `mailprobe.config.ts`: returns its argument, so editors check the file as it is written. */
export function defineConfig(config: MailprobeConfigInput): MailprobeConfigInput {
  return config;
}
