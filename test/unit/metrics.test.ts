import type { ProbeResult } from '../../shared/model/result';
import { createCanaryProbe } from '../../shared/probes/canary/probe';
import type { RunReport } from '../../shared/run/run-probe';

function report(result: Partial<ProbeResult>, stored: RunReport['stored'] = 'written'): RunReport {
  return {
    result: {
      probeId: 'canary-5m/seed',
      kind: 'canary',
      group: 'canary-5m',
      target: 'seed',
      scheduledAt: '2026-11-23T10:05:00.000Z',
      startedAt: '2026-11-23T10:05:00.100Z',
      finishedAt: '2026-11-23T10:05:01.300Z',
      durationMs: 1200,
      status: 'pass',
      checks: [{ id: 'arrival', status: 'pass', message: 'arrived', details: { latencyMs: 4200 } }],
      timings: { send: 60, arrival: 900 },
      transcript: [],
      ...result,
    },
    stored,
    alerts: [],
  };
}

describe('EMF metrics of a group run', () => {
  it('with the dashboard: emits runs, status, duration, phases and canary delivery latency by group and kind; duplicates count nothing', async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'Mailprobe';
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { publishRunMetrics } = await import('../../functions/metrics');
      publishRunMetrics(
        'canary-5m',
        createCanaryProbe({
          ses: () => {
            throw new Error('no SES');
          },
        }),
        [report({}), report({ status: 'fail', checks: [] }), report({}, 'duplicate')],
        true,
      );
    } finally {
      write.mockRestore();
    }
    const emf = lines.map((l) => JSON.parse(l)).find((o) => o._aws);
    expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('Mailprobe');
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(
      expect.arrayContaining(['service', 'group', 'kind']),
    );
    expect(emf).toMatchObject({
      group: 'canary-5m',
      kind: 'canary',
      ProbeRuns: [1, 1],
      StatusPass: 1,
      StatusFail: 1,
      ProbeDuration: [1200, 1200],
      Phase_send: [60, 60],
      Phase_arrival: [900, 900],
      DeliveryLatency: 4200,
    });
  });

  it('without the dashboard: emits only the runs the dead-man switch watches', async () => {
    process.env.POWERTOOLS_METRICS_NAMESPACE = 'Mailprobe';
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { publishRunMetrics } = await import('../../functions/metrics');
      publishRunMetrics(
        'canary-5m',
        createCanaryProbe({
          ses: () => {
            throw new Error('no SES');
          },
        }),
        [report({}), report({ status: 'fail', checks: [] })],
        false,
      );
    } finally {
      write.mockRestore();
    }
    const emf = lines.map((l) => JSON.parse(l)).find((o) => o._aws);
    expect(emf._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual(['ProbeRuns']);
    expect(emf).toMatchObject({ group: 'canary-5m', kind: 'canary', ProbeRuns: [1, 1] });
  });
});
