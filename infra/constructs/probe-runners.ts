import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { secretRefsIn } from '../../shared/config/secret-ref';
import { GROUP_CONCURRENCY } from '../../shared/run/run-group';
import type { DeployedSuite } from '../../shared/suite/deployed';
import { manifestOf } from '../../shared/suite/manifests';
import type { ProbeGroup } from '../../shared/suite/schema';
import type { Alerting } from './alerting';
import { functionTimeout, MailprobeFunction } from './probe-function';
import type { ResultsTable } from './results-table';
import type { Secrets } from './secrets';
import type { StaticEgress } from './static-egress';

export interface ProbeRunnersProps {
  suite: DeployedSuite;
  configFile: string;
  logRetention: logs.RetentionDays;
  results: ResultsTable;
  alerting: Alerting;
  secrets: Secrets;
  functionDlq: sqs.IQueue;
  /** Groups named in `deploy.staticEgress` run from a second runner of their kind inside this VPC. */
  egress?: StaticEgress;
}

interface Runner {
  kind: string;
  fn: MailprobeFunction;
  groups: ProbeGroup[];
}

const title = (kind: string) => `${kind[0]?.toUpperCase()}${kind.slice(1)}`;

/**
 * One runner function per probe kind the config uses (`functions/run-<kind>.ts`, bundling only its own probe), and
 * one more per kind for the static-egress groups. Each may read only the secrets its kind may read (those
 * referenced in the `targets` fields its manifest reads and in its groups). A runner with a group larger than one
 * batch also gets a work queue it drains itself, with capped concurrency and a redrive dead-letter queue.
 */
export class ProbeRunners extends Construct {
  private readonly runners = new Map<string, Runner>();
  private readonly suite: DeployedSuite;
  readonly deadLetterQueues: sqs.Queue[] = [];

  constructor(scope: Construct, id: string, props: ProbeRunnersProps) {
    super(scope, id);
    this.suite = props.suite;
    const { config, targets } = props.suite;
    const egressGroups = new Set(config.deploy.staticEgress?.groups ?? []);
    const groupsByRunner = new Map<string, ProbeGroup[]>();
    for (const group of config.probes.filter((g) => g.enabled)) {
      const inVpc = props.egress !== undefined && egressGroups.has(group.name);
      const key = `${title(group.kind)}${inVpc ? 'StaticEgress' : ''}`;
      groupsByRunner.set(key, [...(groupsByRunner.get(key) ?? []), group]);
    }
    const { batchSize, maxConcurrency } = config.deploy.fanOut;
    for (const [key, groups] of groupsByRunner) {
      const kind = (groups[0] as ProbeGroup).kind;
      // Rounds of the longest probe budget: one invocation runs at most one batch (larger groups fan out).
      const timeout = functionTimeout(
        batchSize,
        GROUP_CONCURRENCY,
        Math.max(...groups.map((g) => g.timeoutSeconds)),
      );
      const fn = this.runner(key, kind, key.endsWith('StaticEgress'), timeout, props);
      this.runners.set(key, { kind, fn, groups });
      props.results.bind(fn, 'runner');
      props.alerting.bind(fn);
      const targetFields = config.targets as Record<string, unknown>;
      const reads = manifestOf(kind).reads.map((field) => targetFields[field]);
      props.secrets.grantRead(fn, secretRefsIn([reads, groups]));
      if (groups.some((g) => (targets[g.name]?.length ?? 0) > batchSize)) {
        const dlq = new sqs.Queue(this, `${key}WorkDlq`, {
          enforceSSL: true,
          retentionPeriod: Duration.days(14),
        });
        const queue = new sqs.Queue(this, `${key}WorkQueue`, {
          enforceSSL: true,
          visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
          deadLetterQueue: { queue: dlq, maxReceiveCount: 3 },
        });
        fn.addEnvironment('MAILPROBE_WORK_QUEUE_URL', queue.queueUrl);
        queue.grantSendMessages(fn);
        fn.addEventSource(
          new SqsEventSource(queue, { batchSize: 1, maxConcurrency, reportBatchItemFailures: true }),
        );
        this.deadLetterQueues.push(dlq);
      }
    }
  }

  private runner(
    key: string,
    kind: string,
    inVpc: boolean,
    timeout: Duration,
    props: ProbeRunnersProps,
  ): MailprobeFunction {
    return new MailprobeFunction(this, key, {
      handler: `run-${kind}`,
      description: `mailprobe: runs the ${kind} probes of one group for one schedule slot${inVpc ? ' (static egress)' : ''}`,
      configFile: props.configFile,
      logRetention: props.logRetention,
      timeout,
      deadLetterQueue: props.functionDlq,
      ...(inVpc &&
        props.egress && {
          vpc: props.egress.vpc,
          vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
          securityGroups: [props.egress.securityGroup],
        }),
    });
  }

  /** The function a group's schedule invokes. */
  runnerFor(group: ProbeGroup): MailprobeFunction {
    const runner = [...this.runners.values()].find((r) => r.groups.includes(group));
    if (!runner) throw new Error(`no runner for probe group "${group.name}"`);
    return runner.fn;
  }

  get functions(): MailprobeFunction[] {
    return [...this.runners.values()].map((r) => r.fn);
  }

  /**
   * Canaries sent through SES: each canary runner may send as its groups' From identity (the address and its
   * domain) and configuration set only.
   */
  grantCanarySending(): void {
    const stack = Stack.of(this);
    for (const { fn, groups } of this.runners.values()) {
      for (const group of groups) {
        if (group.kind !== 'canary' || group.options.send.via !== 'ses') continue;
        const { from, send } = group.options;
        const arn = (resource: string, name: string) =>
          stack.formatArn({ service: 'ses', resource, resourceName: name });
        const resources = [arn('identity', from), arn('identity', from.split('@')[1] as string)];
        if (send.configurationSet) resources.push(arn('configuration-set', send.configurationSet));
        // From that address only, and only to the group's seed mailboxes.
        const recipients = (this.suite.targets[group.name] ?? []).map(
          (t) => (t.target as { address: string }).address,
        );
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            resources,
            conditions: {
              StringEquals: { 'ses:FromAddress': from },
              'ForAllValues:StringEquals': { 'ses:Recipients': recipients },
            },
          }),
        );
      }
    }
  }
}
