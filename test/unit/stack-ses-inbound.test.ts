import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import example from '../../examples/mailprobe.config';
import { applyNag } from '../../infra/nag';
import { MailprobeStack } from '../../infra/stack';
import type { MailprobeConfigInput } from '../../shared/suite/schema';

function synth(input: MailprobeConfigInput, withNag = false): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailprobeStack(app, 'Mailprobe', { configInput: input, configSource: 'test config' });
  if (withNag) applyNag(stack);
  app.synth();
  return Template.fromStack(stack);
}

describe('SES inbound after deploy', () => {
  const template = synth(example, true);

  it('activates the canary receipt rule set with a custom resource (and passes cdk-nag)', () => {
    const [ruleSet] = Object.keys(template.findResources('AWS::SES::ReceiptRuleSet'));
    template.hasResourceProperties('Custom::MailprobeActiveReceiptRuleSet', {
      ServiceToken: { 'Fn::GetAtt': [Match.stringLikeRegexp('ActivateRuleSet'), 'Arn'] },
      RuleSetName: { Ref: ruleSet },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ses:DescribeActiveReceiptRuleSet', 'ses:SetActiveReceiptRuleSet'],
            Resource: '*',
          }),
        ]),
      },
    });
  });

  it('outputs the MX record the canary domain must publish, for the stack’s region, and the rule set name', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.CanaryInboundMx?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'canary.example.com: MX 10 inbound-smtp.',
          { Ref: 'AWS::Region' },
          '.amazonaws.com (check with: mailprobe inbound-mx --region ',
          { Ref: 'AWS::Region' },
          ')',
        ],
      ],
    });
    expect(outputs.CanaryRuleSetName?.Value).toEqual({ Ref: expect.stringMatching(/RuleSet/) });
  });

  it('leaves activation to the operator when deploy.sesInbound.activateRuleSet is false', () => {
    const manual = synth({
      ...example,
      deploy: { ...example.deploy, sesInbound: { activateRuleSet: false } },
    });
    manual.resourceCountIs('Custom::MailprobeActiveReceiptRuleSet', 0);
    manual.resourceCountIs('AWS::SES::ReceiptRuleSet', 1);
  });
});
