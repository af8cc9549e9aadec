/**
 * Monthly AWS cost of a deployment, from the synthesized template at documented list prices (us-east-1, on-demand,
 * no free tier), with the per-run figures measured on results of a real run (`mailprobe demo`): DynamoDB write
 * units from the stored item sizes, the EMF custom metrics the runners publish for those results, and probe
 * durations. Usage: `npx tsx scripts/cost.ts [config file]` (default: the example config and the 10 targets x
 * 4 kinds every 5 minutes config); `--data-dir <dir>` reads the results of an earlier `mailprobe demo --data-dir <dir>`
 * instead of running the demo. The bench prints the same table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { publishRunMetrics } from '../functions/metrics';
import { MailprobeStack } from '../infra/stack';
import { nextFireTime, parseSchedule } from '../shared/config/schedule';
import { secretRefsIn } from '../shared/config/secret-ref';
import type { ProbeKind, ProbeResult } from '../shared/model/result';
import { createCanaryProbe } from '../shared/probes/canary/probe';
import { dnsProbe } from '../shared/probes/dns/probe';
import { dnsblProbe } from '../shared/probes/dnsbl/probe';
import { smtpProbe } from '../shared/probes/smtp/probe';
import type { ProbeDefinition } from '../shared/probes/types';
import { openEmbeddedStore } from '../shared/store/embedded';
import { encodeResult } from '../shared/store/result-item';
import { probePartition, TABLE } from '../shared/store/table';
import { parseConfig } from '../shared/suite/load';
import type { MailprobeConfig, MailprobeConfigInput } from '../shared/suite/schema';

/** List prices, us-east-1, as published on each service's pricing page (checked 2026-11). */
const PRICES = {
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecondArm: 0.0000133334,
  lambdaGbSecondX86: 0.0000166667,
  schedulerInvocation: 1 / 1e6,
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  customMetricMonth: 0.3,
  alarmMetricMonth: 0.1,
  dashboardMonth: 3,
  logsIngestGb: 0.5,
  secretMonth: 0.4,
  secretApiCall: 0.05 / 10_000,
  sesSend: 0.1 / 1000,
  sesInboundMail: 0.1 / 1000,
  sesInboundChunk: 0.09 / 1000,
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
} as const;

const MONTH_S = 30 * 86_400;
/** Invocation overhead beyond the probes themselves (init, store, alert evaluation), an assumption. */
const INVOCATION_OVERHEAD_MS = 300;
/** Log bytes per invocation besides the EMF lines (Powertools start/end lines, one line per probe): an assumption. */
const LOG_BYTES_PER_INVOCATION = 1500;

export interface RunSample {
  /** Results of one real run, by kind. */
  byKind: Map<ProbeKind, ProbeResult[]>;
  /** DynamoDB write units one probe run of the kind costs, from the items that run wrote (mean over its probes). */
  writeUnitsPerRun: Map<ProbeKind, number>;
}

export interface CostLine {
  item: string;
  monthly: number;
  detail: string;
}

/** DynamoDB item size: attribute names plus values (strings and binaries by length, numbers about 1 byte per 2 digits). */
function itemBytes(item: Record<string, unknown>): number {
  const size = (v: Record<string, unknown>): number => {
    if ('S' in v) return Buffer.byteLength(v.S as string);
    if ('N' in v) return Math.ceil(String(v.N).length / 2) + 1;
    if ('B' in v) return (v.B as Uint8Array).length;
    if ('BOOL' in v || 'NULL' in v) return 1;
    if ('L' in v) return 3 + (v.L as Record<string, unknown>[]).reduce((n, e) => n + 1 + size(e), 0);
    if ('M' in v)
      return (
        3 +
        Object.entries(v.M as Record<string, Record<string, unknown>>).reduce(
          (n, [k, e]) => n + Buffer.byteLength(k) + 1 + size(e),
          0,
        )
      );
    if ('SS' in v) return (v.SS as string[]).reduce((n, s) => n + Buffer.byteLength(s), 0);
    return 0;
  };
  const marshalled = marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });
  return Object.entries(marshalled).reduce(
    (n, [k, v]) => n + Buffer.byteLength(k) + size(v as unknown as Record<string, unknown>),
    0,
  );
}

const units = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Bytes a result keeps in the table: the item and DynamoDB's 100 bytes of overhead per item. */
function storedResultBytes(result: ProbeResult): number {
  return itemBytes(encodeResult(result)) + 100;
}

/**
 * Write units one probe run costs, from the items it wrote (read raw from the table): its result, its state with the states index entry (keys only), its hour and day rollups (an UpdateItem
 * is charged on the larger of the item before and after, here the item after one run: a rollup holding a day of
 * runs keeps its counters and at most a few more histogram buckets), and a canary's slot claim. A canary's ledger
 * send and arrival records (in their own partitions, under 1 KB) add one unit each. Events are written only when a
 * status changes and are not counted.
 */
function probeRunWriteUnits(kind: ProbeKind, items: Record<string, unknown>[]): number {
  const bySortKey = (prefix: string) => items.filter((i) => String(i[TABLE.sortKey]).startsWith(prefix));
  // The largest item of each kind in the partition: an upper bound for one run's write.
  const largest = (prefix: string) => bySortKey(prefix).sort((x, y) => itemBytes(y) - itemBytes(x))[0];
  let total = kind === 'canary' ? 2 : 0;
  const result = largest('R#');
  if (result) total += units(itemBytes(result));
  const state = largest('STATE');
  // The states index holds the keys and the TTL: one unit per save.
  if (state) total += units(itemBytes(state)) + 1;
  for (const prefix of ['H#', 'D#', 'CLAIM#']) {
    const item = largest(prefix);
    if (item) total += units(itemBytes(item));
  }
  return total;
}

/** The runtime definitions, for the metrics each kind publishes (no probe runs here). */
const DEFINITIONS: Record<string, Pick<ProbeDefinition, 'kind' | 'metrics'>> = {
  smtp: smtpProbe,
  dns: dnsProbe,
  dnsbl: dnsblProbe,
  canary: createCanaryProbe({
    ses: () => {
      throw new Error('the cost script sends nothing');
    },
  }),
};

function definitionOf(kind: ProbeKind): Pick<ProbeDefinition, 'kind' | 'metrics'> {
  const definition = DEFINITIONS[kind];
  if (!definition) throw new Error(`no probe kind ${kind}`);
  return definition;
}

/** The distinct EMF metrics the runners publish for `results` of one group, captured from their output. */
function customMetrics(group: string, kind: ProbeKind, results: ProbeResult[], detailed: boolean): string[] {
  const names = new Set<string>();
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    for (const line of String(chunk).split('\n')) {
      if (!line.includes('"_aws"')) continue;
      const emf = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Metrics: { Name: string }[] }[] } };
      for (const directive of emf._aws.CloudWatchMetrics)
        for (const m of directive.Metrics) names.add(m.Name);
    }
    return true;
  }) as typeof process.stdout.write;
  try {
    // Every status a month can see: a group that ever fails, warns or cannot tell publishes those metrics too.
    for (const status of ['pass', 'warn', 'fail', 'unknown'] as const) {
      publishRunMetrics(
        group,
        definitionOf(kind),
        results.map((result) => ({
          result: { ...result, status },
          stored: 'written',
          alerts: [],
          alertErrors: [],
        })),
        detailed,
      );
    }
  } finally {
    process.stdout.write = write;
  }
  return [...names].sort();
}

/** Results of one real run: `mailprobe demo` into a fresh data directory (or the results already in `dataDir`). */
export async function sampleRun(existing?: string): Promise<RunSample> {
  const dataDir = existing ?? mkdtempSync(join(tmpdir(), 'mailprobe-cost-'));
  const run = existing
    ? { status: 0, stderr: '' }
    : spawnSync(process.execPath, [join(__dirname, '../bin/mailprobe.js'), 'demo', '--data-dir', dataDir], {
        encoding: 'utf8',
        timeout: 120_000,
      });
  if (run.status === null || run.status > 3)
    throw new Error(`mailprobe demo failed: ${run.stderr.slice(-500)}`);
  const store = await openEmbeddedStore({ dataDir });
  try {
    const byKind = new Map<ProbeKind, ProbeResult[]>();
    const perRun = new Map<ProbeKind, number[]>();
    for (const state of await store.store.listStates()) {
      const [result] = await store.store.historyByProbe(state.probeId, {
        since: new Date(0),
        newestFirst: true,
        limit: 1,
      });
      if (!result) continue;
      byKind.set(result.kind, [...(byKind.get(result.kind) ?? []), result]);
      const items = await store.client.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': probePartition(state.probeId) },
        }),
      );
      perRun.set(result.kind, [
        ...(perRun.get(result.kind) ?? []),
        probeRunWriteUnits(result.kind, items.Items ?? []),
      ]);
    }
    const writeUnitsPerRun = new Map(
      [...perRun].map(([kind, u]) => [kind, u.reduce((n, x) => n + x, 0) / u.length] as const),
    );
    return { byKind, writeUnitsPerRun };
  } finally {
    await store.close();
  }
}

function runsPerMonth(expression: string): number {
  const schedule = parseSchedule(expression);
  if (typeof schedule === 'string') throw new Error(`unreadable schedule ${expression}: ${schedule}`);
  if (schedule.kind === 'rate') return MONTH_S / (schedule.everyMs / 1000);
  // cron: count fires over one sample day (the suite's crons are at most daily here).
  const end = Date.UTC(2026, 0, 6);
  let fires = 0;
  for (
    let t = nextFireTime(schedule, new Date(Date.UTC(2026, 0, 5)), 'UTC');
    t !== undefined && t.getTime() < end;
    t = nextFireTime(schedule, t, 'UTC')
  )
    fires++;
  return fires * 30;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** The monthly cost of `input` deployed, line by line, from its template and the measured per-run figures. */
export function monthlyCost(input: unknown, sample: RunSample): CostLine[] {
  const config: MailprobeConfig = parseConfig(input, 'cost');
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new MailprobeStack(app, 'Mailprobe', { configInput: input, configSource: 'cost' });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
  const functions = new Map(ofType('AWS::Lambda::Function'));
  const lines: CostLine[] = [];

  let invocations = 0;
  let gbSeconds = 0;
  let writeUnits = 0;
  let storedBytes = 0;
  let logBytes = 0;
  const metrics = new Set<string>();
  let sesSends = 0;
  let sesInbound = 0;
  for (const [, schedule] of ofType('AWS::Scheduler::Schedule')) {
    const description = (schedule.Properties.Description as string | undefined) ?? '';
    const group = config.probes.find((g) => description.endsWith(` of group ${g.name}`));
    if (!group) continue;
    const perMonth = runsPerMonth(schedule.Properties.ScheduleExpression as string);
    const targetArn = JSON.stringify((schedule.Properties.Target as { Arn: unknown }).Arn);
    const fn = [...functions].find(([id]) => targetArn.includes(id))?.[1];
    const memoryGb = ((fn?.Properties.MemorySize as number | undefined) ?? 128) / 1024;
    const arm = JSON.stringify(fn?.Properties.Architectures ?? []).includes('arm64');
    const samples = sample.byKind.get(group.kind) ?? [];
    if (samples.length === 0) throw new Error(`the sample run has no ${group.kind} result`);
    const targets = probesOf(config, group.kind);
    const avg = (f: (r: ProbeResult) => number) => samples.reduce((n, r) => n + f(r), 0) / samples.length;
    const probeMs = Math.max(...samples.map((r) => r.durationMs));
    const seconds = (probeMs * Math.ceil(targets / 16) + INVOCATION_OVERHEAD_MS) / 1000;
    invocations += perMonth;
    gbSeconds +=
      perMonth * seconds * memoryGb * (arm ? 1 : PRICES.lambdaGbSecondX86 / PRICES.lambdaGbSecondArm);
    writeUnits += perMonth * targets * (sample.writeUnitsPerRun.get(group.kind) ?? 0);
    storedBytes += ((perMonth * targets * config.retentionDays) / 30) * avg((r) => storedResultBytes(r));
    const names = customMetrics(group.name, group.kind, samples, config.deploy.dashboard);
    for (const n of names) metrics.add(`${group.name}/${n}`);
    logBytes += perMonth * (LOG_BYTES_PER_INVOCATION + names.length * 60 * targets);
    if (group.kind === 'canary') {
      const mailboxes = config.targets.mailboxes;
      if (group.options.send.via === 'ses') sesSends += perMonth * mailboxes.length;
      sesInbound += perMonth * mailboxes.filter((m) => m.arrival.via === 'ledger').length;
    }
  }
  const money = (n: number) => Math.round(n * 100) / 100;
  lines.push({
    item: 'Lambda',
    monthly: invocations * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaGbSecondArm,
    detail: `${Math.round(invocations)} invocations, ${Math.round(gbSeconds)} GB-s (ARM equivalent)`,
  });
  lines.push({
    item: 'EventBridge Scheduler',
    monthly: invocations * PRICES.schedulerInvocation,
    detail: `${ofType('AWS::Scheduler::Schedule').length} schedules`,
  });
  const table = ofType('AWS::DynamoDB::GlobalTable')[0]?.[1];
  const pitr = JSON.stringify(table?.Properties.Replicas ?? '').includes('"PointInTimeRecoveryEnabled":true');
  const storedGb = storedBytes / 1024 ** 3;
  lines.push({
    item: 'DynamoDB',
    monthly:
      writeUnits * PRICES.dynamoWriteUnit +
      (writeUnits / 2) * PRICES.dynamoReadUnit +
      storedGb * (PRICES.dynamoStorageGbMonth + (pitr ? PRICES.dynamoPitrGbMonth : 0)),
    detail: `${Math.round(writeUnits)} write units, ${storedGb.toFixed(2)} GB kept ${config.retentionDays} d, PITR ${pitr ? 'on' : 'off'}`,
  });
  const alarmMetrics = ofType('AWS::CloudWatch::Alarm').reduce(
    (n, [, a]) => n + Math.max(1, ((a.Properties.Metrics as unknown[] | undefined) ?? []).length),
    0,
  );
  const dashboards = ofType('AWS::CloudWatch::Dashboard').length;
  lines.push({
    item: 'CloudWatch metrics, alarms, dashboard',
    monthly:
      metrics.size * PRICES.customMetricMonth +
      alarmMetrics * PRICES.alarmMetricMonth +
      dashboards * PRICES.dashboardMonth,
    detail: `${metrics.size} custom metrics, ${alarmMetrics} alarm metrics, ${dashboards} dashboard(s)`,
  });
  lines.push({
    item: 'CloudWatch Logs',
    monthly: (logBytes / 1024 ** 3) * PRICES.logsIngestGb,
    detail: `${(logBytes / 1024 ** 3).toFixed(2)} GB ingested`,
  });
  const secrets = secretRefsIn(config).filter((r) => 'secret' in r).length;
  lines.push({
    item: 'Secrets Manager',
    monthly: secrets * (PRICES.secretMonth + invocations * PRICES.secretApiCall),
    detail: `${secrets} secrets (each read counted once per invocation: an upper bound, containers cache them)`,
  });
  const nat = ofType('AWS::EC2::NatGateway').length;
  if (nat > 0) {
    lines.push({
      item: 'NAT gateway + Elastic IP',
      monthly: nat * 730 * (PRICES.natGatewayHour + PRICES.publicIpv4Hour),
      detail: `${nat} NAT gateway(s), data processing not included`,
    });
  }
  lines.push({
    item: 'SES (canary sends and inbound)',
    monthly: sesSends * PRICES.sesSend + sesInbound * (PRICES.sesInboundMail + PRICES.sesInboundChunk),
    detail: `${Math.round(sesSends)} sends, ${Math.round(sesInbound)} received`,
  });
  return lines.map((l) => ({ ...l, monthly: money(l.monthly) }));
}

function probesOf(config: MailprobeConfig, kind: ProbeKind): number {
  const counts: Record<string, number> = {
    smtp: config.targets.smtp.length,
    dns: config.targets.domains.length,
    dnsbl: config.targets.sendingIps.length + config.targets.domains.length,
    canary: config.targets.mailboxes.length,
  };
  return counts[kind] ?? 0;
}

export const totalOf = (lines: CostLine[], withSes = true) =>
  Math.round(
    lines.filter((l) => withSes || !l.item.startsWith('SES')).reduce((n, l) => n + l.monthly, 0) * 100,
  ) / 100;

/** 10 targets of each of the 4 kinds, every group every 5 minutes. */
export function tenByFourConfig(): MailprobeConfigInput {
  const ten = Array.from({ length: 10 }, (_, i) => i + 1);
  return {
    name: 'ten-by-four',
    targets: {
      smtp: ten.map((i) => ({ name: `smtp${i}`, host: `smtp${i}.example.com`, port: 587, mode: 'starttls' })),
      domains: ten.map((i) => ({ name: `example${i}.com` })),
      sendingIps: [],
      mailboxes: ten.map((i) => ({
        name: `seed${i}`,
        address: `canary${i}@canary.example.com`,
        arrival: { via: 'ledger' },
      })),
    },
    probes: (['smtp', 'dns', 'dnsbl', 'canary'] as const).map((kind) => ({
      name: `${kind}-5m`,
      kind,
      schedule: 'rate(5 minutes)',
      ...(kind === 'canary'
        ? {
            timeoutSeconds: 120,
            options: { from: 'monitor@example.com', send: { via: 'ses' }, checkAfter: '4m', window: '15m' },
          }
        : {}),
    })) as MailprobeConfigInput['probes'],
  };
}

export function renderCost(title: string, lines: CostLine[]): string {
  return [
    `${title}: $${totalOf(lines).toFixed(2)}/month ($${totalOf(lines, false).toFixed(2)} without SES)`,
    ...lines.map((l) => `  ${l.item.padEnd(40)} $${l.monthly.toFixed(2).padStart(7)}  ${l.detail}`),
  ].join('\n');
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const at = args.indexOf('--data-dir');
  const sample = await sampleRun(at >= 0 ? args.splice(at, 2)[1] : undefined);
  const file = args[0];
  if (file) {
    const { readConfigFile } = await import('../shared/suite/file');
    process.stdout.write(`${renderCost(file, monthlyCost(await readConfigFile(file), sample))}\n`);
    return;
  }
  const example = (await import('../examples/mailprobe.config')).default;
  process.stdout.write(`${renderCost('example config', monthlyCost(example, sample))}\n`);
  process.stdout.write(
    `${renderCost('10 targets x 4 kinds every 5 min', monthlyCost(tenByFourConfig(), sample))}\n`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`cost: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
