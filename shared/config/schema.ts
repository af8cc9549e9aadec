import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { canaryGroup, mailboxTarget } from '../probes/canary/config';
import { dnsGroup, domainTarget } from '../probes/dns/config';
import { dnsblGroup } from '../probes/dnsbl/config';
import { smtpEndpoint, smtpGroup } from '../probes/smtp/config';
import { deploySettings } from './deploy';
import { resolverSettings } from './resolver';
import { secretRef } from './secret';
import { thresholds } from './thresholds';

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

export const probeGroup = z.discriminatedUnion('kind', [smtpGroup, dnsGroup, dnsblGroup, canaryGroup]);
export type ProbeGroup = z.infer<typeof probeGroup>;

const alerts = z
  .object({
    console: z.boolean().default(true).describe('Print alerts on the console (local runs)'),
    sns: z
      .object({
        emails: z.array(z.email()).default([]).describe('Addresses subscribed to the alert topic'),
        topicArn: z
          .string()
          .startsWith('arn:')
          .optional()
          .describe('Existing topic to publish to (else the stack creates one)'),
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
        /^[a-z0-9][a-z0-9-]{0,29}$/,
        'must be lowercase letters, digits and dashes, at most 30 characters',
      )
      .default('mailprobe')
      .describe('Deployment name: prefixes stack and resource names'),
    timezone: z.string().default('UTC').describe('Time zone of cron schedules'),
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe('Results expire after this many days'),
    resolver: resolverSettings.prefault({}),
    thresholds: thresholds.prefault({}),
    targets: z
      .object({
        domains: z.array(domainTarget).default([]),
        smtp: z.array(smtpEndpoint).default([]),
        sendingIps: z.array(ipOrCidr).default([]).describe('Addresses (or CIDR ranges) mail is sent from'),
        mailboxes: z.array(mailboxTarget).default([]).describe('Seed mailboxes canaries are sent to'),
      })
      .strict()
      .prefault({}),
    probes: z.array(probeGroup).min(1, 'at least one probe group is needed'),
    alerts: alerts.prefault({}),
    deploy: deploySettings.prefault({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const unique = (names: string[], path: (string | number)[], what: string) => {
      const seen = new Set<string>();
      names.forEach((n, i) => {
        if (seen.has(n))
          ctx.addIssue({
            code: 'custom',
            path: [...path, i, 'name'],
            message: `duplicate ${what} name "${n}"`,
          });
        seen.add(n);
      });
    };
    unique(
      config.targets.domains.map((d) => d.name.toLowerCase()),
      ['targets', 'domains'],
      'domain',
    );
    unique(
      config.targets.smtp.map((s) => s.name),
      ['targets', 'smtp'],
      'SMTP endpoint',
    );
    unique(
      config.targets.mailboxes.map((m) => m.name),
      ['targets', 'mailboxes'],
      'mailbox',
    );
    unique(
      config.probes.map((p) => p.name),
      ['probes'],
      'probe group',
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
      const known = targetNamesFor(group.kind, config);
      if (known.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['probes', i, 'kind'],
          message: `no targets of the kind a ${group.kind} probe needs (${TARGET_LIST[group.kind]})`,
        });
      }
      group.targets?.forEach((name, j) => {
        if (!isKnownTarget(group.kind, name, known, config.targets.sendingIps)) {
          ctx.addIssue({
            code: 'custom',
            path: ['probes', i, 'targets', j],
            message: `unknown target "${name}": not in ${TARGET_LIST[group.kind]}`,
          });
        }
      });
    });
  });

/** A dnsbl group may name any single address inside `targets.sendingIps` (ranges there expand to addresses). */
function isKnownTarget(
  kind: ProbeGroup['kind'],
  name: string,
  known: string[],
  sendingIps: string[],
): boolean {
  if (kind !== 'dnsbl' || !isIP(name)) return known.includes(name);
  const family = (ip: string) => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');
  const list = new BlockList();
  for (const entry of sendingIps) {
    const [addr = '', bits] = entry.split('/');
    if (bits === undefined) list.addAddress(addr, family(addr));
    else list.addSubnet(addr, Number(bits), family(addr));
  }
  return list.check(name, family(name));
}

/** Where each probe kind finds its targets. */
const TARGET_LIST = {
  smtp: 'targets.smtp',
  dns: 'targets.domains',
  dnsbl: 'targets.sendingIps or targets.domains',
  canary: 'targets.mailboxes',
} as const;

function targetNamesFor(kind: ProbeGroup['kind'], config: z.output<typeof configSchema>): string[] {
  switch (kind) {
    case 'smtp':
      return config.targets.smtp.map((s) => s.name);
    case 'dns':
      return config.targets.domains.map((d) => d.name);
    case 'dnsbl':
      return [...config.targets.sendingIps, ...config.targets.domains.map((d) => d.name)];
    case 'canary':
      return config.targets.mailboxes.map((m) => m.name);
  }
}

/** The config as written (durations as strings, defaults optional). */
export type MailprobeConfigInput = z.input<typeof configSchema>;
/** The config after parsing: defaults filled, durations in milliseconds. */
export type MailprobeConfig = z.output<typeof configSchema>;

/** Typed helper for `mailprobe.config.ts`: returns its argument, so editors check the file as it is written. */
export function defineConfig(config: MailprobeConfigInput): MailprobeConfigInput {
  return config;
}
