import { Duration, TimeZone } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MailprobeConfig, ProbeGroup } from '../../shared/suite/schema';

export interface ProbeSchedulesProps {
  config: MailprobeConfig;
  /** The function that runs (or fans out) each group. */
  runnerFor(group: ProbeGroup): lambda.IFunction;
}

/**
 * One EventBridge Scheduler schedule per probe group (not per target): flexible window off, the slot's scheduled
 * time in the input (the idempotency key), bounded retries, and a dead-letter queue for invocations that never got
 * through.
 */
export class ProbeSchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly schedules = new Map<string, scheduler.Schedule>();

  constructor(scope: Construct, id: string, props: ProbeSchedulesProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'Dlq', {
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    for (const group of props.config.probes.filter((g) => g.enabled)) {
      const schedule = new scheduler.Schedule(this, group.name, {
        description: `mailprobe ${group.kind} probes of group ${group.name}`,
        schedule: scheduler.ScheduleExpression.expression(group.schedule, TimeZone.of(props.config.timezone)),
        timeWindow: scheduler.TimeWindow.off(),
        target: new targets.LambdaInvoke(props.runnerFor(group), {
          input: scheduler.ScheduleTargetInput.fromObject({
            group: group.name,
            scheduledTime: scheduler.ContextAttribute.scheduledTime,
          }),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: this.deadLetterQueue,
        }),
      });
      this.schedules.set(group.name, schedule);
    }
  }
}
