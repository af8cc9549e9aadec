import { z } from 'zod';

/** How the CDK stack deploys the suite. The CLI ignores this section. */
export const deploySettings = z
  .object({
    logRetentionDays: z
      .union([
        z.literal(1),
        z.literal(3),
        z.literal(5),
        z.literal(7),
        z.literal(14),
        z.literal(30),
        z.literal(60),
        z.literal(90),
        z.literal(180),
        z.literal(365),
      ])
      .default(30)
      .describe('CloudWatch Logs retention of every function'),
    pointInTimeRecovery: z
      .boolean()
      .default(true)
      .describe(
        'Continuous backups of the results table (35 days of restore points, about $0.20 per GB-month): ' +
          'off only if losing the history to an accident is acceptable',
      ),
    dashboard: z
      .boolean()
      .default(false)
      .describe(
        'The CloudWatch dashboard and the metrics it graphs (statuses, durations, SMTP phases, canary latency): ' +
          '$3 per month plus $0.30 per metric and group; without it only the dead-man switch metric is published',
      ),
    fanOut: z
      .object({
        batchSize: z
          .number()
          .int()
          .min(1)
          .max(500)
          .default(25)
          .describe('A group with more probes than this is split into batches on an SQS queue'),
        maxConcurrency: z
          .number()
          .int()
          .min(2)
          .max(1000)
          .default(5)
          .describe(
            'Batches processed at once (Lambda SQS maximum concurrency): bounds the load on DNSBLs and targets',
          ),
      })
      .strict()
      .prefault({}),
    staticEgress: z
      .object({
        groups: z
          .array(z.string().min(1))
          .min(1)
          .describe(
            'Probe groups that run inside a VPC behind a NAT gateway with a fixed Elastic IP (port 25, allow-listed source)',
          ),
        maxAzs: z
          .number()
          .int()
          .min(1)
          .max(3)
          .default(1)
          .describe('NAT gateways cost per AZ-hour: 1 is the cheap default'),
      })
      .strict()
      .optional(),
    sesInbound: z
      .object({
        activateRuleSet: z
          .boolean()
          .default(true)
          .describe(
            'Make the stack’s SES receipt rule set the active one at deploy (and give back the previously active set on delete). Only one set is active per account and region: set false if you manage the active set yourself, then run `aws ses set-active-receipt-rule-set --rule-set-name <stack output CanaryRuleSetName>`',
          ),
      })
      .strict()
      .prefault({})
      .describe('SES inbound for seed mailboxes with arrival via ledger (created only when there are some)'),
    chatbot: z
      .object({
        slackWorkspaceId: z
          .string()
          .regex(/^[A-Z0-9]+$/, 'must be a Slack workspace (team) id such as T0123ABCD'),
        slackChannelId: z.string().regex(/^[A-Z0-9]+$/, 'must be a Slack channel id such as C0123ABCD'),
      })
      .strict()
      .optional()
      .describe('Also deliver alerts through AWS Chatbot to this Slack channel'),
  })
  .strict();
