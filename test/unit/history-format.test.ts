import { formatHistory, formatStats } from '../../cli/output';
import type { ProbeResult } from '../../shared/model/result';
import type { ProbeStats } from '../../shared/report/stats';
import { decodeSummary, encodeResult } from '../../shared/store/result-item';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const plain = { colour: false };

/** The summary of a stored result, as history lists read it. */
function result(minutesAgo: number, overrides: Partial<ProbeResult> = {}) {
  const at = new Date(NOW.getTime() - minutesAgo * 60_000).toISOString();
  const full: ProbeResult = {
    probeId: 'smtp-5m/submission',
    kind: 'smtp',
    group: 'smtp-5m',
    target: 'submission',
    scheduledAt: at,
    startedAt: at,
    finishedAt: at,
    durationMs: 412,
    status: 'pass',
    checks: [{ id: 'connect', status: 'pass', message: 'ok' }],
    timings: {},
    transcript: [],
    ...overrides,
  };
  return decodeSummary(encodeResult(full));
}

describe('history table', () => {
  it('has headers, aligned columns, relative times and each failing check with its cause', () => {
    const out = formatHistory(
      [
        result(5, {
          status: 'fail',
          durationMs: 1203,
          checks: [
            { id: 'auth', status: 'fail', cause: 'smtp.auth.rejected', message: '535 \u001b[31mno' },
            { id: 'tls.certificate', status: 'warn', cause: 'smtp.tls.cert-expiring', message: 'soon' },
          ],
        }),
        result(3 * 24 * 60 + 65),
      ],
      'table',
      plain,
      NOW,
    );
    expect(out.split('\n')).toEqual([
      'WHEN       SCHEDULED (UTC)    PROBE               STATUS  DURATION  FAILING CHECKS',
      '5m ago     2026-03-10 11:55Z  smtp-5m/submission  FAIL    1203 ms   auth: smtp.auth.rejected, tls.certificate: smtp.tls.cert-expiring',
      '3d 1h ago  2026-03-07 10:55Z  smtp-5m/submission  PASS    412 ms    -',
    ]);
  });

  it('writes the failing checks into CSV with formula characters neutralised', () => {
    const out = formatHistory(
      [
        result(1, {
          target: '=HYPERLINK("x")',
          status: 'fail',
          checks: [{ id: 'auth', status: 'fail', message: 'x' }],
        }),
      ],
      'csv',
      plain,
      NOW,
    );
    expect(out.split('\n')).toEqual([
      'scheduled_at,probe,target,status,duration_ms,causes',
      `"2026-03-10T11:59:00.000Z","smtp-5m/submission","'=HYPERLINK(""x"")","fail",412,"auth: fail"`,
    ]);
  });
});

describe('history --stats', () => {
  const stats: ProbeStats = {
    probeId: 'smtp-5m/submission',
    kind: 'smtp',
    group: 'smtp-5m',
    target: 'submission',
    status: 'pass',
    lastRun: NOW.toISOString(),
    current: [],
    runs: 8640,
    counts: { pass: 8600, warn: 0, fail: 40, unknown: 0 },
    passRate: 8600 / 8640,
    durationP50: 410,
    durationP95: 890,
    phases: [{ phase: 'connect', p50: 12, p95: 30, mean: 14 }],
    incidents: [
      {
        start: '2026-03-01T00:00:00.000Z',
        end: '2026-03-01T03:20:00.000Z',
        durationMs: 12_000_000,
        causes: [],
      },
    ],
    timeInFailureMs: 12_000_000,
    mttrMs: 12_000_000,
    listings: [],
    drift: [],
  };

  it('prints one aligned row per probe, then its phases', () => {
    expect(formatStats([stats], 'table', plain).split('\n')).toEqual([
      'PROBE               STATUS  RUNS  PASS RATE  P50     P95     INCIDENTS  TIME IN FAILURE  MTTR',
      'smtp-5m/submission  PASS    8640  99.54%     410 ms  890 ms  1          3h 20m           3h 20m',
      '',
      'PROBE               PHASE    P50    P95    MEAN',
      'smtp-5m/submission  connect  12 ms  30 ms  14 ms',
    ]);
  });

  it('writes CSV with a column pair per phase', () => {
    expect(formatStats([stats], 'csv', plain).split('\n')).toEqual([
      'probe,kind,target,status,runs,pass_rate,p50_ms,p95_ms,incidents,time_in_failure_ms,mttr_ms,connect_p50_ms,connect_p95_ms',
      `"smtp-5m/submission","smtp","submission","pass",8640,${8600 / 8640},410,890,1,12000000,12000000,12,30`,
    ]);
  });
});
