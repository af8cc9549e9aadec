import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import type { FlushWake } from '../shared/alert/flush';
import { createSnsAlerter } from '../shared/alert/sns';
import { scheduledFlushWake } from '../shared/aws/flush-schedule';
import { resolverFactory } from '../shared/dns/resolver';
import type { RunDeps } from '../shared/run/run-probe';
import { type OpenedStore, openRemoteStore } from '../shared/store/remote';
import { deployed, deployedSecrets, log, requiredEnv } from './container';

let built: { deps: RunDeps; table: OpenedStore } | undefined;
let scheduler: SchedulerClient | undefined;

/**
 * One-time schedules in the stack's flush group that invoke `functionArn` (the flush function), when the stack
 * set up the group and the role Scheduler assumes; otherwise undefined (deliveries then wait for the next run).
 */
export function flushWakeTo(functionArn: string | undefined): FlushWake | undefined {
  const groupName = process.env.MAILPROBE_FLUSH_SCHEDULE_GROUP;
  const roleArn = process.env.MAILPROBE_FLUSH_ROLE_ARN;
  if (!groupName || !roleArn || !functionArn) return undefined;
  scheduler ??= new SchedulerClient({});
  return scheduledFlushWake(scheduler, { groupName, functionArn, roleArn });
}

/**
 * Everything a probe run needs in AWS, built once per container, and the results table (for kinds whose probes
 * record there). Alerts go to the SNS topic only: e-mail subscribers read it, and the Slack notifier is subscribed.
 */
export function runDeps(): { deps: RunDeps; table: OpenedStore } {
  if (built) return built;
  const { config } = deployed();
  const table = openRemoteStore({
    tableName: requiredEnv('MAILPROBE_TABLE'),
    retentionDays: config.retentionDays,
  });
  const wake = flushWakeTo(process.env.MAILPROBE_FLUSH_FUNCTION_ARN);
  const deps: RunDeps = {
    secrets: deployedSecrets(),
    resolver: config.resolver,
    dns: resolverFactory(),
    log,
    now: () => new Date(),
    store: table.store,
    alerting: { alerts: config.alerts, targets: config.targets },
    alerter: createSnsAlerter({ client: new SNSClient({}), topicArn: requiredEnv('MAILPROBE_TOPIC_ARN') }),
    links: {
      table: table.tableName,
      ...(process.env.AWS_REGION ? { region: process.env.AWS_REGION } : {}),
      ...(process.env.MAILPROBE_DASHBOARD_URL ? { dashboardUrl: process.env.MAILPROBE_DASHBOARD_URL } : {}),
    },
    ...(wake ? { wake } : {}),
  };
  built = { deps, table };
  return built;
}
