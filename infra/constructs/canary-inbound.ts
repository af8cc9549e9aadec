import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MailprobeConfig } from '../../shared/suite/schema';
import { MailprobeFunction } from './probe-function';
import type { ResultsTable } from './results-table';

/** The seed addresses whose arrivals SES inbound records: mailboxes with `arrival.via: ledger`. */
export function inboundRecipients(config: MailprobeConfig): string[] {
  return config.targets.mailboxes.filter((m) => m.arrival.via === 'ledger').map((m) => m.address);
}

export interface CanaryInboundProps {
  /** Seed addresses whose canaries SES receives (mailboxes with `arrival.via: ledger`). */
  recipients: string[];
  configFile: string;
  logRetention: logs.RetentionDays;
  results: ResultsTable;
  functionDlq: sqs.IQueue;
  /** Days the raw messages are kept for inspection. */
  rawMessageDays: number;
}

/**
 * SES inbound for canary seed addresses: a receipt rule (spam/virus scanning on) stores the raw message in S3 and
 * invokes `canary-inbound`, which records the arrival and SES's verdicts in the results table. The rule set must be
 * made active once by hand (`aws ses set-active-receipt-rule-set`): CloudFormation cannot activate it.
 */
export class CanaryInbound extends Construct {
  readonly function: MailprobeFunction;
  readonly ruleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: CanaryInboundProps) {
    super(scope, id);
    const bucket = new s3.Bucket(this, 'RawMessages', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.rawMessageDays) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    this.function = new MailprobeFunction(this, 'Handler', {
      handler: 'canary-inbound',
      description: 'mailprobe: records canary arrivals received by SES',
      configFile: props.configFile,
      logRetention: props.logRetention,
      timeout: Duration.seconds(30),
      deadLetterQueue: props.functionDlq,
    });
    props.results.bind(this.function, 'ledger');
    this.ruleSet = new ses.ReceiptRuleSet(this, 'RuleSet', {
      rules: [
        {
          recipients: props.recipients,
          scanEnabled: true,
          actions: [
            new actions.S3({ bucket, objectKeyPrefix: 'canary/' }),
            new actions.Lambda({
              function: this.function,
              invocationType: actions.LambdaInvocationType.EVENT,
            }),
          ],
        },
      ],
    });
  }
}
