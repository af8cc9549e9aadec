import { ConflictException, CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import type { FlushWake } from '../alert/flush';

/** Where the one-time flush schedules go and what they invoke (the stack's IncidentFlush construct). */
export interface FlushScheduleTarget {
  /** The schedule group that holds only these schedules. */
  groupName: string;
  /** The flush function. */
  functionArn: string;
  /** The role EventBridge Scheduler assumes to invoke it. */
  roleArn: string;
}

/** Schedule names start with this; the runners may create schedules with this prefix in the group only. */
export const FLUSH_SCHEDULE_PREFIX = 'flush-';

/** `2026-11-23T10:05:30Z`, the due time rounded up to the second (Scheduler's `at()` takes whole seconds). */
function dueSecond(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / 1000) * 1000);
}

/**
 * The flush wake-up as an EventBridge Scheduler one-time schedule: `at(<due second>)` in UTC, flexible window
 * off, deleted by Scheduler once it has invoked the flush function with `{ flushAt }`. The schedule is named after
 * its second, so runners that ask for the same time (several probes of an incident, two concurrent slots) create
 * it once: the second request gets a ConflictException, which means it is already arranged.
 */
export function scheduledFlushWake(client: SchedulerClient, target: FlushScheduleTarget): FlushWake {
  return async (at) => {
    const due = dueSecond(at);
    const iso = due.toISOString().replace('.000Z', 'Z');
    const name = `${FLUSH_SCHEDULE_PREFIX}${iso.replace(/[-:]/g, '')}`;
    try {
      await client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: target.groupName,
          ClientToken: name,
          Description: 'mailprobe: delivers incident messages whose group wait or interval ends now',
          ScheduleExpression: `at(${iso.slice(0, -1)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: target.functionArn,
            RoleArn: target.roleArn,
            Input: JSON.stringify({ flushAt: iso }),
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
          },
        }),
      );
    } catch (err) {
      if (err instanceof ConflictException) return;
      throw err;
    }
  };
}
