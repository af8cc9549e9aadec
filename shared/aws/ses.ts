import type { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * One SES v2 client per region for the life of the process (clients keep connections alive between Lambda
 * invocations); `undefined` is the SDK's default region. SES v2 is SES's current API and the one nodemailer's
 * SES transport requires (see docs/deploy.md). The SDK module loads with the first client: a local run whose
 * canaries send over SMTP, or that runs no canary, never loads it.
 */
export function sesClients(): (region: string | undefined) => Promise<SESv2Client> {
  const clients = new Map<string, SESv2Client>();
  return async (region) => {
    const key = region ?? '';
    let client = clients.get(key);
    if (!client) {
      const { SESv2Client } = await import('@aws-sdk/client-sesv2');
      client = clients.get(key) ?? new SESv2Client({ ...(region ? { region } : {}), maxAttempts: 2 });
      clients.set(key, client);
    }
    return client;
  };
}
