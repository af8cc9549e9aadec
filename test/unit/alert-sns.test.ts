import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createSnsAlerter, SnsPublishError } from '../../shared/alert/sns';
import type { Alert } from '../../shared/alert/types';
import { causes } from '../../shared/model/causes/index';
import { failureAlert, incidentFailureAlert } from '../support/alert';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:mailprobe-alerts';
const snsMock = mockClient(SNSClient);

const alert: Alert = failureAlert({
  checks: [
    {
      id: 'auth',
      status: 'fail',
      previousStatus: 'pass',
      cause: 'probe.secret-unavailable',
      message: 'password for smtp-submission\r\nSubject: injected\u0007',
      change: 'new',
    },
  ],
});

beforeEach(() => snsMock.reset());

describe('SNS alerter', () => {
  it('publishes subject, message and filter attributes exactly', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await createSnsAlerter({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC }).publish(
      alert,
    );

    const c = causes['probe.secret-unavailable'];
    const calls = snsMock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect({ ...input, Message: JSON.parse(input?.Message ?? '{}') }).toEqual({
      TopicArn: TOPIC,
      Subject: `[mailprobe] FAIL submission/mail.example.com: ${c.title}`,
      MessageStructure: 'json',
      Message: {
        lambda: JSON.stringify(alert),
        default: [
          'Now failing (last run: pass).',
          'Probe:  smtp submission/mail.example.com (target mail.example.com)',
          'Run:    2026-11-23 10:05 UTC, since 2026-11-23 10:00 UTC (5m)',
          '',
          `✗ auth: ${c.title} [probe.secret-unavailable] (new)`,
          '  Observed: password for smtp-submission | Subject: injected',
          `  Why: ${c.explanation}`,
          `  Fix: ${c.remediation}`,
          '',
          'History: mailprobe history submission/mail.example.com',
          'Report:  mailprobe report --only submission/mail.example.com',
          '',
          '-- mailprobe',
        ].join('\n'),
      },
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        kind: { DataType: 'String', StringValue: 'smtp' },
        target: { DataType: 'String', StringValue: 'mail.example.com' },
        alertType: { DataType: 'String', StringValue: 'failure' },
      },
    });
  });

  it('publishes an incident with its likely cause, members, evidence and the remote history command exactly', async () => {
    snsMock.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const incident = incidentFailureAlert();
    await createSnsAlerter({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC }).publish(
      incident,
    );
    const listed = causes['dnsbl.listed'];
    const spam = causes['canary.placement.spam'];
    const input = snsMock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect({ ...input, Message: JSON.parse(input?.Message ?? '{}') }).toEqual({
      TopicArn: TOPIC,
      Subject: `[mailprobe] FAIL bl/192.0.2.10: ${listed.title} (+1 related)`,
      MessageStructure: 'json',
      Message: {
        lambda: JSON.stringify(incident),
        default: [
          'Likely cause: canary filed as spam (Junk) (canary/seed) 10 minutes after 192.0.2.10: listed on zen.spamhaus.org: SBL (127.0.0.2); DKIM and SPF unchanged',
          'Now failing (last run: pass).',
          'Probe:  dnsbl bl/192.0.2.10 (target 192.0.2.10)',
          'Run:    2026-11-23 10:05 UTC, since 2026-11-23 10:00 UTC (5m)',
          '',
          `✗ zone:zen.spamhaus.org: ${listed.title} [dnsbl.listed] (new)`,
          '  Observed: listed on zen.spamhaus.org: SBL (127.0.0.2)',
          '  Value: ["127.0.0.2"]',
          `  Why: ${listed.explanation}`,
          `  Fix: ${listed.remediation}`,
          '',
          'Incident f00dfeed12345678: 2 probes involved, 2 failing now',
          `  ✗ bl/192.0.2.10 failing since 2026-11-23 10:00 UTC: ${listed.title}: listed on zen.spamhaus.org: SBL (127.0.0.2)`,
          `  ✗ canary/seed failing since 2026-11-23 10:10 UTC: ${spam.title}: canary filed as spam (Junk)`,
          '',
          'Transcript (end, redacted):',
          '  A 10.2.0.192.zen.spamhaus.org: 127.0.0.2',
          '  TXT 10.2.0.192.zen.spamhaus.org: "<!channel> *buy*"',
          '',
          'History: mailprobe history bl/192.0.2.10 --remote --table mailprobe-prod-Results --region eu-west-1',
          'Report:  mailprobe report --remote --table mailprobe-prod-Results --region eu-west-1 --only bl/192.0.2.10 canary/seed',
          'Dashboard: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards/dashboard/mailprobe-prod',
          '',
          '-- mailprobe',
        ].join('\n'),
      },
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'critical' },
        kind: { DataType: 'String', StringValue: 'dnsbl' },
        target: { DataType: 'String', StringValue: '192.0.2.10' },
        alertType: { DataType: 'String', StringValue: 'failure' },
      },
    });
  });

  it('keeps the subject SNS-legal: printable ASCII, one line, under 100 characters', async () => {
    snsMock.on(PublishCommand).resolves({});
    const odd = { ...alert, probeId: `grün/${'x'.repeat(200)}\nBcc: x` };
    await createSnsAlerter({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC }).publish(odd);
    const subject = snsMock.commandCalls(PublishCommand)[0]?.args[0].input.Subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
    expect(subject.startsWith('[mailprobe] FAIL grun/xxx')).toBe(true);
  });

  it('sends alert type and severity for recoveries too, so filter policies can drop them', async () => {
    snsMock.on(PublishCommand).resolves({});
    await createSnsAlerter({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC }).publish({
      ...alert,
      type: 'recovery',
      severity: 'info',
      status: 'pass',
    });
    expect(snsMock.commandCalls(PublishCommand)[0]?.args[0].input.MessageAttributes).toMatchObject({
      severity: { StringValue: 'info' },
      alertType: { StringValue: 'recovery' },
    });
  });

  it('fails with a named error carrying the SDK error as cause', async () => {
    const denied = Object.assign(new Error('not authorized to perform SNS:Publish'), {
      name: 'AuthorizationErrorException',
    });
    snsMock.on(PublishCommand).rejects(denied);
    const err = await createSnsAlerter({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC })
      .publish(alert)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SnsPublishError);
    expect(err).toMatchObject({
      message: `SNS publish to ${TOPIC} failed: AuthorizationErrorException: not authorized to perform SNS:Publish`,
    });
    expect((err as Error).cause).toBe(denied);
  });
});
