import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ProbeDefinition } from '../shared/probes/types';
import type { RunReport } from '../shared/run/run-probe';
import { metrics } from './container';

/**
 * EMF metrics of one group run, by group and kind: runs (the dead-man's switch watches it) always; with `detailed`
 * (`deploy.dashboard`, whose graphs are their only reader) also statuses and probe duration for every kind, then
 * the kind's own metrics (SMTP phases, canary delivery latency...). Each is a custom metric billed per month.
 */
export function publishRunMetrics(
  group: string,
  definition: Pick<ProbeDefinition, 'kind' | 'metrics'>,
  reports: RunReport[],
  detailed: boolean,
): void {
  const fresh = reports.filter((r) => r.stored === 'written');
  if (fresh.length === 0) return;
  metrics.addDimensions({ group, kind: definition.kind });
  for (const { result } of fresh) {
    metrics.addMetric('ProbeRuns', MetricUnit.Count, 1);
    if (!detailed) continue;
    metrics.addMetric(
      `Status${result.status[0]?.toUpperCase()}${result.status.slice(1)}`,
      MetricUnit.Count,
      1,
    );
    metrics.addMetric('ProbeDuration', MetricUnit.Milliseconds, result.durationMs);
    for (const point of definition.metrics?.(result) ?? [])
      metrics.addMetric(point.name, MetricUnit[point.unit], point.value);
  }
  metrics.publishStoredMetrics();
}
