import { type CfnElement, type Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { FLUSH_SCHEDULE_PREFIX } from '../shared/aws/flush-schedule';

const ack = (scope: IConstruct, id: string, reason: string) =>
  Validations.of(scope).acknowledge({ id, reason });

const MANAGED_POLICY = (name: string) =>
  `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;

/**
 * Runs the AwsSolutions and Serverless packs at synth (an unacknowledged finding stops synthesis) and records the
 * few accepted findings, each on the constructs it concerns, by exact finding id, with its reason.
 */
export function applyNag(stack: Stack): void {
  const root = stack.node.root;
  Validations.of(root).addPlugins(new AwsSolutionsChecks(root), new ServerlessChecks(root));
  const logicalId = (element: CfnElement) => stack.getLogicalId(element);
  const scheduleGroups = stack.node
    .findAll()
    .filter((n): n is scheduler.ScheduleGroup => n instanceof scheduler.ScheduleGroup);

  for (const node of stack.node.findAll()) {
    if (node instanceof sqs.Queue && /Dlq$/.test(node.node.id)) {
      const reason =
        'This queue is itself a dead-letter queue (of schedules, SNS subscriptions, functions or the work queue); its depth raises an alarm.';
      ack(node, 'AwsSolutions::AwsSolutions-SQS3', reason);
      ack(node, 'Serverless::Serverless-SQSRedrivePolicy', reason);
    }
    if (node instanceof s3.Bucket && node.node.id === 'RawMessages') {
      ack(
        node,
        'AwsSolutions::AwsSolutions-S1',
        'Holds only synthetic canary messages for 7 days, written by SES; CloudTrail covers access.',
      );
    }
    if (node instanceof lambda.EventSourceMapping) {
      ack(
        node,
        'Serverless::Serverless-LambdaEventSourceMappingDestination',
        'SQS event sources take no on-failure destination; the work queue redrives to its own dead-letter queue after 3 receives.',
      );
    }
    if (!(node instanceof lambda.Function)) continue;
    const runtime =
      'Node.js 22 is the runtime mailprobe is built and tested for; newer runtimes are adopted deliberately.';
    ack(node, 'AwsSolutions::AwsSolutions-L1', runtime);
    ack(node, 'Serverless::Serverless-LambdaLatestVersion', runtime);
    ack(
      node,
      'Serverless::Serverless-LambdaTracing',
      'X-Ray is off to keep the suite cheap; EMF metrics and JSON logs cover each run.',
    );
    if (node.role instanceof iam.Role) {
      const logs =
        'The Lambda service-role policies only let the function write its own logs (and attach to its VPC).';
      ack(node.role, MANAGED_POLICY('AWSLambdaBasicExecutionRole'), logs);
      ack(node.role, MANAGED_POLICY('AWSLambdaVPCAccessExecutionRole'), logs);
      for (const group of scheduleGroups)
        ack(
          node.role,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group.scheduleGroupName}/${FLUSH_SCHEDULE_PREFIX}*]`,
          'Flush wake-ups are named by their due second: only flush-* schedules, only in the flush schedule group.',
        );
      if (node.node.id === 'ActivateRuleSet')
        ack(
          node.role,
          'AwsSolutions-IAM5[Resource::*]',
          'ses:DescribeActiveReceiptRuleSet and ses:SetActiveReceiptRuleSet support no resource-level permissions.',
        );
    }
    const fn = logicalId(node.node.defaultChild as CfnElement);
    ack(
      stack,
      `AwsSolutions-IAM5[Resource::<${fn}.Arn>:*]`,
      'EventBridge Scheduler may invoke this function and its versions, nothing else.',
    );
  }
}
