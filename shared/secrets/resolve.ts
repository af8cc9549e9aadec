import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describeSecretRef, type SecretRef, type SecretResolver } from '../config/secret-ref';

/** A secret that could not be read. The message names the reference, never a value. */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  constructor(ref: SecretRef, reason: string, options?: { cause?: unknown }) {
    super(`secret ${describeSecretRef(ref)} unavailable: ${reason}`, options);
  }
}

/** `MAILPROBE_SECRET_<NAME>`: where a local run looks for a Secrets Manager secret's value. */
export function secretEnvName(secretName: string): string {
  return `MAILPROBE_SECRET_${secretName.replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`;
}

function pickKey(ref: SecretRef, value: string): string {
  if (!('secret' in ref) || !ref.key) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    throw new SecretUnavailableError(ref, 'value is not JSON, but a key was asked for', { cause: err });
  }
  const field = (parsed as Record<string, unknown>)?.[ref.key];
  if (typeof field !== 'string')
    throw new SecretUnavailableError(ref, `JSON key "${ref.key}" missing or not a string`);
  return field;
}

export interface SecretResolverOptions {
  env?: NodeJS.ProcessEnv;
  /** Secrets Manager client; without one, `{ secret }` references resolve only from MAILPROBE_SECRET_* variables. */
  secretsManager?: SecretsManagerClient;
  /** How long a fetched secret is reused (a Lambda container keeps it between invocations). */
  cacheMs?: number;
  now?: () => number;
}

/**
 * Resolves `{ env }` from the environment and `{ secret }` from `MAILPROBE_SECRET_<NAME>` when set (local runs),
 * else from Secrets Manager, caching values for `cacheMs`.
 */
export function createSecretResolver(options: SecretResolverOptions = {}): SecretResolver {
  const env = options.env ?? process.env;
  const cacheMs = options.cacheMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { value: string; at: number }>();

  return async (ref) => {
    if ('env' in ref) {
      const value = env[ref.env];
      if (value === undefined || value === '')
        throw new SecretUnavailableError(ref, `environment variable ${ref.env} is not set`);
      return value;
    }
    const local = env[secretEnvName(ref.secret)];
    if (local !== undefined && local !== '') return pickKey(ref, local);
    if (!options.secretsManager) {
      throw new SecretUnavailableError(
        ref,
        `not in Secrets Manager here; set ${secretEnvName(ref.secret)} for a local run`,
      );
    }
    const hit = cache.get(ref.secret);
    if (hit && now() - hit.at < cacheMs) return pickKey(ref, hit.value);
    let value: string | undefined;
    try {
      // The command's module loads with the first fetch: a local run (no client) never loads it.
      const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const out = await options.secretsManager.send(new GetSecretValueCommand({ SecretId: ref.secret }), {
        abortSignal: AbortSignal.timeout(5000),
      });
      value = out.SecretString;
    } catch (err) {
      throw new SecretUnavailableError(ref, (err as Error).name, { cause: err });
    }
    if (value === undefined) throw new SecretUnavailableError(ref, 'secret has no string value');
    cache.set(ref.secret, { value, at: now() });
    return pickKey(ref, value);
  };
}
