import type { MessageAttributeValue, SNSClient } from '@aws-sdk/client-sns';
import { plainText, snsSubject } from '../util/sanitize';
import { alertTextLines, renderAlert } from './render';
import type { Alert, Alerter } from './types';

export interface SnsAlerterOptions {
  client: SNSClient;
  topicArn: string;
}

/** SNS refused or could not be reached; the SDK has already retried. */
export class SnsPublishError extends Error {
  override readonly name = 'SnsPublishError';
}

/** Bound of the message body; SNS allows 256 KB, mail clients show far less. */
const MESSAGE_MAX = 32_768;
/** Bound of each attribute value used by subscription filter policies. */
const ATTRIBUTE_MAX = 256;

const attribute = (value: string): MessageAttributeValue => ({
  DataType: 'String',
  StringValue: plainText(value, ATTRIBUTE_MAX),
});

/**
 * The Publish request for one alert: subject, a plain-text body for e-mail (and every other protocol), the alert
 * itself as JSON for Lambda subscribers (the Slack notifier renders it as Block Kit), and attributes for
 * subscription filter policies.
 */
function snsPublishInput(alert: Alert, topicArn: string) {
  const rendered = renderAlert(alert);
  // Untrusted fields stay on their line, so a banner cannot add lines that look like ours.
  const lines = alertTextLines(alert, rendered, (text) => plainText(text).replace(/\n+/g, ' | '));
  return {
    TopicArn: topicArn,
    Subject: snsSubject(rendered.subject),
    MessageStructure: 'json',
    Message: JSON.stringify({
      default: plainText(`${lines.join('\n')}\n\n-- mailprobe`, MESSAGE_MAX),
      lambda: JSON.stringify(alert),
    }),
    MessageAttributes: {
      severity: attribute(alert.severity),
      kind: attribute(alert.kind),
      target: attribute(alert.target),
      alertType: attribute(alert.type),
    },
  };
}

/** Publishes alerts to an SNS topic (e-mail subscribers, chatbots, filter policies on the attributes). */
export function createSnsAlerter({ client, topicArn }: SnsAlerterOptions): Alerter {
  return {
    name: 'sns',
    async publish(alert) {
      try {
        // The command's module loads with the first publish: a local run without an SNS client never loads it.
        const { PublishCommand } = await import('@aws-sdk/client-sns');
        await client.send(new PublishCommand(snsPublishInput(alert, topicArn)));
      } catch (err) {
        throw new SnsPublishError(
          `SNS publish to ${topicArn} failed: ${(err as Error).name}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    },
  };
}
