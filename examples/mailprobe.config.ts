import { defineConfig } from '../shared/suite/schema';

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
    mailboxes: [
      {
        name: 'gmail-seed',
        address: 'mailprobe.seed@gmail.com',
        arrival: {
          via: 'imap',
          host: 'imap.gmail.com',
          user: 'mailprobe.seed@gmail.com',
          password: { secret: 'mailprobe/gmail-seed' },
          spamFolders: ['[Gmail]/Spam'],
        },
      },
      // Received by SES inbound on a canary domain whose MX points at SES (see docs/deploy.md).
      { name: 'ses-inbound', address: 'canary@canary.example.com', arrival: { via: 'ledger' } },
    ],
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
    {
      name: 'canary-5m',
      kind: 'canary',
      schedule: 'rate(5 minutes)',
      timeoutSeconds: 120,
      // Each run sends one canary and checks the one sent 4 minutes earlier; 15 minutes without it is a miss.
      options: { from: 'monitor@example.com', send: { via: 'ses' }, checkAfter: '4m', window: '15m' },
    },
  ],
  alerts: {
    console: true,
    sns: { emails: ['oncall@example.com'] },
    slack: { webhook: { secret: 'mailprobe/slack-webhook' }, mention: '<!here>' },
  },
});
