import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deployedSuite } from '../shared/suite/deployed';
import { parseConfig } from '../shared/suite/load';
import type { MailprobeConfig } from '../shared/suite/schema';
import { configWarnings } from '../shared/suite/warnings';
import { Alerting } from './constructs/alerting';
import { CanaryInbound, inboundRecipients } from './constructs/canary-inbound';
import { IncidentFlush } from './constructs/incident-flush';
import { dashboardUrl, Observability } from './constructs/observability';
import { ProbeRunners } from './constructs/probe-runners';
import { ProbeSchedules } from './constructs/probe-schedules';
import { ResultsTable } from './constructs/results-table';
import { Secrets } from './constructs/secrets';
import { StaticEgress } from './constructs/static-egress';
import { deploymentNames, setMetricNamespace } from './names';

export interface MailprobeStackProps extends StackProps {
  /** The config as written; it is validated here and bundled, parsed, with every function as JSON. */
  configInput: unknown;
  configSource: string;
}

/**
 * The deployed suite, from the same config file the CLI reads: results table, alerting (SNS, Slack, Chatbot), the
 * probe runners (one per kind, and per kind in a static-egress VPC when asked), one schedule per probe group, SES
 * inbound for canaries, alarms and a dashboard.
 */
export class MailprobeStack extends Stack {
  readonly config: MailprobeConfig;
  readonly results: ResultsTable;

  constructor(scope: Construct, id: string, props: MailprobeStackProps) {
    super(scope, id, props);
    const config = parseConfig(props.configInput, props.configSource);
    this.config = config;
    setMetricNamespace(this, deploymentNames(config.name).metricNamespace);
    // The id goes inside CDK's `[ack: <id>]` tag, which ends at the first `]`: `targets.smtp[0].port` becomes
    // `mailprobe:targets.smtp.0.port`, so the warning prints whole and its acknowledgement id is usable.
    for (const w of configWarnings(config))
      Annotations.of(this).addWarningV2(warningAckId(w.path), `${w.path}: ${w.message}`);

    // The validated config (defaults filled, durations in ms) and every group's expanded targets: the functions
    // read it as is, without the schema or the manifests.
    const suite = deployedSuite(config);
    const configFile = join(mkdtempSync(join(tmpdir(), 'mailprobe-config-')), 'mailprobe.config.json');
    writeFileSync(configFile, JSON.stringify(suite));
    const logRetention = config.deploy.logRetentionDays as logs.RetentionDays;
    const results = new ResultsTable(this, 'Results', {
      pointInTimeRecovery: config.deploy.pointInTimeRecovery,
    });
    this.results = results;
    const secrets = new Secrets(this, 'Secrets');
    // Asynchronous invocations (schedules, SNS) that still fail after Lambda's retries wait here.
    const functionDlq = new sqs.Queue(this, 'FunctionDlq', {
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const alerting = new Alerting(this, 'Alerting', {
      config,
      configFile,
      logRetention,
      secrets,
      functionDlq,
    });
    const egress = config.deploy.staticEgress
      ? new StaticEgress(this, 'StaticEgress', { maxAzs: config.deploy.staticEgress.maxAzs })
      : undefined;
    egress?.elasticIps.forEach((eip, i) => {
      new CfnOutput(this, `StaticEgressIp${i}`, {
        value: eip.attrPublicIp,
        description: 'Source IP of the static-egress probes',
      });
    });

    const runners = new ProbeRunners(this, 'Run', {
      suite,
      configFile,
      logRetention,
      results,
      alerting,
      secrets,
      functionDlq,
      ...(egress ? { egress } : {}),
    });
    runners.grantCanarySending();
    // Incident messages go out when their group wait or interval ends, not at the next run.
    const flush = new IncidentFlush(this, 'IncidentFlush', {
      configFile,
      logRetention,
      results,
      alerting,
      functionDlq,
    });
    for (const fn of runners.functions) flush.grantWake(fn);
    const schedules = new ProbeSchedules(this, 'Schedules', {
      config,
      runnerFor: (g) => runners.runnerFor(g),
    });

    const recipients = inboundRecipients(config);
    const inbound =
      recipients.length > 0
        ? new CanaryInbound(this, 'CanaryInbound', {
            recipients,
            configFile,
            logRetention,
            results,
            functionDlq,
            rawMessageDays: 7,
            activateRuleSet: config.deploy.sesInbound.activateRuleSet,
          })
        : undefined;

    new Observability(this, 'Observability', {
      config,
      topic: alerting.topic,
      functions: [
        ...runners.functions,
        flush.function,
        ...alerting.functions,
        ...(inbound ? [inbound.function] : []),
      ],
      deadLetterQueues: [
        schedules.deadLetterQueue,
        ...runners.deadLetterQueues,
        functionDlq,
        ...alerting.deadLetterQueues,
      ],
    });

    new CfnOutput(this, 'ResultsTableName', {
      value: results.table.tableName,
      description: 'mailprobe history --remote --table <this>',
    });
    new CfnOutput(this, 'AlertTopicArn', { value: alerting.topic.topicArn });
    // Alerts link to the dashboard, when there is one (`deploy.dashboard`).
    if (config.deploy.dashboard) {
      const dashboard = dashboardUrl(this, config);
      for (const fn of runners.functions) fn.addEnvironment('MAILPROBE_DASHBOARD_URL', dashboard);
      new CfnOutput(this, 'DashboardUrl', { value: dashboard });
    }
  }
}

/** The CDK acknowledgement id of a config warning: its path with list indexes as dotted segments. */
function warningAckId(path: string): string {
  return `mailprobe:${path.replace(/\[(\d+)\]/g, '.$1').replace(/[[\]]/g, '')}`;
}
