import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { MailprobeConfig } from '../shared/config/schema';
import { createSecretResolver } from '../shared/secrets/resolve';
import type { Log } from '../shared/util/log';

export const logger = new Logger({ serviceName: 'mailprobe' });
export const metrics = new Metrics({ namespace: 'Mailprobe', serviceName: 'mailprobe' });

export const log: Log = {
  debug: (m, e) => logger.debug(m, { ...e }),
  info: (m, e) => logger.info(m, { ...e }),
  warn: (m, e) => logger.warn(m, { ...e }),
  error: (m, e) => logger.error(m, { ...e }),
};

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the stack sets it)`);
  return value;
}

let config: MailprobeConfig | undefined;

/**
 * The config bundled next to the handler (`mailprobe.config.json`), read once per container. The stack writes it
 * already validated and with every default filled (`cdk synth` fails on a bad config), so the functions do not
 * carry the config schema.
 */
export function deployedConfig(): MailprobeConfig {
  if (!config) {
    const file = process.env.MAILPROBE_CONFIG_FILE ?? join(__dirname, 'mailprobe.config.json');
    config = JSON.parse(readFileSync(file, 'utf8')) as MailprobeConfig;
  }
  return config;
}

let secrets: ReturnType<typeof createSecretResolver> | undefined;

export function deployedSecrets(): ReturnType<typeof createSecretResolver> {
  secrets ??= createSecretResolver({ secretsManager: new SecretsManagerClient({}) });
  return secrets;
}
