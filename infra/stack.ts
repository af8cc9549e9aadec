import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack, type StackProps, TimeZone } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { parseConfig } from '../shared/config/load';
import type { MailprobeConfig } from '../shared/config/schema';
import type { SecretRef } from '../shared/config/secret';
import { TABLE } from '../shared/store/table';

export interface MailprobeStackProps extends StackProps {
  /** The config as written (it is parsed here and bundled with the function as JSON). */
  configInput: unknown;
  configSource: string;
}

/** Every Secrets Manager name the config refers to: the functions may read exactly these. */
export function referencedSecrets(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencedSecrets);
  if (value && typeof value === 'object') {
    if (typeof (value as SecretRef & { secret?: unknown }).secret === 'string')
      return [(value as { secret: string }).secret];
    return Object.values(value).flatMap(referencedSecrets);
  }
  return [];
}

/**
 * The deployed suite: results table, alert topic, the probe function and one EventBridge Scheduler schedule per
 * probe group, each passing its scheduled time so runs are idempotent.
 */
export class MailprobeStack extends Stack {
  readonly config: MailprobeConfig;

  constructor(scope: Construct, id: string, props: MailprobeStackProps) {
    super(scope, id, props);
    const config = parseConfig(props.configInput, props.configSource);
    this.config = config;

    const table = new dynamodb.TableV2(this, 'Results', {
      partitionKey: { name: TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [TABLE.byTarget, TABLE.byDay, TABLE.states].map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
      })),
    });

    const topic = new sns.Topic(this, 'Alerts', {
      displayName: `mailprobe ${config.name}`,
      enforceSSL: true,
    });
    for (const email of config.alerts.sns?.emails ?? [])
      topic.addSubscription(new subscriptions.EmailSubscription(email));

    const configDir = mkdtempSync(join(tmpdir(), 'mailprobe-config-'));
    writeFileSync(join(configDir, 'mailprobe.config.json'), JSON.stringify(props.configInput));
    const maxTimeout = Math.max(...config.probes.map((g) => g.timeoutSeconds));

    const probeFn = new NodejsFunction(this, 'RunProbe', {
      entry: join(__dirname, '../functions/run-probe.ts'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // TLS handshakes and certificate parsing are CPU-bound; Lambda CPU scales with memory.
      memorySize: 512,
      timeout: Duration.seconds(maxTimeout + 30),
      environment: {
        MAILPROBE_TABLE: table.tableName,
        MAILPROBE_TOPIC_ARN: topic.topicArn,
        POWERTOOLS_SERVICE_NAME: 'mailprobe',
      },
      logGroup: new logs.LogGroup(this, 'RunProbeLogs', { retention: logs.RetentionDays.ONE_MONTH }),
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.CJS,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_in: string, out: string) => [
            `cp ${join(configDir, 'mailprobe.config.json')} ${out}/mailprobe.config.json`,
          ],
        },
      },
    });
    table.grantReadWriteData(probeFn);
    topic.grantPublish(probeFn);
    for (const name of new Set(referencedSecrets(props.configInput))) {
      secretsmanager.Secret.fromSecretNameV2(
        this,
        `Secret-${name.replace(/[^A-Za-z0-9]/g, '-')}`,
        name,
      ).grantRead(probeFn);
    }

    const dlq = new sqs.Queue(this, 'ScheduleDlq', { enforceSSL: true, retentionPeriod: Duration.days(14) });
    for (const group of config.probes.filter((g) => g.enabled)) {
      new scheduler.Schedule(this, `Schedule-${group.name}`, {
        description: `mailprobe ${group.kind} probes of group ${group.name}`,
        schedule: scheduler.ScheduleExpression.expression(group.schedule, TimeZone.of(config.timezone)),
        target: new targets.LambdaInvoke(probeFn, {
          input: scheduler.ScheduleTargetInput.fromObject({
            group: group.name,
            scheduledTime: scheduler.ContextAttribute.scheduledTime,
          }),
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
          deadLetterQueue: dlq,
        }),
      });
    }
  }
}
