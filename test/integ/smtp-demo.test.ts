import { startDnsServer } from '../../cli/demo/dns-server';
import { smtpDemo } from '../../cli/demo/smtp';
import type { SmtpGroup } from '../../shared/probes/smtp/config';
import { runSmtpProbe } from '../support/smtp/harness';

describe('smtp demo part', () => {
  it('starts one healthy and two broken endpoints that the probe diagnoses', async () => {
    const dns = await startDnsServer({});
    const part = await smtpDemo({ dns });
    try {
      const endpoints = part.targets?.smtp ?? [];
      const options = (part.probes[0] as { options: Partial<SmtpGroup['options']> }).options;
      const env = 'MAILPROBE_DEMO_SMTP_PASSWORD';
      const results = new Map<string, Awaited<ReturnType<typeof runSmtpProbe>>>();
      for (const e of endpoints) {
        results.set(
          e.name,
          await runSmtpProbe(e, {
            options,
            resolverServers: [dns.server],
            secrets: { [env]: process.env[env] ?? '' },
          }),
        );
      }
      expect(results.get('submission-ok')?.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(results.get('submission-app-password')?.check('auth')).toMatchObject({
        status: 'fail',
        cause: 'smtp.auth.rejected',
      });
      expect(results.get('submission-unknown-rcpt')?.check('rcpt:postmaster@demo.test')).toMatchObject({
        status: 'fail',
        cause: 'smtp.rcpt.unknown-user',
      });
    } finally {
      await part.close();
      await dns.close();
    }
    expect(process.env.MAILPROBE_DEMO_SMTP_PASSWORD).toBeUndefined();
  });
});
