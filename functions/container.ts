import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createSecretResolver } from '../shared/secrets/resolve';
import type { DeployedSuite } from '../shared/suite/deployed';
import type { Log } from '../shared/util/log';

export const logger = new Logger({ serviceName: 'mailprobe' });
/** The namespace comes from POWERTOOLS_METRICS_NAMESPACE, which the stack sets from the config's name. */
export const metrics = new Metrics({ serviceName: 'mailprobe' });

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

let suite: DeployedSuite | undefined;

/**
 * The suite bundled next to the handler (`mailprobe.config.json`), read once per container: the config the stack
 * validated at synth (every default filled) and each group's expanded targets, so the functions carry neither the
 * config schema nor the kind manifests.
 */
export function deployed(): DeployedSuite {
  if (!suite) {
    const file = process.env.MAILPROBE_CONFIG_FILE ?? join(__dirname, 'mailprobe.config.json');
    suite = JSON.parse(readFileSync(file, 'utf8')) as DeployedSuite;
  }
  return suite;
}

let secrets: ReturnType<typeof createSecretResolver> | undefined;

export function deployedSecrets(): ReturnType<typeof createSecretResolver> {
  secrets ??= createSecretResolver({ secretsManager: new SecretsManagerClient({}) });
  return secrets;
}
