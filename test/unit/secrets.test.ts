import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecretResolver, SecretUnavailableError, secretEnvName } from '../../shared/secrets/resolve';

describe('secret resolver', () => {
  const sm = mockClient(SecretsManagerClient);
  beforeEach(() => sm.reset());

  it('reads { env } references from the environment', async () => {
    const resolve = createSecretResolver({ env: { SMTP_PASSWORD: 'pw' } });
    await expect(resolve({ env: 'SMTP_PASSWORD' })).resolves.toBe('pw');
    await expect(resolve({ env: 'MISSING' })).rejects.toThrow('environment variable MISSING is not set');
  });

  it('prefers MAILPROBE_SECRET_<NAME> for a Secrets Manager reference on a local run', async () => {
    expect(secretEnvName('mailprobe/slack-webhook')).toBe('MAILPROBE_SECRET_MAILPROBE_SLACK_WEBHOOK');
    const resolve = createSecretResolver({
      env: { MAILPROBE_SECRET_MAILPROBE_SMTP: '{"password":"pw"}' },
      secretsManager: new SecretsManagerClient({}),
    });
    await expect(resolve({ secret: 'mailprobe/smtp', key: 'password' })).resolves.toBe('pw');
    expect(sm.calls()).toHaveLength(0);
  });

  it('fetches from Secrets Manager with the exact request and caches the value', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"u","password":"pw"}' });
    let now = 0;
    const resolve = createSecretResolver({
      env: {},
      secretsManager: new SecretsManagerClient({}),
      cacheMs: 1000,
      now: () => now,
    });
    await expect(resolve({ secret: 'mailprobe/smtp', key: 'password' })).resolves.toBe('pw');
    await expect(resolve({ secret: 'mailprobe/smtp', key: 'user' })).resolves.toBe('u');
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([
      { SecretId: 'mailprobe/smtp' },
    ]);
    now = 1001;
    await resolve({ secret: 'mailprobe/smtp', key: 'password' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('names the reference and the reason, not the value, when a key is missing', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"password":"s3cr3t-value"}' });
    const resolve = createSecretResolver({ env: {}, secretsManager: new SecretsManagerClient({}) });
    const err = await resolve({ secret: 'mailprobe/smtp', key: 'pass' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretUnavailableError);
    expect((err as Error).message).toBe(
      'secret secret:mailprobe/smtp#pass unavailable: JSON key "pass" missing or not a string',
    );
    expect((err as Error).message).not.toContain('s3cr3t-value');
  });

  it('reports an access failure as unavailable', async () => {
    sm.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    );
    const resolve = createSecretResolver({ env: {}, secretsManager: new SecretsManagerClient({}) });
    await expect(resolve({ secret: 'mailprobe/smtp' })).rejects.toThrow(
      'secret secret:mailprobe/smtp unavailable: AccessDeniedException',
    );
  });
});
