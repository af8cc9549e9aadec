import type { SNSClient } from '@aws-sdk/client-sns';
import type { SecretResolver } from '../config/secret-ref';
import type { MailprobeConfig } from '../suite/schema';
import type { Log } from '../util/log';
import { createConsoleAlerter } from './console';
import { createFanout } from './fanout';
import { createSlackAlerter } from './slack';
import { createSnsAlerter } from './sns';
import type { Alerter } from './types';

export interface AlerterDeps {
  secrets: SecretResolver;
  /** The terminal to print alerts on (the CLI). Without it there is no console channel. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** SNS client and topic (the Lambda). The topic defaults to `alerts.sns.topicArn` from the config. */
  sns?: { client: SNSClient; topicArn?: string };
  log?: Log;
}

/**
 * The channels the config asks for, as one Alerter: console when enabled and a stream is given, SNS when
 * configured and a topic is known, Slack when configured (its webhook secret is read on the first alert).
 */
export function buildAlerter(config: MailprobeConfig, deps: AlerterDeps): Alerter {
  const channels: Alerter[] = [];
  const { alerts } = config;
  if (alerts.console && deps.stream) channels.push(createConsoleAlerter({ stream: deps.stream }));
  const topicArn = deps.sns?.topicArn ?? alerts.sns?.topicArn;
  if (alerts.sns && deps.sns && topicArn)
    channels.push(createSnsAlerter({ client: deps.sns.client, topicArn }));
  const slack = alerts.slack;
  if (slack) {
    channels.push(
      createSlackAlerter({
        webhookUrl: () => deps.secrets(slack.webhook),
        ...(slack.mention ? { mention: slack.mention } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      }),
    );
  }
  return createFanout(channels);
}
