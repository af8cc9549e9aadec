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
