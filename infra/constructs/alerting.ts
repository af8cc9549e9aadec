import { Duration } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MailprobeConfig } from '../../shared/suite/schema';
import { MailprobeFunction } from './probe-function';
import type { Secrets } from './secrets';

export interface AlertingProps {
  config: MailprobeConfig;
  configFile: string;
  logRetention: logs.RetentionDays;
  secrets: Secrets;
  functionDlq: sqs.IQueue;
}

/**
 * The alert topic (TLS only) with its e-mail subscriptions, the Slack notifier subscribed to it (with a
 * dead-letter queue for alerts Slack would not take), and optionally an AWS Chatbot channel.
 */
export class Alerting extends Construct {
  readonly topic: sns.ITopic;
  /** Queues whose depth means an alert was not delivered. */
  readonly deadLetterQueues: sqs.IQueue[] = [];
  readonly functions: lambda.Function[] = [];

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { config } = props;
    this.topic = config.alerts.sns?.topicArn
      ? sns.Topic.fromTopicArn(this, 'Topic', config.alerts.sns.topicArn)
      : new sns.Topic(this, 'Topic', { displayName: `mailprobe ${config.name} alerts`, enforceSSL: true });

    const subscriptionDlq = new sqs.Queue(this, 'SubscriptionDlq', {
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.deadLetterQueues.push(subscriptionDlq);
    for (const email of config.alerts.sns?.emails ?? []) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, { deadLetterQueue: subscriptionDlq }),
      );
    }

    if (config.alerts.slack) {
      const notifier = new MailprobeFunction(this, 'SlackNotifier', {
        handler: 'slack-notifier',
        description: 'mailprobe: posts alerts from the topic to Slack',
        configFile: props.configFile,
        logRetention: props.logRetention,
        timeout: Duration.seconds(60),
        deadLetterQueue: props.functionDlq,
      });
      props.secrets.grantRead(notifier, [config.alerts.slack.webhook]);
      // Only mailprobe's own alerts (they carry `alertType`); CloudWatch alarm notifications reach e-mail and Chatbot.
      this.topic.addSubscription(
        new subscriptions.LambdaSubscription(notifier, {
          deadLetterQueue: subscriptionDlq,
          filterPolicy: { alertType: sns.SubscriptionFilter.existsFilter() },
        }),
      );
      this.functions.push(notifier);
    }

    if (config.deploy.chatbot) {
      new chatbot.SlackChannelConfiguration(this, 'Chatbot', {
        slackChannelConfigurationName: `mailprobe-${config.name}`,
        slackWorkspaceId: config.deploy.chatbot.slackWorkspaceId,
        slackChannelId: config.deploy.chatbot.slackChannelId,
        notificationTopics: [this.topic],
        guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
        role: new iam.Role(this, 'ChatbotRole', {
          assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com'),
        }),
      });
    }
  }

  /** Lets `fn` publish alerts. */
  bind(fn: lambda.Function): void {
    fn.addEnvironment('MAILPROBE_TOPIC_ARN', this.topic.topicArn);
    this.topic.grantPublish(fn);
  }
}
