import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RunReport } from '../shared/run/run-probe';
import { metrics } from './container';

/** Per-phase timings are dashboards for SMTP sessions and canary latency; elsewhere they would only add custom-metric cost. */
const PHASE_METRIC_KINDS = new Set(['smtp', 'canary']);

/**
 * EMF metrics of one group run, by group and kind: runs (the dead-man's switch watches it), statuses, probe
 * duration, per-phase timings (SMTP connect/banner/tls..., canary send/arrival) and canary delivery latency.
 */
export function publishRunMetrics(group: string, kind: string, reports: RunReport[]): void {
  const fresh = reports.filter((r) => r.stored === 'written');
  if (fresh.length === 0) return;
  metrics.addDimensions({ group, kind });
  for (const { result } of fresh) {
    metrics.addMetric('ProbeRuns', MetricUnit.Count, 1);
    metrics.addMetric(
      `Status${result.status[0]?.toUpperCase()}${result.status.slice(1)}`,
      MetricUnit.Count,
      1,
    );
    metrics.addMetric('ProbeDuration', MetricUnit.Milliseconds, result.durationMs);
    if (PHASE_METRIC_KINDS.has(kind)) {
      for (const [phase, ms] of Object.entries(result.timings))
        metrics.addMetric(`Phase_${phase}`, MetricUnit.Milliseconds, ms);
    }
    // Canary delivery latency: send to arrival, as the arrival check measured it.
    const latency = result.checks.find((c) => c.id === 'arrival')?.details?.latencyMs;
    if (kind === 'canary' && typeof latency === 'number')
      metrics.addMetric('DeliveryLatency', MetricUnit.Milliseconds, latency);
  }
  metrics.publishStoredMetrics();
}
