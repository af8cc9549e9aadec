import { SNSClient } from '@aws-sdk/client-sns';
import { createSnsAlerter } from '../shared/alert/sns';
import { DynamoCanaryLedger } from '../shared/probes/canary/dynamo-ledger';
import type { RunDeps } from '../shared/run/run-probe';
import { openRemoteStore } from '../shared/store/remote';
import { deployedConfig, deployedSecrets, log, requiredEnv } from './container';

let deps: RunDeps | undefined;

/**
 * Everything a probe run needs in AWS, built once per container. Alerts go to the SNS topic only: e-mail
 * subscribers read it, and the Slack notifier function is subscribed to it.
 */
export function runDeps(): RunDeps {
  if (deps) return deps;
  const cfg = deployedConfig();
  const remote = openRemoteStore({
    tableName: requiredEnv('MAILPROBE_TABLE'),
    retentionDays: cfg.retentionDays,
  });
  const built: RunDeps = {
    config: cfg,
    secrets: deployedSecrets(),
    log,
    now: () => new Date(),
    store: remote.store,
    canary: new DynamoCanaryLedger({ client: remote.client, tableName: remote.tableName }),
    alerter: createSnsAlerter({ client: new SNSClient({}), topicArn: requiredEnv('MAILPROBE_TOPIC_ARN') }),
  };
  deps = built;
  return built;
}
