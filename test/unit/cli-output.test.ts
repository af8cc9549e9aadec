import { formatRun, outputSettings, styleFor } from '../../cli/output';
import type { Status } from '../../shared/model/status';
import type { RunReport } from '../../shared/run/run-probe';

function report(probeId: string, status: Status): RunReport {
  return {
    result: {
      probeId,
      kind: 'smtp',
      group: 'smtp-5m',
      target: probeId.split('/')[1] ?? probeId,
      scheduledAt: '2026-11-23T10:00:00.000Z',
      startedAt: '2026-11-23T10:00:00.000Z',
      finishedAt: '2026-11-23T10:00:01.000Z',
      durationMs: 1000,
      status,
      checks:
        status === 'pass'
          ? []
          : [{ id: 'connect', status, cause: 'smtp.connect.refused', message: 'refused' }],
      timings: {},
      transcript: [],
    },
    stored: 'written',
    alerts: [],
  };
}

const terminal = { isTTY: true } as NodeJS.WriteStream;

describe('CLI output conventions', () => {
  afterEach(() => {
    outputSettings.quiet = false;
    outputSettings.colour = true;
    delete process.env.NO_COLOR;
  });

  it('--quiet leaves out passing results but keeps the problems and the summary', () => {
    const reports = [report('smtp-5m/ok', 'pass'), report('smtp-5m/broken', 'fail')];
    outputSettings.quiet = true;
    const text = formatRun(reports, { colour: false });
    expect(text).not.toContain('smtp-5m/ok');
    expect(text).toContain('FAIL    smtp-5m/broken');
    expect(text).toContain('2 probes: 1 pass, 0 warn, 1 fail, 0 unknown');
    outputSettings.quiet = false;
    expect(formatRun(reports, { colour: false })).toContain('PASS    smtp-5m/ok');
  });

  it('colours a terminal unless NO_COLOR is set (non-empty) or --no-color was given', () => {
    expect(styleFor(terminal).colour).toBe(true);
    expect(styleFor({ isTTY: false } as NodeJS.WriteStream).colour).toBe(false);
    process.env.NO_COLOR = '';
    expect(styleFor(terminal).colour).toBe(true);
    process.env.NO_COLOR = '1';
    expect(styleFor(terminal).colour).toBe(false);
    delete process.env.NO_COLOR;
    outputSettings.colour = false;
    expect(styleFor(terminal).colour).toBe(false);
  });
});
