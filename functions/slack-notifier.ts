import type { SNSEvent } from 'aws-lambda';
import { createSlackAlerter } from '../shared/alert/slack';
import type { Alert } from '../shared/alert/types';
import { deployed, deployedSecrets, log } from './container';

/**
 * Subscribed to the alert topic: renders each alert (the topic's `lambda` message is the alert as JSON) as Block
 * Kit and posts it to the Slack webhook named in the config. A failed post throws, so Lambda retries the
 * asynchronous invocation and finally parks the event in the function's dead-letter queue: no alert is lost.
 */
export async function handler(event: SNSEvent): Promise<void> {
  const slack = deployed().config.alerts.slack;
  if (!slack) throw new Error('alerts.slack is not configured, yet the Slack notifier was invoked');
  const alerter = createSlackAlerter({
    webhookUrl: () => deployedSecrets()(slack.webhook),
    mention: slack.mention,
    log,
  });
  for (const record of event.Records) {
    const alert = JSON.parse(record.Sns.Message) as Alert;
    if (typeof alert?.probeId !== 'string' || typeof alert?.type !== 'string') {
      throw new Error(`SNS message ${record.Sns.MessageId} is not a mailprobe alert`);
    }
    await alerter.publish(alert);
  }
}
