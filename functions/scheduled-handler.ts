import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expandGroup, type ProbeSpec } from '../shared/config/expand';
import type { ProbeGroup } from '../shared/config/schema';
import type { ProbeDefinition } from '../shared/probes/types';
import { BadEventError, chunk, type ProbeBatch, parseEvent, scheduledEvent } from '../shared/run/events';
import { runProbes } from '../shared/run/run-group';
import type { RunDeps } from '../shared/run/run-probe';
import { logger } from './container';
import { publishRunMetrics } from './metrics';
import { runDeps } from './run-deps';

/** SQS SendMessageBatch takes at most 10 entries. */
const SQS_BATCH_MAX = 10;
let sqs: SQSClient | undefined;

/**
 * The schedule target of one probe kind (`run-<kind>.ts` binds it, so each function bundles only its own probe):
 * runs every probe of one group for one slot. A group larger than `deploy.fanOut.batchSize` is split into batches
 * on the work queue instead (processed by `run-batch` with capped concurrency). The slot's scheduled time is the
 * idempotency key, so a retried or duplicated invocation stores and alerts nothing twice.
 */
export function scheduledHandler<G extends ProbeGroup>(definition: ProbeDefinition<G, unknown>) {
  return async function handler(event: unknown) {
    const { group, scheduledTime } = parseEvent(scheduledEvent, event, 'scheduled event');
    const deps = runDeps();
    const probeGroup = deps.config.probes.find((g) => g.name === group && g.enabled);
    if (!probeGroup)
      throw new BadEventError(`scheduled event: no enabled probe group "${group}" in the deployed config`);
    if (probeGroup.kind !== definition.kind) {
      throw new BadEventError(
        `scheduled event: group "${group}" is a ${probeGroup.kind} group; this function runs ${definition.kind} probes`,
      );
    }
    const specs = expandGroup(deps.config, probeGroup, definition as ProbeDefinition<ProbeGroup, unknown>);
    return runSlot(specs, group, scheduledTime, deps);
  };
}

async function runSlot(specs: ProbeSpec[], group: string, scheduledTime: string, deps: RunDeps) {
  const queueUrl = process.env.MAILPROBE_WORK_QUEUE_URL;
  const { batchSize } = deps.config.deploy.fanOut;
  if (queueUrl && specs.length > batchSize) {
    const messages = chunk(
      specs.map((s) => s.targetName),
      batchSize,
    ).map((targets): ProbeBatch => ({ group, scheduledTime, targets }));
    sqs ??= new SQSClient({});
    for (const [n, entries] of chunk(messages, SQS_BATCH_MAX).entries()) {
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map((body, i) => ({
            Id: `b${n * SQS_BATCH_MAX + i}`,
            MessageBody: JSON.stringify(body),
          })),
        }),
      );
      if (out.Failed?.length)
        throw new Error(
          `work queue refused ${out.Failed.length} batches of group ${group}: ${out.Failed.map((f) => f.Code).join(', ')}`,
        );
    }
    logger.info('group fanned out', { group, scheduledTime, probes: specs.length, batches: messages.length });
    return { group, scheduledTime, batches: messages.length };
  }

  const reports = await runProbes(specs, new Date(scheduledTime), deps);
  publishRunMetrics(group, specs[0]?.kind ?? 'unknown', reports);
  const statuses = Object.fromEntries(reports.map((r) => [r.result.probeId, r.result.status]));
  logger.info('group run finished', { group, scheduledTime, statuses });
  return { group, scheduledTime, statuses };
}
