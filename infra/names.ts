import type { Construct } from 'constructs';

/**
 * Names of one deployment, all derived from the config's `name`, so that two configs (staging and production)
 * deploy side by side in one account and region without touching each other's stack, metrics or dashboard.
 * The default name `mailprobe` gives the stack and namespace `Mailprobe`. The few physical names the stack sets
 * itself (dashboard, Chatbot channel configuration) carry the name too; everything else is named by CloudFormation
 * after the stack.
 */
export interface DeploymentNames {
  /** CloudFormation stack name (and CDK stack id): `mailprobe-staging` -> `Mailprobe-Staging`. */
  stackName: string;
  /** CloudWatch namespace of the EMF metrics, the alarms and the dashboard. */
  metricNamespace: string;
}

const NAMESPACE_CONTEXT = 'mailprobe:metricNamespace';

/** Records the deployment's metric namespace on a stack, for every function and metric created under it. */
export function setMetricNamespace(scope: Construct, namespace: string): void {
  scope.node.setContext(NAMESPACE_CONTEXT, namespace);
}

/** The metric namespace recorded above `scope`; `Mailprobe` when none was (a construct used on its own). */
export function metricNamespaceOf(scope: Construct): string {
  return (scope.node.tryGetContext(NAMESPACE_CONTEXT) as string | undefined) ?? 'Mailprobe';
}

export function deploymentNames(configName: string): DeploymentNames {
  const pascal = configName
    .split('-')
    .filter((part) => part !== '')
    .map((part) => `${part[0]?.toUpperCase()}${part.slice(1)}`)
    .join('-');
  return {
    stackName: pascal,
    metricNamespace: pascal,
  };
}
