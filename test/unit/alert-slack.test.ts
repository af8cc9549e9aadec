import { retryAfterMs, slackPayload } from '../../shared/alert/slack';
import type { Alert } from '../../shared/alert/types';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-23T10:00:00.000Z');

  it.each([
    ['7', 7_000],
    [' 0 ', 0],
    ['Mon, 23 Nov 2026 10:00:30 GMT', 30_000],
    ['Mon, 23 Nov 2026 09:59:00 GMT', 0],
  ])('reads %j as %d ms', (header, ms) => {
    expect(retryAfterMs(header, now)).toBe(ms);
  });

  it.each([[null], ['soon'], ['-5']])('ignores %j', (header) => {
    expect(retryAfterMs(header, now)).toBeUndefined();
  });
});

describe('slackPayload', () => {
  const alert: Alert = {
    type: 'failure',
    severity: 'critical',
    probeId: 'bl/192.0.2.10',
    kind: 'dnsbl',
    group: 'bl',
    target: '192.0.2.10',
    scheduledAt: '2026-11-23T10:05:00.000Z',
    status: 'fail',
    checks: Array.from({ length: 30 }, (_, i) => ({
      id: `zone:${i}`,
      status: 'fail' as const,
      cause: 'probe.crashed' as const,
      message: `${'line\n'.repeat(200)}${'x'.repeat(50_000)}`,
      change: 'new' as const,
    })),
  };

  it('stays inside Slack limits whatever the checks say: 50 blocks, 3000 characters per section', () => {
    const { blocks } = slackPayload(alert);
    expect(blocks.length).toBeLessThanOrEqual(50);
    for (const b of blocks) {
      if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    }
    expect(blocks.at(-2)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', verbatim: true, text: '…and 20 more checks' }],
    });
  });
});
