import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parseConfig } from '../shared/config/load';
import type { MailprobeConfig, ProbeGroup } from '../shared/config/schema';
import { configWarnings } from '../shared/config/warnings';
import { PROBE_KINDS, type ProbeKind } from '../shared/model/result';
import { GROUP_CONCURRENCY } from '../shared/run/run-group';
import { Alerting } from './constructs/alerting';
import { CanaryInbound } from './constructs/canary-inbound';
import { Observability } from './constructs/observability';
import { functionTimeout, MailprobeFunction } from './constructs/probe-function';
import { ProbeSchedules } from './constructs/probe-schedules';
import { ResultsTable } from './constructs/results-table';
import { Secrets, secretRefs } from './constructs/secrets';
import { StaticEgress } from './constructs/static-egress';

export interface MailprobeStackProps extends StackProps {
  /** The config as written; it is validated here and bundled, parsed, with every function as JSON. */
  configInput: unknown;
  configSource: string;
}

/** The parts of the config a probe kind reads: where its secrets can be referenced. */
function configOfKind(config: MailprobeConfig, kind: ProbeKind): unknown {
  const targets = {
    smtp: config.targets.smtp,
    dns: config.targets.domains,
    dnsbl: [],
    canary: config.targets.mailboxes,
  }[kind];
  return { targets, probes: config.probes.filter((g) => g.kind === kind) };
}

/**
 * The deployed suite, from the same config file the CLI reads: results table, alerting (SNS, Slack, Chatbot),
 * the probe runners (one in a static-egress VPC when asked), the fan-out queue for large groups, one schedule
 * per probe group, alarms and a dashboard.
 */
export class MailprobeStack extends Stack {
  readonly config: MailprobeConfig;
  readonly results: ResultsTable;

  constructor(scope: Construct, id: string, props: MailprobeStackProps) {
    super(scope, id, props);
    const config = parseConfig(props.configInput, props.configSource);
    this.config = config;
    for (const w of configWarnings(config))
      Annotations.of(this).addWarningV2(`mailprobe:${w.path}`, `${w.path}: ${w.message}`);

    const configFile = join(mkdtempSync(join(tmpdir(), 'mailprobe-config-')), 'mailprobe.config.json');
    // The validated config, defaults filled and durations in ms: the functions read it as is, without the schema.
    writeFileSync(configFile, JSON.stringify(config));
    const logRetention = config.deploy.logRetentionDays as logs.RetentionDays;
    const results = new ResultsTable(this, 'Results');
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
    const groups = config.probes.filter((g) => g.enabled);
    const { batchSize, maxConcurrency } = config.deploy.fanOut;
    const runnerTimeout = (kinds: readonly ProbeKind[]) =>
      functionTimeout(
        batchSize,
        GROUP_CONCURRENCY,
        Math.max(1, ...groups.filter((g) => kinds.includes(g.kind)).map((g) => g.timeoutSeconds)),
      );
    const egressGroups = new Set(config.deploy.staticEgress?.groups ?? []);
    const egress = config.deploy.staticEgress
      ? new StaticEgress(this, 'StaticEgress', { maxAzs: config.deploy.staticEgress.maxAzs })
      : undefined;
    egress?.elasticIps.forEach((eip, i) => {
      new CfnOutput(this, `StaticEgressIp${i}`, {
        value: eip.attrPublicIp,
        description: 'Source IP of the static-egress probes',
      });
    });

    // One runner per probe kind (and per kind in the static-egress VPC when asked): each bundles only its own probe
    // and may read only the secrets of its kind's targets and groups.
    const runners = new Map<string, lambda.Function>();
    const runnerFor = (group: ProbeGroup): lambda.Function => {
      const inVpc = egress !== undefined && egressGroups.has(group.name);
      const key = `${group.kind}${inVpc ? ':egress' : ''}`;
      const existing = runners.get(key);
      if (existing) return existing;
      const name = `Run${group.kind[0]?.toUpperCase()}${group.kind.slice(1)}${inVpc ? 'StaticEgress' : ''}`;
      const fn = new MailprobeFunction(this, name, {
        handler: `run-${group.kind}`,
        description: `mailprobe: runs the ${group.kind} probes of one group for one schedule slot${inVpc ? ' (static egress)' : ''}`,
        configFile,
        logRetention,
        timeout: runnerTimeout([group.kind]),
        deadLetterQueue: functionDlq,
        ...(inVpc && {
          vpc: egress.vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          securityGroups: [egress.securityGroup],
        }),
      });
      results.bind(fn, 'RW');
      alerting.bind(fn);
      secrets.grantRead(fn, secretRefs(configOfKind(config, group.kind)));
      runners.set(key, fn);
      return fn;
    };

    // Fan-out: groups larger than one batch are split onto this queue and drained with capped concurrency.
    const workDlq = new sqs.Queue(this, 'WorkDlq', { enforceSSL: true, retentionPeriod: Duration.days(14) });
    const workQueue = new sqs.Queue(this, 'WorkQueue', {
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(runnerTimeout(PROBE_KINDS).toSeconds() * 6),
      deadLetterQueue: { queue: workDlq, maxReceiveCount: 3 },
    });
    const worker = new MailprobeFunction(this, 'RunBatch', {
      handler: 'run-batch',
      description: 'mailprobe: runs one fanned-out batch of a large probe group',
      configFile,
      logRetention,
      timeout: runnerTimeout(PROBE_KINDS),
      deadLetterQueue: functionDlq,
    });
    results.bind(worker, 'RW');
    alerting.bind(worker);
    secrets.grantRead(worker, secretRefs({ targets: config.targets, probes: config.probes }));
    worker.addEventSource(
      new SqsEventSource(workQueue, { batchSize: 1, maxConcurrency, reportBatchItemFailures: true }),
    );

    const schedules = new ProbeSchedules(this, 'Schedules', { config, runnerFor });
    for (const fn of runners.values()) {
      fn.addEnvironment('MAILPROBE_WORK_QUEUE_URL', workQueue.queueUrl);
      workQueue.grantSendMessages(fn);
    }

    // Canaries sent through SES: the runners may send as the configured From identity (domain or address) only.
    const sesFroms = groups.flatMap((g) =>
      g.kind === 'canary' && g.options.send.via === 'ses' ? [g.options] : [],
    );
    for (const options of sesFroms) {
      const identities = [options.from, options.from.split('@')[1] as string].map((name) =>
        this.formatArn({ service: 'ses', resource: 'identity', resourceName: name }),
      );
      const configurationSet = options.send.via === 'ses' ? options.send.configurationSet : undefined;
      if (configurationSet)
        identities.push(
          this.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet }),
        );
      for (const fn of [...runners.values()]
        .filter((f) => f.node.id.startsWith('RunCanary'))
        .concat(worker)) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: identities }));
      }
    }

    const inboundRecipients = config.targets.mailboxes
      .filter((m) => m.arrival.via === 'ledger')
      .map((m) => m.address);
    const inbound =
      inboundRecipients.length > 0
        ? new CanaryInbound(this, 'CanaryInbound', {
            recipients: inboundRecipients,
            configFile,
            logRetention,
            results,
            functionDlq,
            rawMessageDays: 7,
          })
        : undefined;

    new Observability(this, 'Observability', {
      config,
      topic: alerting.topic,
      functions: [...runners.values(), worker, ...alerting.functions, ...(inbound ? [inbound.function] : [])],
      deadLetterQueues: [schedules.deadLetterQueue, workDlq, functionDlq, ...alerting.deadLetterQueues],
    });

    new CfnOutput(this, 'ResultsTableName', {
      value: results.table.tableName,
      description: 'mailprobe history --remote --table <this>',
    });
    new CfnOutput(this, 'AlertTopicArn', { value: alerting.topic.topicArn });
  }
}
