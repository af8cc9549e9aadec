import { defineConfig } from '../shared/config/schema';

// A complete example. Secrets are references only: Secrets Manager names in AWS, or locally the environment
// variables MAILPROBE_SECRET_<NAME> (e.g. MAILPROBE_SECRET_MAILPROBE_SMTP_SUBMISSION for "mailprobe/smtp-submission").
export default defineConfig({
  name: 'acme-mail',
  timezone: 'UTC',
  retentionDays: 90,
  resolver: { servers: [], timeoutMs: 2000, tries: 2 },
  thresholds: {
    failuresBeforeAlert: 2,
    passesBeforeRecovery: 2,
    reminderEvery: '6h',
    unknownsBeforeCoverageAlert: 6,
    reportPreExisting: true,
  },
  targets: {
    domains: [{ name: 'example.com', dkimSelectors: ['s1', 's2'], sendingIps: ['192.0.2.10'] }],
    smtp: [
      {
        name: 'submission',
        host: 'smtp.example.com',
        port: 587,
        mode: 'starttls',
        auth: { user: 'monitor@example.com', password: { secret: 'mailprobe/smtp-submission' } },
      },
      { name: 'submission-tls', host: 'smtp.example.com', port: 465, mode: 'implicit-tls' },
    ],
    sendingIps: ['192.0.2.10', '2001:db8::25'],
  },
  probes: [
    { name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)' },
    { name: 'dns-hourly', kind: 'dns', schedule: 'rate(1 hour)' },
    {
      name: 'dnsbl-15m',
      kind: 'dnsbl',
      schedule: 'cron(0/15 * * * ? *)',
      thresholds: { failuresBeforeAlert: 1 },
    },
  ],
  alerts: {
    console: true,
    sns: { emails: ['oncall@example.com'] },
    slack: { webhook: { secret: 'mailprobe/slack-webhook' }, mention: '<!here>' },
  },
});
