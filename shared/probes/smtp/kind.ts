import { z } from 'zod';
import { smtpCauses } from '../../model/causes/smtp';
import { defineKind } from '../manifest';
import { type SmtpEndpoint, smtpEndpoint, smtpGroup } from './config';
import { smtpConfigWarnings } from './warnings';

/** SMTP endpoints: connect, banner, EHLO, STARTTLS/TLS and certificate, AUTH, envelope, per-phase timings. */
export const smtpKind = defineKind({
  kind: 'smtp',
  summary: 'SMTP endpoints (submission, MX, relay): TLS and certificate, AUTH, envelope, time per phase',
  group: smtpGroup,
  targetFields: { smtp: z.array(smtpEndpoint).default([]).describe('SMTP endpoints the smtp probes test') },
  reads: ['smtp'],
  targets: (targets: { smtp: SmtpEndpoint[] }) => targets.smtp.map((e) => ({ name: e.name, target: e })),
  warnings: smtpConfigWarnings,
  causes: smtpCauses,
  probe: async () => (await import('./probe')).smtpProbe,
  graphs: [
    {
      title: 'SMTP phase timings p90 (ms)',
      metrics: ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'auth', 'rcpt'].map((p) => ({
        name: `Phase_${p}`,
        stat: 'p90',
      })),
      periodSeconds: 300,
    },
  ],
});
