import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { buildAlerter } from '../shared/alert/channels';
import { expandProbes } from '../shared/config/expand';
import { parseConfig } from '../shared/config/load';
import type { MailprobeConfig } from '../shared/config/schema';
import { probes } from '../shared/probes/registry';
import { runProbes } from '../shared/run/run-group';
import type { RunDeps } from '../shared/run/run-probe';
import { createSecretResolver } from '../shared/secrets/resolve';
import { openRemoteStore } from '../shared/store/embedded';

/** What each EventBridge Scheduler schedule sends: its group and `<aws.scheduler.scheduled-time>`. */
export interface ScheduledProbeEvent {
  group: string;
  scheduledTime: string;
}

export class BadEventError extends Error {
  override readonly name = 'BadEventError';
}

export function parseEvent(event: unknown): ScheduledProbeEvent {
  const e = event as Partial<ScheduledProbeEvent> | null;
  if (!e || typeof e.group !== 'string' || e.group === '')
    throw new BadEventError('event.group: missing probe group name');
  if (typeof e.scheduledTime !== 'string' || Number.isNaN(Date.parse(e.scheduledTime))) {
    throw new BadEventError(
      'event.scheduledTime: missing or not an ISO time (expected <aws.scheduler.scheduled-time>)',
    );
  }
  return { group: e.group, scheduledTime: e.scheduledTime };
}

const logger = new Logger({ serviceName: 'mailprobe' });
let deps: RunDeps | undefined;

/** Built once per container: config parse, SDK clients, store and alert channels. */
function containerDeps(): RunDeps {
  if (deps) return deps;
  const file = process.env.MAILPROBE_CONFIG_FILE ?? join(__dirname, 'mailprobe.config.json');
  const config: MailprobeConfig = parseConfig(JSON.parse(readFileSync(file, 'utf8')), file);
  const tableName = process.env.MAILPROBE_TABLE;
  if (!tableName) throw new Error('MAILPROBE_TABLE is not set');
  const secrets = createSecretResolver({ secretsManager: new SecretsManagerClient({}) });
  const built: RunDeps = {
    config,
    registry: probes,
    secrets,
    log: {
      debug: (m, e) => logger.debug(m, { ...e }),
      info: (m, e) => logger.info(m, { ...e }),
      warn: (m, e) => logger.warn(m, { ...e }),
      error: (m, e) => logger.error(m, { ...e }),
    },
    now: () => new Date(),
    store: openRemoteStore({ tableName, retentionDays: config.retentionDays }).store,
    alerter: buildAlerter(config, {
      secrets,
      sns: { client: new SNSClient({}), topicArn: process.env.MAILPROBE_TOPIC_ARN },
    }),
  };
  deps = built;
  return built;
}

/**
 * Runs every probe of one group for one schedule slot. The slot's scheduled time is the idempotency key, so a
 * retried or duplicated invocation stores nothing twice and alerts nothing twice.
 */
export async function handler(
  event: unknown,
): Promise<{ group: string; scheduledTime: string; statuses: Record<string, string> }> {
  const { group, scheduledTime } = parseEvent(event);
  const d = containerDeps();
  const specs = expandProbes(d.config).filter((s) => s.group.name === group);
  if (specs.length === 0)
    throw new BadEventError(`event.group: no enabled probe group "${group}" in the deployed config`);
  const reports = await runProbes(specs, new Date(scheduledTime), d);
  const statuses = Object.fromEntries(reports.map((r) => [r.result.probeId, r.result.status]));
  logger.info('group run finished', {
    group,
    scheduledTime,
    statuses,
    duplicates: reports.filter((r) => r.stored === 'duplicate').length,
  });
  return { group, scheduledTime, statuses };
}
