import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunk } from '../run/events';
import type { WorkQueue } from '../run/work-queue';

/** SQS SendMessageBatch takes at most 10 entries. */
const SQS_BATCH_MAX = 10;

/** The work queue on SQS: each batch one message, sent ten to a request. */
export function sqsWorkQueue(client: SQSClient, queueUrl: string): WorkQueue {
  return {
    async send(batches) {
      for (const [n, entries] of chunk(batches, SQS_BATCH_MAX).entries()) {
        const out = await client.send(
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
            `work queue refused ${out.Failed.length} batches: ${out.Failed.map((f) => f.Code).join(', ')}`,
          );
      }
    },
  };
}
