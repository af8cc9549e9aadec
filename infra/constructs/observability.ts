import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nextFireTime, parseSchedule, type Schedule } from '../../shared/config/schedule';
import { MANIFESTS } from '../../shared/suite/manifests';
import type { MailprobeConfig, ProbeGroup } from '../../shared/suite/schema';
import { metricNamespaceOf } from '../names';

/** The console URL of the stack's dashboard: alerts link to it (MAILPROBE_DASHBOARD_URL, stack output DashboardUrl). */
export function dashboardUrl(scope: Construct, config: MailprobeConfig): string {
  const { region } = Stack.of(scope);
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/mailprobe-${config.name}`;
}

export interface ObservabilityProps {
  config: MailprobeConfig;
  topic: sns.ITopic;
  functions: lambda.IFunction[];
  deadLetterQueues: sqs.IQueue[];
}

const DAY_S = 86_400;

/** Seconds between two slots of a group's schedule (for cron, the gap after the next slot). */
function scheduleIntervalSeconds(group: ProbeGroup, timezone: string): number {
  const schedule = parseSchedule(group.schedule) as Schedule;
  if (schedule.kind === 'rate') return schedule.everyMs / 1000;
  // A cron limited to years without slots after this date: a day, the alarm's floor.
  const first = nextFireTime(schedule, new Date(Date.UTC(2026, 0, 5)), timezone);
  const second = first && nextFireTime(schedule, first, timezone);
  return first && second ? (second.getTime() - first.getTime()) / 1000 : DAY_S;
}

function groupMetric(
  namespace: string,
  group: ProbeGroup,
  metricName: string,
  statistic: string,
  periodS: number,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { service: 'mailprobe', group: group.name, kind: group.kind },
    statistic,
    period: Duration.seconds(periodS),
  });
}

/**
 * Alarms on the alert topic (function errors, undelivered messages in any dead-letter queue, and a dead-man's
 * switch per probe group: no result for two intervals) and one dashboard for the suite.
 */
export class Observability extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const metricNamespace = metricNamespaceOf(this);
    const metric = (group: ProbeGroup, metricName: string, statistic: string, periodS: number) =>
      groupMetric(metricNamespace, group, metricName, statistic, periodS);
    const notify = new actions.SnsAction(props.topic);
    const alarm = (name: string, a: cloudwatch.AlarmProps) => {
      const created = new cloudwatch.Alarm(this, name, a);
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    // No alarm on a function's Errors metric: an invocation that fails is retried (asynchronous invocations twice,
    // queue batches three times) and often succeeds, so that alarm would page for work that was done. Work that is
    // lost for good lands in a dead-letter queue, and those are alarmed; a function that never runs trips the
    // group's dead-man's switch. (The dashboard, when deployed, graphs function errors.)
    props.deadLetterQueues.forEach((queue, i) => {
      alarm(`DlqDepth${i}`, {
        alarmDescription: `mailprobe messages were not delivered and wait in ${queue.node.path}`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    });

    const groups = props.config.probes.filter((g) => g.enabled);
    for (const group of groups) {
      const periodS = Math.min(
        DAY_S,
        Math.max(60, Math.ceil(scheduleIntervalSeconds(group, props.config.timezone) / 60) * 60),
      );
      alarm(`DeadMan-${group.name}`, {
        alarmDescription: `mailprobe group ${group.name} stored no result for two intervals: schedules or functions are not running`,
        metric: metric(group, 'ProbeRuns', 'Sum', periodS),
        threshold: 1,
        evaluationPeriods: 2,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
    }

    if (props.config.deploy.dashboard) this.addDashboard(props, groups);
  }

  private addDashboard(props: ObservabilityProps, groups: ProbeGroup[]): void {
    const metricNamespace = metricNamespaceOf(this);
    const metric = (group: ProbeGroup, metricName: string, statistic: string, periodS: number) =>
      groupMetric(metricNamespace, group, metricName, statistic, periodS);
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `mailprobe-${props.config.name}`,
    });
    const hour = 3600;
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Pass rate by group (%)',
        width: 12,
        left: groups.map(
          (g, i) =>
            new cloudwatch.MathExpression({
              label: g.name,
              expression: `100 * pass${i} / runs${i}`,
              usingMetrics: {
                [`pass${i}`]: metric(g, 'StatusPass', 'Sum', hour),
                [`runs${i}`]: metric(g, 'ProbeRuns', 'Sum', hour),
              },
              period: Duration.hours(1),
            }),
        ),
      }),
      new cloudwatch.GraphWidget({
        title: 'Probe duration p90 (ms)',
        width: 12,
        left: groups.map((g) => metric(g, 'ProbeDuration', 'p90', 300)),
      }),
    );
    // The graphs each kind's manifest contributes, when the config has groups of that kind.
    for (const manifest of MANIFESTS) {
      const ofKind = groups.filter((g) => g.kind === manifest.kind);
      if (ofKind.length === 0) continue;
      for (const graph of manifest.graphs) {
        const left = ofKind.flatMap((g) =>
          graph.metrics.map((m) => metric(g, m.name, m.stat, graph.periodSeconds)),
        );
        dashboard.addWidgets(new cloudwatch.GraphWidget({ title: graph.title, width: 12, left }));
      }
    }
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Failing and unknown runs',
        width: 12,
        left: groups.flatMap((g) => [
          metric(g, 'StatusFail', 'Sum', 300),
          metric(g, 'StatusUnknown', 'Sum', 300),
        ]),
      }),
      new cloudwatch.GraphWidget({
        title: 'Function errors',
        width: 12,
        left: props.functions.map((fn) => fn.metricErrors({ period: Duration.minutes(5) })),
      }),
    );
  }
}
