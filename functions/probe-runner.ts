import { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { sqsWorkQueue } from '../shared/aws/sqs-work-queue';
import type { ProbeDefinition } from '../shared/probes/types';
import { BadEventError, checkSlot, parseEvent, probeBatch, scheduledEvent } from '../shared/run/events';
import type { RunReport } from '../shared/run/run-probe';
import { runSlot } from '../shared/run/run-slot';
import type { OpenedStore } from '../shared/store/remote';
import { expandGroup } from '../shared/suite/expand';
import type { ProbeGroup } from '../shared/suite/schema';
import { deployed, log } from './container';
import { publishRunMetrics } from './metrics';
import { runDeps } from './run-deps';

type Definition = ProbeDefinition<ProbeGroup, unknown>;

/** The probes of one group and slot, for the targets named (all of the group's when none are). */
function slotProbes(definition: Definition, event: { group: string; targets?: string[] }) {
  const { config, targets } = deployed();
  const group = config.probes.find((g) => g.name === event.group && g.enabled);
  if (!group)
    throw new BadEventError(`event: no enabled probe group "${event.group}" in the deployed config`);
  if (group.kind !== definition.kind)
    throw new BadEventError(
      `event: group "${group.name}" is a ${group.kind} group; this function runs ${definition.kind}`,
    );
  const specs = expandGroup(config, group, (g) => targets[g.name] ?? [], definition);
  return event.targets ? specs.filter((s) => event.targets?.includes(s.targetName)) : specs;
}

/**
 * The Lambda handler of one probe kind (`run-<kind>.ts` binds it, so each function bundles only its own probe).
 * A scheduled event runs one group for one slot, or splits a large group onto the kind's work queue; an SQS event
 * runs the batches of that queue, reporting failed ones for redelivery. The slot's scheduled time is the
 * idempotency key, so a retried or duplicated invocation stores and alerts nothing twice.
 */
export function probeRunner(bind: (table: OpenedStore) => ProbeDefinition) {
  let definition: Definition | undefined;
  let sqs: SQSClient | undefined;
  return async function handler(event: unknown) {
    const { deps, table } = runDeps();
    definition ??= bind(table) as Definition;
    if (Array.isArray((event as Partial<SQSEvent>)?.Records))
      return runBatches(definition, event as SQSEvent);
    const slot = parseEvent(scheduledEvent, event, 'scheduled event');
    checkSlot(slot.scheduledTime, new Date(), 'scheduled event');
    const queueUrl = process.env.MAILPROBE_WORK_QUEUE_URL;
    if (queueUrl) sqs ??= new SQSClient({});
    const queue = queueUrl && sqs ? sqsWorkQueue(sqs, queueUrl) : undefined;
    const { batchSize } = deployed().config.deploy.fanOut;
    const outcome = await runSlot(slotProbes(definition, slot), slot, deps, { queue, batchSize });
    if ('fannedOut' in outcome) {
      log.info('group fanned out', { ...slot, batches: outcome.fannedOut });
      return { ...slot, batches: outcome.fannedOut };
    }
    publishRunMetrics(slot.group, definition, outcome.ran, deployed().config.deploy.dashboard);
    const statuses = Object.fromEntries(outcome.ran.map((r) => [r.result.probeId, r.result.status]));
    log.info('group run finished', { ...slot, statuses });
    failIfUnrecorded(outcome.ran);
    return { ...slot, statuses };
  };
}

/** Fails the invocation when a verdict could not be recorded (each was logged): the retry records the slot. */
function failIfUnrecorded(reports: RunReport[]): void {
  const failed = reports.filter((r) => r.stored === 'failed');
  if (failed.length > 0)
    throw new Error(`${failed.length} of ${reports.length} results not recorded: ${failed[0]?.storeError}`);
}

async function runBatches(definition: Definition, event: SQSEvent): Promise<SQSBatchResponse> {
  const { deps } = runDeps();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const batch = parseEvent(probeBatch, JSON.parse(record.body), `work queue message ${record.messageId}`);
      checkSlot(batch.scheduledTime, new Date(), `work queue message ${record.messageId}`);
      const outcome = await runSlot(slotProbes(definition, batch), batch, deps, {
        queue: undefined,
        batchSize: 0,
      });
      if ('ran' in outcome) {
        publishRunMetrics(batch.group, definition, outcome.ran, deployed().config.deploy.dashboard);
        failIfUnrecorded(outcome.ran);
      }
    } catch (err) {
      log.error('batch failed', { messageId: record.messageId, error: (err as Error).message });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
