import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import example from '../../examples/mailprobe.config';
import { applyNag } from '../../infra/nag';
import { MailprobeStack } from '../../infra/stack';
import type { MailprobeConfigInput } from '../../shared/suite/schema';

/** Synthesizes without bundling (unit speed); the integ tier bundles for real. */
function synth(input: MailprobeConfigInput, withNag = false): { template: Template; stack: MailprobeStack } {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailprobeStack(app, 'Mailprobe', { configInput: input, configSource: 'test config' });
  if (withNag) applyNag(stack);
  app.synth();
  return { template: Template.fromStack(stack), stack };
}

const { template } = synth(example);

function statements(t: Template): { Action: string | string[]; Resource: unknown; Condition?: unknown }[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (p) =>
      (
        p as {
          Properties: { PolicyDocument: { Statement: { Action: string | string[]; Resource: unknown }[] } };
        }
      ).Properties.PolicyDocument.Statement,
  );
}

describe('MailprobeStack from the example config', () => {
  it('creates one retained, protected on-demand table with TTL, PITR and the one keys-only states index', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        GlobalSecondaryIndexes: [
          Match.objectLike({
            IndexName: 'states',
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['expiresAt'] },
          }),
        ],
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ],
      }),
    });
  });

  it('has no dashboard by default, and no point-in-time recovery when the config turns it off', () => {
    const { template: lean } = synth({ ...example, deploy: { pointInTimeRecovery: false } });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    lean.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false } }),
      ],
    });
    lean.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    // The alarms (dead-man's switch included) stay.
    lean.resourceCountIs(
      'AWS::CloudWatch::Alarm',
      Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length,
    );
  });

  it('creates one schedule per probe group with its scheduled time as input, no flexible window, retries and a DLQ', () => {
    template.resourceCountIs('AWS::Scheduler::Schedule', 4);
    for (const [name, expression] of [
      ['smtp-5m', 'rate(5 minutes)'],
      ['dns-hourly', 'rate(1 hour)'],
      ['dnsbl-15m', 'cron(0/15 * * * ? *)'],
      ['canary-5m', 'rate(5 minutes)'],
    ]) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: Match.objectLike({
          Input: JSON.stringify({ group: name, scheduledTime: '<aws.scheduler.scheduled-time>' }),
          RetryPolicy: { MaximumEventAgeInSeconds: 600, MaximumRetryAttempts: 2 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      });
    }
  });

  it('runs Node 22 on ARM64 with 512 MB, JSON logs in a log group with retention, and a dead-letter queue', () => {
    const fns = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(fns).sort()).toEqual([
      expect.stringMatching(/^AlertingSlackNotifier/),
      expect.stringMatching(/^CanaryInboundActivateRuleSet/),
      expect.stringMatching(/^CanaryInboundHandler/),
      expect.stringMatching(/^IncidentFlushFunction/),
      expect.stringMatching(/^RunCanary/),
      expect.stringMatching(/^RunDns[0-9A-F]/),
      expect.stringMatching(/^RunDnsbl/),
      expect.stringMatching(/^RunSmtp/),
    ]); // one runner per probe kind, the incident flush, the Slack notifier, canary inbound and its rule set activation
    for (const fn of Object.values(fns) as { Properties: Record<string, unknown> }[]) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 512,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.stringMatching(/Logs/) } },
        DeadLetterConfig: { TargetArn: expect.anything() },
      });
    }
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, 8);
  });

  it('sets each runner’s timeout above its own probes’ budget', () => {
    const timeoutOf = (prefix: RegExp) =>
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) => prefix.test(id))?.[1]
        .Properties.Timeout;
    // Rounds of the longest probe budget (25 probes per batch, 16 at a time) + 30 s.
    expect(timeoutOf(/^RunSmtp/)).toBe(150); // 60 s probes
    expect(timeoutOf(/^RunCanary/)).toBe(270); // 120 s probes
  });

  it('grants no wildcard actions and no data access beyond the table, topic, queue and named secrets', () => {
    for (const s of statements(template)) {
      for (const action of [s.Action].flat()) {
        expect(action).not.toBe('*');
        expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
    const secretGrants = statements(template).filter((s) =>
      [s.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    const resources = JSON.stringify(secretGrants.map((s) => s.Resource));
    expect(resources).toContain('secret:mailprobe/smtp-submission-??????');
    expect(resources).toContain('secret:mailprobe/slack-webhook-??????');
  });

  it('gives each secret only to the functions that use it: webhook to the notifier, SMTP and IMAP to their kind’s runner', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies) as {
      Properties: { PolicyDocument: unknown; Roles: { Ref: string }[] };
    }[]) {
      const doc = JSON.stringify(policy.Properties.PolicyDocument);
      const role = policy.Properties.Roles[0]?.Ref ?? '';
      if (doc.includes('slack-webhook')) expect(role).toMatch(/SlackNotifier/);
      if (doc.includes('smtp-submission')) expect(role).toMatch(/^RunSmtp/);
      if (doc.includes('gmail-seed')) expect(role).toMatch(/^RunCanary/);
    }
  });

  it('publishes alerts on a TLS-only topic with the configured e-mail and a filtered Slack notifier subscription', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      FilterPolicy: { alertType: [{ exists: true }] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('fans a group larger than one batch out through its runner’s own SQS work queue, capped and with a redrive policy', () => {
    // The example's groups all fit in one batch: no work queue at all.
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    const { template: t } = synth({
      ...example,
      targets: { ...example.targets, sendingIps: ['192.0.2.0/27'] },
    });
    const mappings = Object.values(t.findResources('AWS::Lambda::EventSourceMapping')) as {
      Properties: { FunctionName: { Ref: string } };
    }[];
    expect(mappings.map((m) => m.Properties.FunctionName.Ref)).toEqual([expect.stringMatching(/^RunDnsbl/)]);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    t.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('runs the dnsbl probes of one group'),
      Environment: {
        Variables: Match.objectLike({
          MAILPROBE_WORK_QUEUE_URL: Match.anyValue(),
          MAILPROBE_TABLE: Match.anyValue(),
          MAILPROBE_TOPIC_ARN: Match.anyValue(),
        }),
      },
    });
  });

  it('alarms on every dead-letter queue and two silent intervals per group, to the alert topic, never on retried errors', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
      Properties: Record<string, unknown>;
    }[];
    const errors = alarms.filter((a) => a.Properties.MetricName === 'Errors');
    const dlqs = alarms.filter((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    const deadMan = alarms.filter((a) => a.Properties.MetricName === 'ProbeRuns');
    // A failed invocation is retried; what is lost for good waits in a dead-letter queue.
    expect(errors).toHaveLength(0);
    expect(dlqs).toHaveLength(3); // schedules, functions, SNS subscriptions (no group needs a work queue)
    expect(
      deadMan.map((a) => [
        (a.Properties.Dimensions as { Name: string; Value: string }[]).find((d) => d.Name === 'group')?.Value,
        a.Properties.Period,
      ]),
    ).toEqual([
      ['smtp-5m', 300],
      ['dns-hourly', 3600],
      ['dnsbl-15m', 900],
      ['canary-5m', 300],
    ]);
    for (const a of deadMan) {
      expect(a.Properties).toMatchObject({
        EvaluationPeriods: 2,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
    for (const a of alarms)
      expect(a.Properties.AlarmActions).toEqual([
        expect.objectContaining({ Ref: expect.stringMatching(/AlertingTopic/) }),
      ]);
  });

  it('creates the dashboard when deploy.dashboard asks for it, with a graph per kind', () => {
    const { template: withDashboard } = synth({ ...example, deploy: { dashboard: true } });
    withDashboard.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(withDashboard.findResources('AWS::CloudWatch::Dashboard'));
    for (const title of [
      'Pass rate by group',
      'Probe duration p90',
      'SMTP phase timings p90',
      'Canary delivery latency',
      'Blocklist listings',
    ]) {
      expect(body).toContain(title);
    }
  });

  it('lets the runners send canaries through SES as the configured From identity only, to the seed mailboxes only', () => {
    const ses = statements(template).filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    expect(ses.length).toBeGreaterThan(0);
    for (const s of ses) {
      expect(s.Action).toBe('ses:SendEmail');
      expect(JSON.stringify(s.Resource)).toMatch(/identity\/monitor@example\.com.*identity\/example\.com/);
      expect(s.Condition).toEqual({
        StringEquals: { 'ses:FromAddress': 'monitor@example.com' },
        'ForAllValues:StringEquals': {
          'ses:Recipients': example.targets?.mailboxes?.map((m) => m.address),
        },
      });
    }
  });

  it('gives the functions that parse untrusted input only the table actions their code performs', () => {
    const tableStatements = statements(template).filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(tableStatements.length).toBeGreaterThan(0);
    const allowed = [
      'dynamodb:BatchGetItem',
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ];
    for (const s of tableStatements) {
      for (const action of [s.Action].flat()) expect(allowed).toContain(action);
      // The table and at most the states index: no other index, no stream.
      expect(JSON.stringify(s.Resource)).not.toMatch(/stream|index\/\*|byTarget|byDay/);
    }
    // The SES inbound function only reads and writes ledger entries.
    const inbound = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p).includes('CanaryInbound'),
    ) as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } } | undefined;
    const inboundTable = inbound?.Properties.PolicyDocument.Statement.filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('dynamodb:')),
    );
    expect(inboundTable?.map((s) => [s.Action].flat().sort())).toEqual([
      ['dynamodb:GetItem', 'dynamodb:PutItem'],
    ]);
    const roles = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p).includes('dynamodb:'))
      .map((p) => (p as { Properties: { Roles: { Ref: string }[] } }).Properties.Roles[0]?.Ref ?? '');
    expect(roles).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^RunSmtp/),
        expect.stringMatching(/^RunCanary/),
        expect.stringMatching(/^CanaryInbound/),
      ]),
    );
  });

  it('lets runners arrange flush wake-ups: flush-* schedules in one group, the flush role passed only to Scheduler', () => {
    const groups = template.findResources('AWS::Scheduler::ScheduleGroup');
    expect(Object.values(groups)).toHaveLength(1);
    const groupName = (Object.values(groups)[0] as { Properties: { Name: string } }).Properties.Name;
    const [roleId] = Object.keys(
      template.findResources('AWS::IAM::Role', {
        Properties: { Description: 'EventBridge Scheduler invokes the mailprobe incident flush function' },
      }),
    );
    const [flushId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
      id.startsWith('IncidentFlushFunction'),
    );
    const wakeStatements = [
      {
        Action: 'scheduler:CreateSchedule',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':scheduler:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              `:schedule/${groupName}/flush-*`,
            ],
          ],
        },
      },
      {
        Action: 'iam:PassRole',
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        Effect: 'Allow',
        Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
      },
    ];
    const policies = template.findResources('AWS::IAM::Policy');
    const statementsOf = (role: RegExp) =>
      Object.values(policies)
        .filter((p) => role.test(JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles)))
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: object[] } } }).Properties.PolicyDocument
              .Statement,
        );
    for (const fn of ['RunSmtp', 'RunDns', 'RunDnsbl', 'RunCanary', 'IncidentFlushFunction']) {
      const runner = new RegExp(`"${fn}ServiceRole`);
      expect(statementsOf(runner)).toEqual(expect.arrayContaining(wakeStatements));
    }
    // Nothing else may create schedules or pass roles.
    const creators = Object.values(policies).filter((p) =>
      JSON.stringify(p).includes('scheduler:CreateSchedule'),
    );
    expect(creators).toHaveLength(5);
    expect(JSON.stringify(policies).match(/iam:PassRole/g)).toHaveLength(5);
    // Only Scheduler of this account assumes the role, and it may only invoke the flush function.
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: 'EventBridge Scheduler invokes the mailprobe incident flush function',
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
          },
        ],
        Version: '2012-10-17',
      },
    });
    expect(statementsOf(new RegExp(`"${roleId}"`))).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [flushId, 'Arn'] } },
    ]);
    // The flush function reads and claims incidents (found through the keys-only states index) and publishes; it deletes and updates nothing.
    const flushTable = statementsOf(/"IncidentFlushFunctionServiceRole/).filter((s) =>
      JSON.stringify(s).includes('dynamodb:'),
    );
    expect(flushTable.map((s) => (s as { Action: string[] }).Action)).toEqual([
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
    ]);
    const fns = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment: { Variables: Record<string, unknown> } } }
    >;
    const env = (id: RegExp) =>
      Object.entries(fns).find(([k]) => id.test(k))?.[1].Properties.Environment.Variables;
    expect(env(/^RunSmtp/)).toMatchObject({
      MAILPROBE_FLUSH_SCHEDULE_GROUP: groupName,
      MAILPROBE_FLUSH_ROLE_ARN: { 'Fn::GetAtt': [roleId, 'Arn'] },
      MAILPROBE_FLUSH_FUNCTION_ARN: { 'Fn::GetAtt': [flushId, 'Arn'] },
    });
    // The flush function takes its own ARN from its invocation (its own ARN in its environment would be a cycle).
    expect(env(/^IncidentFlushFunction/)).toMatchObject({
      MAILPROBE_FLUSH_SCHEDULE_GROUP: groupName,
      MAILPROBE_FLUSH_ROLE_ARN: { 'Fn::GetAtt': [roleId, 'Arn'] },
    });
    expect(env(/^IncidentFlushFunction/)?.MAILPROBE_FLUSH_FUNCTION_ARN).toBeUndefined();
  });

  it('lets a canary group that names its targets send only to those seed mailboxes', () => {
    const input = structuredClone(example);
    const canary = input.probes.find((g) => g.kind === 'canary') as { targets?: string[] };
    canary.targets = ['ses-inbound'];
    const ses = statements(synth(input).template).filter((s) => [s.Action].flat().includes('ses:SendEmail'));
    for (const s of ses)
      expect((s as { Condition?: unknown }).Condition).toMatchObject({
        'ForAllValues:StringEquals': { 'ses:Recipients': ['canary@canary.example.com'] },
      });
  });

  it('receives ledger seed mailboxes with SES: scanned, raw message to S3 with expiry, arrival recorded by a function', () => {
    template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: ['canary@canary.example.com'],
        ScanEnabled: true,
        Actions: [
          Match.objectLike({ S3Action: Match.objectLike({ ObjectKeyPrefix: 'canary/' }) }),
          Match.objectLike({ LambdaAction: Match.objectLike({ InvocationType: 'Event' }) }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })] },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'ses.amazonaws.com',
      Action: 'lambda:InvokeFunction',
    });
  });

  it('has no VPC without the static-egress option', () => {
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('passes the AwsSolutions and Serverless cdk-nag packs, every accepted finding acknowledged with a reason', () => {
    expect(() => synth(example, true)).not.toThrow();
  });
});

describe('MailprobeStack options', () => {
  it('runs the static-egress groups from a VPC behind a NAT gateway with a fixed Elastic IP', () => {
    const { template: t } = synth({ ...example, deploy: { staticEgress: { groups: ['smtp-5m'] } } });
    t.resourceCountIs('AWS::EC2::VPC', 1);
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::EC2::EIP', 1);
    t.hasOutput('StaticEgressIp0', {});
    const egress = Object.entries(t.findResources('AWS::Lambda::Function')).find(([id]) =>
      id.startsWith('RunSmtpStaticEgress'),
    );
    expect(egress?.[1]).toMatchObject({ Properties: { VpcConfig: { SubnetIds: expect.any(Array) } } });
    const schedules = Object.values(t.findResources('AWS::Scheduler::Schedule')) as {
      Properties: { Target: { Arn: { 'Fn::GetAtt': string[] }; Input: string } };
    }[];
    const targetOf = (group: string) =>
      schedules.find((s) => JSON.parse(s.Properties.Target.Input).group === group)?.Properties.Target.Arn[
        'Fn::GetAtt'
      ][0];
    expect(targetOf('smtp-5m')).toMatch(/^RunSmtpStaticEgress/);
    expect(targetOf('dns-hourly')).toMatch(/^RunDns[0-9A-F]/);
  });

  it('warns at synth about port 25 outside the static egress only, with an acknowledgement id CDK prints whole', () => {
    const mx = (name: string) => ({ name, host: `${name}.example.com`, port: 25 });
    const { stack } = synth({
      targets: { smtp: [mx('mx1'), mx('mx2')] },
      probes: [
        { name: 'egress', kind: 'smtp', schedule: 'rate(5 minutes)', targets: ['mx1'] },
        { name: 'direct', kind: 'smtp', schedule: 'rate(5 minutes)', targets: ['mx2'] },
      ],
      deploy: { staticEgress: { groups: ['egress'] } },
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings.map((w) => w.entry.data)).toEqual([
      expect.stringMatching(
        /^targets\.smtp\[1\]\.port: .*group "direct" runs outside .* \[ack: mailprobe:targets\.smtp\.1\.port\]$/,
      ),
    ]);
  });

  it('keeps one schedule per group for 10,000 targets (fan-out happens at run time)', () => {
    const ips = Array.from(
      { length: 10_000 },
      (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    );
    const { template: t } = synth({
      ...example,
      targets: { ...example.targets, sendingIps: ips },
      deploy: { fanOut: { batchSize: 200, maxConcurrency: 10 } },
    });
    t.resourceCountIs('AWS::Scheduler::Schedule', 4);
    t.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
  });

  it('adds an AWS Chatbot Slack channel when workspace and channel ids are configured', () => {
    const { template: t } = synth({
      ...example,
      deploy: { chatbot: { slackWorkspaceId: 'T0123ABCD', slackChannelId: 'C0123ABCD' } },
    });
    t.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      SlackWorkspaceId: 'T0123ABCD',
      SlackChannelId: 'C0123ABCD',
      SnsTopicArns: [Match.anyValue()],
    });
  });

  it('fails synth with every bad field of the config and its path', () => {
    expect(() =>
      synth({ ...example, retentionDays: 0, deploy: { staticEgress: { groups: ['nope'] } } }),
    ).toThrow(/retentionDays[\s\S]*deploy\.staticEgress\.groups\[0\]: unknown probe group "nope"/);
  });
});
