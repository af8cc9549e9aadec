import type { Command } from 'commander';
import { buildAlerter } from '../shared/alert/channels';
import { sesClients } from '../shared/aws/ses';
import { resolverFactory } from '../shared/dns/resolver';
import type { RunDeps } from '../shared/run/run-probe';
import { createSecretResolver } from '../shared/secrets/resolve';
import { DynamoCanaryLedger } from '../shared/store/canary-ledger';
import { openEmbeddedStore } from '../shared/store/embedded';
import { openRemoteStore } from '../shared/store/remote';
import type { ResultStore } from '../shared/store/types';
import { type ProbeSpec, selectedBy } from '../shared/suite/expand';
import { findConfigFile, loadConfig } from '../shared/suite/file';
import { expandProbes, probeDefinitions, selectedKinds } from '../shared/suite/probes';
import type { MailprobeConfig } from '../shared/suite/schema';
import type { Log } from '../shared/util/log';
import { terminalText } from '../shared/util/sanitize';
import { UsageError } from './output';

export const DEFAULT_DATA_DIR = '.mailprobe';

/** Logs for humans on stderr; debug only with MAILPROBE_DEBUG. Untrusted text is escaped for the terminal. */
export const cliLog: Log = {
  debug: (m, e) => process.env.MAILPROBE_DEBUG && write('debug', m, e),
  info: (m, e) => process.env.MAILPROBE_DEBUG && write('info', m, e),
  warn: (m, e) => write('warn', m, e),
  error: (m, e) => write('error', m, e),
};

function write(level: string, message: string, extra?: Record<string, unknown>): void {
  process.stderr.write(
    `${terminalText(`[${level}] ${message}${extra ? ` ${JSON.stringify(extra)}` : ''}`)}\n`,
  );
}

/**
 * Everything `run`/`watch` need, on the embedded store under `dataDir`: the run dependencies and every enabled
 * probe of the config that `only` picks (see `selectedBy`; none: all), each kind's probe bound to the local
 * services (the embedded table as canary ledger). Only the kinds picked have their probe code loaded.
 */
export async function openLocal(
  config: MailprobeConfig,
  dataDir: string,
  options: { alertStream?: NodeJS.WritableStream & { isTTY?: boolean }; only?: readonly string[] } = {},
): Promise<{ deps: RunDeps; specs: ProbeSpec[]; close(): Promise<void> }> {
  const { alertStream = process.stdout, only } = options;
  const embedded = await openEmbeddedStore({ dataDir, retentionDays: config.retentionDays });
  const secrets = createSecretResolver();
  const deps: RunDeps = {
    secrets,
    resolver: config.resolver,
    dns: resolverFactory(),
    log: cliLog,
    now: () => new Date(),
    store: embedded.store,
    alerting: { alerts: config.alerts, targets: config.targets },
    alerter: buildAlerter(config, { secrets, stream: alertStream }),
  };
  const definitions = await probeDefinitions(
    {
      canaryLedger: new DynamoCanaryLedger({ client: embedded.client, tableName: embedded.tableName }),
      ses: sesClients(),
    },
    selectedKinds(config, only),
  );
  const specs = expandProbes(config, definitions).filter((s) =>
    selectedBy(only, { kind: s.kind, group: s.group.name, targetName: s.targetName }),
  );
  return { deps, specs, close: () => embedded.close() };
}

export async function loadConfigFrom(option: string | undefined): Promise<MailprobeConfig> {
  return loadConfig(findConfigFile(option));
}

export interface StoreOptions {
  dataDir: string;
  /** Read the deployed table (named by `--table` or MAILPROBE_TABLE) with the operator's AWS credentials. */
  remote?: boolean;
  table?: string;
  region?: string;
}

/** Adds the options that choose where `history` and `status` read from. */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .option('--remote', 'read the deployed results table instead (AWS credentials from the environment)')
    .option('--table <name>', 'deployed table name (stack output ResultsTableName; default MAILPROBE_TABLE)')
    .option('--region <region>', 'AWS region of the deployed table');
}

/** The store to read from: the embedded one, or the deployed table through the very same adapter. */
export async function openReadStore(
  opts: StoreOptions,
): Promise<{ store: ResultStore; close(): Promise<void> }> {
  if (!opts.remote) return openEmbeddedStore({ dataDir: opts.dataDir });
  const tableName = opts.table ?? process.env.MAILPROBE_TABLE;
  if (!tableName)
    throw new UsageError(
      '--remote needs --table <name> (the stack output ResultsTableName) or MAILPROBE_TABLE',
    );
  const remote = openRemoteStore({ tableName, region: opts.region });
  return { store: remote.store, close: async () => remote.client.destroy() };
}
