import { SNSClient } from '@aws-sdk/client-sns';
import { createSnsAlerter } from '../shared/alert/sns';
import { resolverFactory } from '../shared/dns/resolver';
import type { RunDeps } from '../shared/run/run-probe';
import { type OpenedStore, openRemoteStore } from '../shared/store/remote';
import { deployed, deployedSecrets, log, requiredEnv } from './container';

let built: { deps: RunDeps; table: OpenedStore } | undefined;

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
  };
  built = { deps, table };
  return built;
}
