import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import example from '../../examples/mailprobe.config';
import { deploymentNames } from '../../infra/names';
import { MailprobeStack } from '../../infra/stack';

/** Properties that name an account-wide resource (a metric name or an index name is not one). */
const PHYSICAL_NAMES =
  /^(DashboardName|TableName|TopicName|QueueName|FunctionName|RuleSetName|ScheduleGroupName|ConfigurationName|BucketName|LogGroupName|RoleName|AlarmName|Name)$/;

/** Physical names a template sets itself (everything else CloudFormation names after the stack). */
function explicitNames(template: Template): string[] {
  const names: string[] = [];
  for (const resource of Object.values(
    template.toJSON().Resources as Record<string, { Properties?: object }>,
  )) {
    for (const [key, value] of Object.entries(resource.Properties ?? {})) {
      if (PHYSICAL_NAMES.test(key) && typeof value === 'string') names.push(`${key}=${value}`);
    }
  }
  return names;
}

describe('deployment names from the config name', () => {
  it('derives stack name and metric namespace from the name, the default keeping "Mailprobe"', () => {
    expect(deploymentNames('mailprobe')).toEqual({ stackName: 'Mailprobe', metricNamespace: 'Mailprobe' });
    expect(deploymentNames('mailprobe-staging')).toEqual({
      stackName: 'Mailprobe-Staging',
      metricNamespace: 'Mailprobe-Staging',
    });
  });

  it('synthesizes a staging and a production config as two independent stacks in one app', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stacks = ['acme-staging', 'acme-prod'].map((name) => {
      const { stackName } = deploymentNames(name);
      return new MailprobeStack(app, stackName, {
        configInput: { ...example, name, deploy: { ...example.deploy, dashboard: true } },
        configSource: name,
      });
    });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(['Acme-Prod', 'Acme-Staging']);

    const [staging, prod] = stacks.map((s) => Template.fromStack(s)) as [Template, Template];
    for (const [template, namespace] of [
      [staging, 'Acme-Staging'],
      [prod, 'Acme-Prod'],
    ] as const) {
      const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
        Properties: { Environment: { Variables: Record<string, string> } };
      }[];
      expect(functions.length).toBeGreaterThan(0);
      for (const fn of functions)
        expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(namespace);
      const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as {
        Properties: { Namespace?: string };
      }[];
      const custom = alarms.filter(
        (a) => a.Properties.Namespace && !a.Properties.Namespace.startsWith('AWS/'),
      );
      expect(custom.length).toBeGreaterThan(0);
      for (const alarm of custom) expect(alarm.Properties.Namespace).toBe(namespace);
    }
    // No physical name is claimed by both stacks.
    const shared = explicitNames(staging).filter((n) => explicitNames(prod).includes(n));
    expect(shared).toEqual([]);
    expect(explicitNames(staging)).toContain('DashboardName=mailprobe-acme-staging');
  });
});
