import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { deployedSuite } from '../../shared/suite/deployed';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';

jest.setTimeout(60_000);

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:mailprobe-alerts';
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/mailprobe-work';
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

/** A loopback port with nothing listening: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let embedded: EmbeddedStore;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-handler-'));
  embedded = await openEmbeddedStore({ dataDir: dir, retentionDays: 30 });
  const port = await closedPort();
  const config: MailprobeConfigInput = {
    targets: {
      smtp: [
        { name: 'relay-a', host: '127.0.0.1', port, mode: 'plain' },
        { name: 'relay-b', host: '127.0.0.1', port, mode: 'plain' },
      ],
    },
    probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 }],
    alerts: { sns: { emails: ['oncall@example.com'] } },
    deploy: { fanOut: { batchSize: 1, maxConcurrency: 2 } },
  };
  const configFile = join(dir, 'mailprobe.config.json');
  // As the stack bundles it: validated with defaults filled, and every group's targets expanded.
  writeFileSync(configFile, JSON.stringify(deployedSuite(parseConfig(config))));
  Object.assign(process.env, {
    MAILPROBE_CONFIG_FILE: configFile,
    MAILPROBE_TABLE: embedded.tableName,
    MAILPROBE_TOPIC_ARN: TOPIC,
    AWS_ENDPOINT_URL_DYNAMODB: embedded.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
});

afterAll(async () => {
  await embedded.close();
});

beforeEach(() => {
  sns.reset();
  sqs.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  delete process.env.MAILPROBE_WORK_QUEUE_URL;
});

describe('run-smtp handler (the schedule target of smtp groups) on dynalite', () => {
  it('stores one result and sends one alert per probe when the same scheduled event is delivered twice', async () => {
    const { handler } = await import('../../functions/run-smtp');
    const event = { group: 'smtp-5m', scheduledTime: '2026-11-23T10:05:00Z' };
    const first = await handler(event);
    const replay = await handler(event);
    expect(first).toEqual({
      group: 'smtp-5m',
      scheduledTime: event.scheduledTime,
      statuses: { 'smtp-5m/relay-a': 'fail', 'smtp-5m/relay-b': 'fail' },
    });
    expect(replay).toEqual(first);

    const history = await embedded.store.historyByProbe('smtp-5m/relay-a', {
      since: new Date('2026-11-23T00:00:00Z'),
      until: new Date('2026-11-24T00:00:00Z'),
    });
    expect(history.map((r) => r.scheduledAt)).toEqual(['2026-11-23T10:05:00.000Z']);
    expect(history[0]?.checks.some((c) => c.status === 'fail' && c.cause?.startsWith('smtp.'))).toBe(true);

    // The first run reports the pre-existing failure; both relays refuse on the same host, so it is one incident,
    // one message naming both; the replay sends nothing.
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]?.Subject).toMatch(
      /^\[mailprobe\] FAIL smtp-5m\/relay-[ab]: SMTP connection refused \(\+1 related\)$/,
    );
    const incident = JSON.parse(JSON.parse(published[0]?.Message ?? '{}').lambda).incident;
    expect(incident.members.map((m: { target: string }) => m.target).sort()).toEqual(['relay-a', 'relay-b']);
    expect(
      published.every(
        (p) => p.TopicArn === TOPIC && p.MessageAttributes?.alertType?.StringValue === 'failure',
      ),
    ).toBe(true);
  });

  it('alerts nothing more on the next slot while the failure continues', async () => {
    const { handler } = await import('../../functions/run-smtp');
    await handler({ group: 'smtp-5m', scheduledTime: '2026-11-23T10:10:00Z' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const state = await embedded.store.getState('smtp-5m/relay-a');
    expect(state).toMatchObject({
      phase: 'failing',
      lastScheduledAt: '2026-11-23T10:10:00.000Z',
      consecutiveFailures: 2,
    });
  });

  it('rejects an event without a scheduled time, naming the field', async () => {
    const { handler } = await import('../../functions/run-smtp');
    await expect(handler({ group: 'smtp-5m' })).rejects.toThrow('scheduled event: scheduledTime:');
    await expect(handler({ group: 'nope', scheduledTime: '2026-11-23T10:05:00Z' })).rejects.toThrow(
      'no enabled probe group "nope"',
    );
  });

  it('fans a group larger than one batch out to the work queue with the exact batches', async () => {
    process.env.MAILPROBE_WORK_QUEUE_URL = QUEUE;
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { handler } = await import('../../functions/run-smtp');
    const out = await handler({ group: 'smtp-5m', scheduledTime: '2026-11-23T10:15:00Z' });
    expect(out).toEqual({ group: 'smtp-5m', scheduledTime: '2026-11-23T10:15:00Z', batches: 2 });
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        Entries: [
          {
            Id: 'b0',
            MessageBody: JSON.stringify({
              group: 'smtp-5m',
              scheduledTime: '2026-11-23T10:15:00Z',
              targets: ['relay-a'],
            }),
          },
          {
            Id: 'b1',
            MessageBody: JSON.stringify({
              group: 'smtp-5m',
              scheduledTime: '2026-11-23T10:15:00Z',
              targets: ['relay-b'],
            }),
          },
        ],
      },
    ]);
    expect(
      await embedded.store.historyByProbe('smtp-5m/relay-a', { since: new Date('2026-11-23T10:15:00Z') }),
    ).toEqual([]);
  });
});

describe('run-smtp handler as the consumer of its own work queue', () => {
  it('runs the batch targets for the slot and reports a malformed message for redelivery', async () => {
    const { handler } = await import('../../functions/run-smtp');
    const record = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];
    const out = await handler({
      Records: [
        record(
          'm1',
          JSON.stringify({ group: 'smtp-5m', scheduledTime: '2026-11-23T10:20:00Z', targets: ['relay-b'] }),
        ),
        record('m2', '{"group":"smtp-5m"}'),
      ],
    });
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    const b = await embedded.store.historyByProbe('smtp-5m/relay-b', {
      since: new Date('2026-11-23T10:20:00Z'),
    });
    const a = await embedded.store.historyByProbe('smtp-5m/relay-a', {
      since: new Date('2026-11-23T10:20:00Z'),
    });
    expect(b.map((r) => r.scheduledAt)).toEqual(['2026-11-23T10:20:00.000Z']);
    expect(a).toEqual([]);
  });
});
