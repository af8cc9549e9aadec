import { randomBytes } from 'node:crypto';
import type { Server } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { makeTestPki } from './pki';
import type { DemoPartFactory } from './types';

const HOST = 'smtp.demo.test';
const PASSWORD_ENV = 'MAILPROBE_DEMO_SMTP_PASSWORD';

function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

async function listen(options: SMTPServerOptions): Promise<{ port: number; server: SMTPServer }> {
  const server = new SMTPServer({ logger: false, disableReverseLookup: true, ...options });
  server.on('error', () => {});
  const net = server.server as Server;
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(0, '127.0.0.1', resolve);
  });
  const address = net.address();
  return { port: typeof address === 'object' && address ? address.port : 0, server };
}

/**
 * Three SMTP submission endpoints on 127.0.0.1: a healthy one (STARTTLS with a demo-CA certificate, AUTH, the
 * envelope accepted), one whose AUTH is rejected as from a provider that wants an app password, and one that
 * refuses the recipient as unknown (a hard bounce).
 */
export const smtpDemo: DemoPartFactory = async (lab) => {
  const { ca, key, cert } = await makeTestPki([HOST]);
  const password = `demo-${randomBytes(9).toString('base64url')}`;
  const previous = process.env[PASSWORD_ENV];
  process.env[PASSWORD_ENV] = password;
  lab.dns.add({ [HOST]: [{ type: 'A', address: '127.0.0.1' }] });

  const base: SMTPServerOptions = {
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth: (auth, _session, cb) =>
      auth.username === 'probe' && auth.password === password
        ? cb(null, { user: 'probe' })
        : cb(reply(535, '5.7.8 Username and Password not accepted')),
  };
  const healthy = await listen(base);
  const badAuth = await listen({
    ...base,
    onAuth: (_auth, _session, cb) =>
      cb(reply(535, '5.7.8 Username and Password not accepted. Application-specific password required')),
  });
  const unknownUser = await listen({
    ...base,
    onRcptTo: (address, _session, cb) =>
      cb(
        reply(
          550,
          `5.1.1 <${address.address}>: Recipient address rejected: User unknown in virtual mailbox table`,
        ),
      ),
  });

  const endpoint = (name: string, port: number) => ({
    name,
    host: HOST,
    port,
    mode: 'starttls' as const,
    tls: { caPem: ca },
    auth: { user: 'probe', password: { env: PASSWORD_ENV } },
    envelope: { from: 'probe@demo.test', to: ['postmaster@demo.test'] },
  });

  return {
    targets: {
      smtp: [
        endpoint('submission-ok', healthy.port),
        endpoint('submission-app-password', badAuth.port),
        endpoint('submission-unknown-rcpt', unknownUser.port),
      ],
    },
    probes: [
      {
        name: 'smtp',
        kind: 'smtp',
        schedule: 'rate(5 minutes)',
        timeoutSeconds: 20,
        options: { ehloName: 'probe.demo.test', replyTimeoutSeconds: 5, connectTimeoutSeconds: 5 },
      },
    ],
    async close() {
      await Promise.all(
        [healthy, badAuth, unknownUser].map(
          (s) => new Promise<void>((resolve) => s.server.close(() => resolve())),
        ),
      );
      if (previous === undefined) delete process.env[PASSWORD_ENV];
      else process.env[PASSWORD_ENV] = previous;
    },
  };
};
