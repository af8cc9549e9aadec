import { Aws, CfnOutput, CustomResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as actions from 'aws-cdk-lib/aws-ses-actions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { sesInboundHost } from '../../shared/probes/canary/ses-inbound-mx';
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
  /** Activate the rule set at deploy (a custom resource), restoring the previous one on delete. */
  activateRuleSet: boolean;
}

/**
 * SES inbound for canary seed addresses: a receipt rule (spam/virus scanning on) stores the raw message in S3 and
 * invokes `canary-inbound`, which records the arrival and SES's verdicts in the results table. CloudFormation cannot
 * activate a rule set, so a custom resource (`ses-rule-set`) does, unless `deploy.sesInbound.activateRuleSet` is
 * false. The MX record the canary domains need is a stack output.
 */
export class CanaryInbound extends Construct {
  readonly function: MailprobeFunction;
  readonly ruleSet: ses.ReceiptRuleSet;
  readonly activator?: MailprobeFunction;

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

    new CfnOutput(this, 'RuleSetName', {
      value: this.ruleSet.receiptRuleSetName,
      description: 'SES receipt rule set for the canary seed addresses',
    }).overrideLogicalId('CanaryRuleSetName');
    const domains = [...new Set(props.recipients.map((r) => r.slice(r.lastIndexOf('@') + 1)))].sort();
    new CfnOutput(this, 'MxRecord', {
      value: Fn.join('', [
        `${domains.join(', ')}: MX 10 `,
        sesInboundHost(Aws.REGION),
        ' (check with: mailprobe inbound-mx --region ',
        Aws.REGION,
        ')',
      ]),
      description: 'The MX record the canary domains must publish for SES to receive their mail',
    }).overrideLogicalId('CanaryInboundMx');
    if (!props.activateRuleSet) return;

    this.activator = new MailprobeFunction(this, 'ActivateRuleSet', {
      handler: 'ses-rule-set',
      description:
        'mailprobe: activates the canary receipt rule set at deploy, restores the previous one on delete',
      configFile: props.configFile,
      logRetention: props.logRetention,
      timeout: Duration.seconds(60),
      deadLetterQueue: props.functionDlq,
    });
    // Neither call supports resource-level permissions.
    this.activator.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'],
        resources: ['*'],
      }),
    );
    new CustomResource(this, 'ActiveRuleSet', {
      serviceToken: this.activator.functionArn,
      resourceType: 'Custom::MailprobeActiveReceiptRuleSet',
      properties: { RuleSetName: this.ruleSet.receiptRuleSetName },
    });
  }
}
