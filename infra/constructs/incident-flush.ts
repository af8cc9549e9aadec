import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FLUSH_SCHEDULE_PREFIX } from '../../shared/aws/flush-schedule';
import type { Alerting } from './alerting';
import { MailprobeFunction } from './probe-function';
import type { ResultsTable } from './results-table';

export interface IncidentFlushProps {
  configFile: string;
  logRetention: logs.RetentionDays;
  results: ResultsTable;
  alerting: Alerting;
  functionDlq: sqs.IQueue;
}

/**
 * Delivers incident messages when their group wait or interval ends, not at the next run: a runner (or the flush
 * function itself) creates a one-time EventBridge Scheduler schedule in this construct's schedule group, which
 * invokes the flush function once and is deleted by Scheduler. Least privilege:
 * - whoever arranges a wake-up may only `scheduler:CreateSchedule` for `flush-*` names in this group, and pass
 *   only the flush role, only to Scheduler;
 * - the flush role may only invoke the flush function, and only Scheduler of this account may assume it;
 * - the flush function reads and claims incidents (no DeleteItem, UpdateItem or results) and publishes alerts.
 */
export class IncidentFlush extends Construct {
  readonly function: MailprobeFunction;
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: IncidentFlushProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.ScheduleGroup(this, 'Group');
    this.function = new MailprobeFunction(this, 'Function', {
      handler: 'flush-incidents',
      description: 'mailprobe: delivers incident messages whose group wait or interval ends between runs',
      configFile: props.configFile,
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
      deadLetterQueue: props.functionDlq,
    });
    this.role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler invokes the mailprobe incident flush function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    props.results.bind(this.function, 'flusher');
    props.alerting.bind(this.function);
    this.grantWake(this.function, false);
  }

  /**
   * Lets `fn` arrange wake-ups: the environment naming the group and role (and the function to invoke, except for
   * the flush function itself, which takes its own ARN from its invocation context) and exactly those grants.
   */
  grantWake(fn: lambda.Function, withTarget = true): void {
    const stack = Stack.of(this);
    fn.addEnvironment('MAILPROBE_FLUSH_SCHEDULE_GROUP', this.group.scheduleGroupName);
    fn.addEnvironment('MAILPROBE_FLUSH_ROLE_ARN', this.role.roleArn);
    if (withTarget) fn.addEnvironment('MAILPROBE_FLUSH_FUNCTION_ARN', this.function.functionArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule'],
        resources: [
          stack.formatArn({
            service: 'scheduler',
            resource: 'schedule',
            resourceName: `${this.group.scheduleGroupName}/${FLUSH_SCHEDULE_PREFIX}*`,
          }),
        ],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
  }
}
