import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { metricNamespaceOf } from '../names';

export interface MailprobeFunctionProps {
  /** File under `functions/`, without extension. */
  handler: `run-${string}` | 'flush-incidents' | 'slack-notifier' | 'canary-inbound' | 'ses-rule-set';
  description: string;
  /** The config JSON bundled next to the handler as `mailprobe.config.json`. */
  configFile: string;
  logRetention: logs.RetentionDays;
  timeout: Duration;
  environment?: Record<string, string>;
  vpc?: ec2.IVpc;
  vpcSubnets?: ec2.SubnetSelection;
  securityGroups?: ec2.ISecurityGroup[];
  /** Where failed asynchronous invocations land after Lambda's retries, instead of being dropped. */
  deadLetterQueue: sqs.IQueue;
}

/**
 * Every mailprobe function, with its defaults in one place: Node 22 on ARM64 (cheaper per GB-second), bundled by
 * the local esbuild (never Docker) minified with source maps, an explicit log group with retention, and
 * 512 MB: probe runs are dominated by TLS handshakes and X.509 parsing, which are CPU-bound, and Lambda gives
 * CPU in proportion to memory; at 128 MB a handshake with a 4096-bit chain takes several times longer.
 */
export class MailprobeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: MailprobeFunctionProps) {
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    super(scope, id, {
      entry: join(__dirname, '../../functions', `${props.handler}.ts`),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'mailprobe',
        // The deployment's namespace (infra/names.ts), set by the stack on its construct tree.
        POWERTOOLS_METRICS_NAMESPACE: metricNamespaceOf(scope),
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      deadLetterQueue: props.deadLetterQueue,
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.CJS,
        target: 'node22',
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_in: string, out: string) => [
            `cp "${props.configFile}" "${out}/mailprobe.config.json"`,
          ],
        },
      },
    });
  }
}

const MAX_LAMBDA_TIMEOUT_S = 900;

/** A function timeout above the probes' own budgets: batches of `concurrency` probes, each within `probeTimeoutS`. */
export function functionTimeout(probes: number, concurrency: number, probeTimeoutS: number): Duration {
  const rounds = Math.max(1, Math.ceil(probes / concurrency));
  return Duration.seconds(Math.min(MAX_LAMBDA_TIMEOUT_S, rounds * probeTimeoutS + 30));
}
