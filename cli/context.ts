import { buildAlerter } from '../shared/alert/channels';
import { findConfigFile, loadConfig } from '../shared/config/file';
import type { MailprobeConfig } from '../shared/config/schema';
import { probes } from '../shared/probes/registry';
import type { RunDeps } from '../shared/run/run-probe';
import { createSecretResolver } from '../shared/secrets/resolve';
import { openEmbeddedStore } from '../shared/store/embedded';
import type { Log } from '../shared/util/log';
import { terminalText } from '../shared/util/sanitize';

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

/** Everything `run`/`watch` need, on the embedded store under `dataDir`. */
export async function openLocal(
  config: MailprobeConfig,
  dataDir: string,
): Promise<{ deps: RunDeps; close(): Promise<void> }> {
  const embedded = await openEmbeddedStore({ dataDir, retentionDays: config.retentionDays });
  const secrets = createSecretResolver();
  const deps: RunDeps = {
    config,
    registry: probes,
    secrets,
    log: cliLog,
    now: () => new Date(),
    store: embedded.store,
    alerter: buildAlerter(config, { secrets, stream: process.stdout }),
  };
  return { deps, close: () => embedded.close() };
}

export async function loadConfigFrom(option: string | undefined): Promise<MailprobeConfig> {
  return loadConfig(findConfigFile(option));
}
