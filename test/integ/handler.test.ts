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

/** Slots an hour ago, inside the scheduler's retry horizon (the handler rejects slots older than a day). */
const BASE = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
function slot(minute: number, millis = false): string {
  const iso = new Date(BASE + minute * 60_000).toISOString();
  return millis ? iso : iso.replace('.000Z', 'Z');
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
    const event = { group: 'smtp-5m', scheduledTime: slot(5) };
    const first = await handler(event);
    const replay = await handler(event);
    expect(first).toEqual({
      group: 'smtp-5m',
      scheduledTime: event.scheduledTime,
      statuses: { 'smtp-5m/relay-a': 'fail', 'smtp-5m/relay-b': 'fail' },
    });
    expect(replay).toEqual(first);

    const history = await embedded.store.historyByProbe('smtp-5m/relay-a', {
      since: new Date(BASE - 86_400_000),
      until: new Date(BASE + 86_400_000),
    });
    expect(history.map((r) => r.scheduledAt)).toEqual([slot(5, true)]);
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
    await handler({ group: 'smtp-5m', scheduledTime: slot(10) });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    const state = await embedded.store.getState('smtp-5m/relay-a');
    expect(state).toMatchObject({
      phase: 'failing',
      lastScheduledAt: slot(10, true),
      consecutiveFailures: 2,
    });
  });

  it('rejects an event without a scheduled time, naming the field', async () => {
    const { handler } = await import('../../functions/run-smtp');
    await expect(handler({ group: 'smtp-5m' })).rejects.toThrow('scheduled event: scheduledTime:');
    await expect(handler({ group: 'nope', scheduledTime: slot(5) })).rejects.toThrow(
      'no enabled probe group "nope"',
    );
  });

  it('rejects a slot far in the future or past the retry horizon, storing and changing nothing', async () => {
    const { handler } = await import('../../functions/run-smtp');
    await expect(handler({ group: 'smtp-5m', scheduledTime: '9999-01-01T00:00:00Z' })).rejects.toThrow(
      /scheduledTime 9999-01-01T00:00:00Z is \d+ min in the future/,
    );
    await expect(handler({ group: 'smtp-5m', scheduledTime: '2020-01-01T00:00:00Z' })).rejects.toThrow(
      'older than the retry horizon',
    );
    const state = await embedded.store.getState('smtp-5m/relay-a');
    expect(Date.parse(state?.lastScheduledAt ?? '')).toBeLessThan(Date.now());
    expect(
      await embedded.store.historyByProbe('smtp-5m/relay-a', { since: new Date('2019-01-01T00:00:00Z') }),
    ).toHaveLength(2);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('fans a group larger than one batch out to the work queue with the exact batches', async () => {
    process.env.MAILPROBE_WORK_QUEUE_URL = QUEUE;
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { handler } = await import('../../functions/run-smtp');
    const out = await handler({ group: 'smtp-5m', scheduledTime: slot(15) });
    expect(out).toEqual({ group: 'smtp-5m', scheduledTime: slot(15), batches: 2 });
    expect(sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        Entries: [
          {
            Id: 'b0',
            MessageBody: JSON.stringify({
              group: 'smtp-5m',
              scheduledTime: slot(15),
              targets: ['relay-a'],
            }),
          },
          {
            Id: 'b1',
            MessageBody: JSON.stringify({
              group: 'smtp-5m',
              scheduledTime: slot(15),
              targets: ['relay-b'],
            }),
          },
        ],
      },
    ]);
    expect(await embedded.store.historyByProbe('smtp-5m/relay-a', { since: new Date(slot(15)) })).toEqual([]);
  });
});

describe('run-smtp handler as the consumer of its own work queue', () => {
  it('runs the batch targets for the slot and reports a malformed message for redelivery', async () => {
    const { handler } = await import('../../functions/run-smtp');
    const record = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];
    const out = await handler({
      Records: [
        record('m1', JSON.stringify({ group: 'smtp-5m', scheduledTime: slot(20), targets: ['relay-b'] })),
        record('m2', '{"group":"smtp-5m"}'),
      ],
    });
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    const b = await embedded.store.historyByProbe('smtp-5m/relay-b', {
      since: new Date(slot(20)),
    });
    const a = await embedded.store.historyByProbe('smtp-5m/relay-a', {
      since: new Date(slot(20)),
    });
    expect(b.map((r) => r.scheduledAt)).toEqual([slot(20, true)]);
    expect(a).toEqual([]);
  });
});
