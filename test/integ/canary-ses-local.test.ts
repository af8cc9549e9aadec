import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocal from 'aws-ses-v2-local';
import { type Receiver, startReceiver } from '../../shared/probes/canary/receiver';
import { silentLog } from '../../shared/util/log';
import { canaryConfig, MemoryCanaryLedger, runCanary } from './canary-harness';

jest.setTimeout(60_000);

/**
 * The SES path against a real HTTP API: aws-ses-v2-local (a local SES v2 stand-in from npm) takes the probe's
 * SendEmail, stores it, and forwards it over SMTP to the canary receiver on loopback, the way SES would deliver it
 * to the seed's MX.
 */
describe('canary through a local SES v2 API', () => {
  let ses: Server;
  let receiver: Receiver;
  let endpoint: string;
  const ledger = new MemoryCanaryLedger();
  const saved = { ...process.env };

  beforeAll(async () => {
    receiver = await startReceiver({
      port: 0,
      ledger,
      resolver: { servers: ['127.0.0.1:9'], timeoutMs: 200, tries: 1 },
      log: silentLog,
    });
    process.env.SMTP_TRANSPORT = JSON.stringify({
      host: '127.0.0.1',
      port: receiver.port,
      secure: false,
      ignoreTLS: true,
    });
    ses = await sesLocal({ host: '127.0.0.1', port: 0 });
    endpoint = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
    // The probe builds its own SES client: point the SDK at the stand-in the documented way.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_SESV2: endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await new Promise((resolve) => ses.close(resolve));
    await receiver.close();
  });

  it('sends the canary with SendEmail, and sees it arrive with its token when SES delivers it', async () => {
    const setup = canaryConfig(
      { name: 'seed', address: 'seed@inbound.example.test', arrival: { via: 'ledger' } },
      {
        timeoutSeconds: 30,
        options: { from: 'canary@example.test', send: { via: 'ses', region: 'eu-west-1' }, waitSeconds: 20 },
      },
    );
    const run = await runCanary(setup, { ledger });
    expect(run.check('send')).toMatchObject({ status: 'pass', details: { messageId: expect.any(String) } });
    expect(run.check('arrival')).toMatchObject({ status: 'pass' });

    const store = (await (await fetch(`${endpoint}/store`)).json()) as {
      emails: { from: string; destination: { to: string[] }; subject: string; messageId: string }[];
    };
    const [token] = ((run.memo?.pending ?? []) as { token: string }[]).map((p) => p.token);
    expect(token).toBeUndefined(); // arrived: nothing left pending
    expect(store.emails).toHaveLength(1);
    expect(store.emails[0]).toMatchObject({
      from: 'canary@example.test',
      destination: { to: ['seed@inbound.example.test'] },
      subject: expect.stringMatching(/^mailprobe canary mpc-/),
      messageId: run.check('send')?.details?.messageId,
    });
  });

  it('reports an SES endpoint that does not answer as unknown (the monitor’s path), never as a delivery failure', async () => {
    const closed = await sesLocal({ host: '127.0.0.1', port: 0 });
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    process.env.AWS_ENDPOINT_URL_SESV2 = `http://127.0.0.1:${port}`;
    // Another region: the probe keeps one SES client per region, and this one is built with the dead endpoint.
    const setup = canaryConfig(
      { name: 'seed', address: 'seed@inbound.example.test', arrival: { via: 'ledger' } },
      { options: { from: 'canary@example.test', send: { via: 'ses', region: 'eu-central-1' } } },
    );
    const run = await runCanary(setup, { ledger });
    expect(run.check('send')).toMatchObject({
      status: 'unknown',
      cause: 'canary.ses.unavailable',
      message: expect.stringContaining('ECONNREFUSED'),
    });
    process.env.AWS_ENDPOINT_URL_SESV2 = endpoint;
  });
});
