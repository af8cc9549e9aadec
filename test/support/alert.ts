import type { Alert } from '../../shared/alert/types';

/** A failure alert of an SMTP submission probe, as the renderer and channel tests use it; pass the checks. */
export function failureAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    type: 'failure',
    severity: 'critical',
    probeId: 'submission/mail.example.com',
    kind: 'smtp',
    group: 'submission',
    target: 'mail.example.com',
    scheduledAt: '2026-11-23T10:05:00.000Z',
    status: 'fail',
    previousStatus: 'pass',
    since: '2026-11-23T10:00:00.000Z',
    checks: [],
    ...overrides,
  };
}

/**
 * A failure that speaks for a two-probe incident, from a deployed stack: links to the table and dashboard, the
 * transcript excerpt and observed value, and hostile text from the remote side in the transcript and the cause.
 */
export function incidentFailureAlert(): Alert {
  return failureAlert({
    probeId: 'bl/192.0.2.10',
    kind: 'dnsbl',
    group: 'bl',
    target: '192.0.2.10',
    checks: [
      {
        id: 'zone:zen.spamhaus.org',
        status: 'fail',
        previousStatus: 'pass',
        cause: 'dnsbl.listed',
        message: 'listed on zen.spamhaus.org: SBL (127.0.0.2)',
        change: 'new',
        observed: '["127.0.0.2"]',
      },
    ],
    transcript: [
      'A 10.2.0.192.zen.spamhaus.org: 127.0.0.2',
      'TXT 10.2.0.192.zen.spamhaus.org: "<!channel> *buy*"',
    ],
    links: {
      table: 'mailprobe-prod-Results',
      region: 'eu-west-1',
      dashboardUrl:
        'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/mailprobe-prod',
    },
    incident: {
      id: 'f00dfeed12345678',
      cause:
        'canary filed as spam (Junk) (canary/seed) 10 minutes after 192.0.2.10: listed on zen.spamhaus.org: SBL (127.0.0.2); DKIM and SPF unchanged',
      rootProbeId: 'bl/192.0.2.10',
      phase: 'new',
      openedAt: '2026-11-23T10:00:02.000Z',
      members: [
        {
          probeId: 'bl/192.0.2.10',
          kind: 'dnsbl',
          target: '192.0.2.10',
          state: 'firing',
          status: 'fail',
          cause: 'dnsbl.listed',
          message: 'listed on zen.spamhaus.org: SBL (127.0.0.2)',
          since: '2026-11-23T10:00:00.000Z',
        },
        {
          probeId: 'canary/seed',
          kind: 'canary',
          target: 'seed',
          state: 'firing',
          status: 'fail',
          cause: 'canary.placement.spam',
          message: 'canary filed as spam (Junk)',
          since: '2026-11-23T10:10:00.000Z',
        },
      ],
      omitted: 0,
    },
  });
}
