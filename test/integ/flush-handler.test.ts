import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { type EmbeddedStore, openEmbeddedStore } from '../../shared/store/embedded';
import { deployedSuite } from '../../shared/suite/deployed';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';

jest.setTimeout(60_000);

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:mailprobe-alerts';
const GROUP = 'Mailprobe-IncidentFlush-Group-1107500F';
const ROLE = 'arn:aws:iam::123456789012:role/Mailprobe-IncidentFlushSchedulerRole';
const FLUSH_FN = 'arn:aws:lambda:eu-west-1:123456789012:function:Mailprobe-IncidentFlushFunction';
const sns = mockClient(SNSClient);
const scheduler = mockClient(SchedulerClient);

/** A loopback port with nothing listening: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A slot 8 minutes ago: the group wait (10 minutes) of its alert is still running, and ends within the few
 * minutes of clock skew a flush event may be ahead of the function's clock.
 */
const SLOT = Math.floor(Date.now() / 60_000) * 60_000 - 8 * 60_000;
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const DUE = SLOT + 10 * 60_000;

/** The exact one-time schedule a runner creates for a flush at `t`. */
function wakeRequest(t: number) {
  const at = iso(t);
  const name = `flush-${at.replace(/[-:]/g, '')}`;
  return {
    Name: name,
    GroupName: GROUP,
    ClientToken: name,
    Description: 'mailprobe: delivers incident messages whose group wait or interval ends now',
    ScheduleExpression: `at(${at.slice(0, -1)})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: FLUSH_FN,
      RoleArn: ROLE,
      Input: JSON.stringify({ flushAt: at }),
      RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
    },
  };
}

let embedded: EmbeddedStore;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mailprobe-flush-handler-'));
  embedded = await openEmbeddedStore({ dataDir: dir, retentionDays: 30 });
  const port = await closedPort();
  const config: MailprobeConfigInput = {
    targets: { smtp: [{ name: 'relay', host: '127.0.0.1', port, mode: 'plain' }] },
    probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)', timeoutSeconds: 10 }],
    alerts: { sns: { emails: ['oncall@example.com'] }, grouping: { groupWait: '10m' } },
  };
  const configFile = join(dir, 'mailprobe.config.json');
  writeFileSync(configFile, JSON.stringify(deployedSuite(parseConfig(config))));
  Object.assign(process.env, {
    MAILPROBE_CONFIG_FILE: configFile,
    MAILPROBE_TABLE: embedded.tableName,
    MAILPROBE_TOPIC_ARN: TOPIC,
    MAILPROBE_FLUSH_SCHEDULE_GROUP: GROUP,
    MAILPROBE_FLUSH_ROLE_ARN: ROLE,
    MAILPROBE_FLUSH_FUNCTION_ARN: FLUSH_FN,
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
  scheduler.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: `arn:aws:scheduler:::schedule/${GROUP}/x` });
});

describe('group wait in AWS: the runner arranges a one-time schedule, the flush function delivers on it', () => {
  it('creates the exact wake-up schedule instead of waiting for the next run, and a replay finds it arranged', async () => {
    const { handler } = await import('../../functions/run-smtp');
    // The first run already fails hard (a pre-existing failure is reported by default): one alert, one incident.
    await handler({ group: 'smtp-5m', scheduledTime: iso(SLOT) });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      wakeRequest(DUE),
    ]);

    // A retried invocation of the slot asks for the same schedule; Scheduler answers that it exists.
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: 'Schedule already exists',
        Message: 'Schedule already exists',
        $metadata: {},
      }),
    );
    await expect(handler({ group: 'smtp-5m', scheduledTime: iso(SLOT) })).resolves.toMatchObject({
      statuses: { 'smtp-5m/relay': 'fail' },
    });
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      wakeRequest(DUE),
      wakeRequest(DUE),
    ]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  it('publishes once when the schedule fires, though it fires twice, and arranges nothing more', async () => {
    const { handler } = await import('../../functions/flush-incidents');
    const context = { invokedFunctionArn: FLUSH_FN };
    const first = await handler({ flushAt: iso(DUE) }, context);
    const again = await handler({ flushAt: iso(DUE) }, context);
    expect(first).toEqual({ flushAt: iso(DUE), sent: ['failure smtp-5m/relay'] });
    expect(again).toEqual({ flushAt: iso(DUE), sent: [] });
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({
      TopicArn: TOPIC,
      Subject: '[mailprobe] FAIL smtp-5m/relay: SMTP connection refused',
    });
    expect(JSON.parse(JSON.parse(published[0]?.Message ?? '{}').lambda).incident.phase).toBe('new');
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('rejects a flush event without a time or far in the future, naming the field', async () => {
    const { handler } = await import('../../functions/flush-incidents');
    const context = { invokedFunctionArn: FLUSH_FN };
    await expect(handler({}, context)).rejects.toThrow('flush event: flushAt:');
    await expect(handler({ flushAt: '9999-01-01T00:00:00Z' }, context)).rejects.toThrow(
      /flush event: flushAt 9999-01-01T00:00:00Z is \d+ min in the future/,
    );
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
