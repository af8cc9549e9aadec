import { SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * One SES v2 client per region for the life of the process (clients keep connections alive between Lambda
 * invocations); `undefined` is the SDK's default region. SES v2 is SES's current API and the one nodemailer's
 * SES transport requires (see docs/deploy.md).
 */
export function sesClients(): (region: string | undefined) => SESv2Client {
  const clients = new Map<string, SESv2Client>();
  return (region) => {
    const key = region ?? '';
    let client = clients.get(key);
    if (!client) {
      client = new SESv2Client({ ...(region ? { region } : {}), maxAttempts: 2 });
      clients.set(key, client);
    }
    return client;
  };
}
