import { z } from 'zod';
import { canaryCauses } from '../../model/causes/canary';
import { defineKind } from '../manifest';
import { canaryGroup, type MailboxTarget, mailboxTarget } from './config';

/** Canary messages: sent through SES or SMTP, seen in seed mailboxes (IMAP) or by the inbound side (ledger). */
export const canaryKind = defineKind({
  kind: 'canary',
  summary:
    'Canary messages sent to seed mailboxes: arrival, delivery latency, folder, SPF/DKIM/DMARC, bounces',
  group: canaryGroup,
  targetFields: {
    mailboxes: z.array(mailboxTarget).default([]).describe('Seed mailboxes canaries are sent to'),
  },
  reads: ['mailboxes'],
  targets: (targets: { mailboxes: MailboxTarget[] }) =>
    targets.mailboxes.map((m) => ({ name: m.name, target: m })),
  causes: canaryCauses,
  probe: async (ports) =>
    (await import('./probe')).createCanaryProbe({ ses: ports.ses, ledger: ports.canaryLedger }),
  graphs: [
    {
      title: 'Canary delivery latency p50 / p90 (ms)',
      metrics: ['p50', 'p90'].map((stat) => ({ name: 'DeliveryLatency', stat })),
      periodSeconds: 300,
    },
  ],
});
