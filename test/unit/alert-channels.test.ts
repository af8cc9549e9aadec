import { PassThrough } from 'node:stream';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { buildAlerter } from '../../shared/alert/channels';
import type { Alert } from '../../shared/alert/types';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';

const base: MailprobeConfigInput = {
  targets: { smtp: [{ name: 'submission', host: 'smtp.example.com' }] },
  probes: [{ name: 'smtp-5m', kind: 'smtp', schedule: 'rate(5 minutes)' }],
};
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:alerts';
const alert: Alert = {
  type: 'coverage',
  severity: 'warning',
  probeId: 'smtp-5m/submission',
  kind: 'smtp',
  group: 'smtp-5m',
  target: 'submission',
  scheduledAt: '2026-11-23T10:05:00.000Z',
  status: 'unknown',
  checks: [],
};
const snsMock = mockClient(SNSClient);
beforeEach(() => snsMock.reset());

describe('buildAlerter', () => {
  it('uses the console when enabled and given a stream, and SNS when configured with a topic', async () => {
    snsMock.on(PublishCommand).resolves({});
    const stream = new PassThrough();
    const config = parseConfig({ ...base, alerts: { sns: { emails: ['oncall@example.com'] } } });
    const alerter = buildAlerter(config, {
      secrets: async () => 'unused',
      stream,
      sns: { client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC },
    });
    expect(alerter.name).toBe('console+sns');
    await alerter.publish(alert);
    expect(String(stream.read())).toContain('[mailprobe] COVERAGE GAP smtp-5m/submission');
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
  });

  it('leaves out SNS when the config does not ask for it, and the console when disabled', () => {
    const config = parseConfig({ ...base, alerts: { console: false } });
    const alerter = buildAlerter(config, {
      secrets: async () => 'unused',
      stream: new PassThrough(),
      sns: { client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC },
    });
    expect(alerter.name).toBe('none');
  });

  it('adds Slack without reading its secret until an alert is sent', async () => {
    const config = parseConfig({
      ...base,
      alerts: { console: false, slack: { webhook: { env: 'SLACK_HOOK' } } },
    });
    const asked: unknown[] = [];
    const alerter = buildAlerter(config, {
      secrets: async (ref) => {
        asked.push(ref);
        throw new Error('secret env:SLACK_HOOK unavailable: not set');
      },
    });
    expect(alerter.name).toBe('slack');
    expect(asked).toEqual([]);
    await expect(alerter.publish(alert)).rejects.toThrow(
      'alert not delivered to 1 of 1 channels: slack (Slack webhook secret could not be resolved)',
    );
    expect(asked).toEqual([{ env: 'SLACK_HOOK' }]);
  });
});
