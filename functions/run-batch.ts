import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { expandProbes } from '../shared/config/expand';
import { probes } from '../shared/probes/registry';
import { parseEvent, probeBatch } from '../shared/run/events';
import { runProbes } from '../shared/run/run-group';
import { log } from './container';
import { publishRunMetrics } from './metrics';
import { runDeps } from './run-deps';

/**
 * Work-queue consumer for fanned-out groups of every kind (so it bundles every probe): each message is a batch of targets of one group and slot. A batch
 * that fails as a whole is reported back for redelivery (and, after the redrive limit, the dead-letter queue);
 * runs already stored are not repeated thanks to the (probe, scheduled time) key.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = runDeps();
  const all = expandProbes(deps.config, probes);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const batch = parseEvent(probeBatch, JSON.parse(record.body), `work queue message ${record.messageId}`);
      const specs = all.filter((s) => s.group.name === batch.group && batch.targets.includes(s.targetName));
      const reports = await runProbes(specs, new Date(batch.scheduledTime), deps);
      publishRunMetrics(batch.group, specs[0]?.kind ?? 'unknown', reports);
    } catch (err) {
      log.error('batch failed', { messageId: record.messageId, error: (err as Error).message });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
