import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:net';
import { startDnsServer } from '../../cli/demo/dns-server';
import { createTestCa, type KeyPair, selfSigned, type TestCa } from '../support/smtp/certs';
import { runSmtpProbe } from '../support/smtp/harness';
import {
  closedPort,
  type Listening,
  smtpError,
  startRaw,
  startScripted,
  startSmtp,
} from '../support/smtp/servers';

const HOST = 'mx.test';
const PASSWORD = 'Zq8-distinctive-pässwörd-7731';
const DAY = 86_400_000;

let ca: TestCa;
let good: KeyPair;
const servers: Listening[] = [];

beforeAll(async () => {
  ca = await createTestCa();
  good = await ca.issue({ names: [HOST] });
});
afterAll(async () => {
  await ca.dispose();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function track<T extends Listening>(server: Promise<T>): Promise<T> {
  const s = await server;
  servers.push(s);
  return s;
}

/** A submission server: STARTTLS with a test-CA certificate, AUTH PLAIN/LOGIN for bob/PASSWORD. */
function submission(overrides: Parameters<typeof startSmtp>[0] = {}) {
  return track(
    startSmtp({
      key: good.key,
      cert: good.cert,
      authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
      onAuth(auth, _session, cb) {
        const ok =
          auth.username === 'bob' &&
          (auth.method === 'CRAM-MD5' ? auth.validatePassword?.(PASSWORD) : auth.password === PASSWORD);
        if (ok) cb(null, { user: 'bob' });
        else cb(smtpError(535, '5.7.8 Authentication credentials invalid'));
      },
      ...overrides,
    }),
  );
}

/** The endpoint as configured for a submission server on `port`, the certificate checked as mx.test. */
function endpoint(port: number, extra: Record<string, unknown> = {}) {
  return {
    name: 'submission',
    host: '127.0.0.1',
    port,
    mode: 'starttls' as const,
    tls: { caPem: ca.cert, servername: HOST },
    auth: { user: 'bob', password: { env: 'SMTP_PASS' } },
    envelope: { from: 'bob@example.test', to: ['alice@example.test'] },
    ...extra,
  };
}
const secrets = { SMTP_PASS: PASSWORD };

describe('smtp probe against a healthy submission server', () => {
  it('passes every step and times each phase', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.checks.map((c) => [c.id, c.status])).toEqual([
      ['connect', 'pass'],
      ['banner', 'pass'],
      ['ehlo', 'pass'],
      ['tls', 'pass'],
      ['tls.certificate', 'pass'],
      ['ehlo.tls', 'pass'],
      ['auth', 'pass'],
      ['mail', 'pass'],
      ['rcpt:alice@example.test', 'pass'],
    ]);
    for (const phase of ['connect', 'banner', 'ehlo', 'starttls', 'tls', 'auth', 'mail', 'rcpt', 'quit']) {
      expect(run.timings).toHaveProperty(phase);
    }
    expect(run.check('tls').details).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(run.transcript).toContain('C: AUTH PLAIN ***');
    expect(run.transcript).toContain('C: RSET');
  });

  it('resolves the host with the configured resolver and records the addresses', async () => {
    const s = await submission();
    const dns = await startDnsServer({ records: { [HOST]: [{ type: 'A', address: '127.0.0.1' }] } });
    try {
      const run = await runSmtpProbe(endpoint(s.port, { host: HOST, tls: { caPem: ca.cert } }), {
        secrets,
        resolverServers: [dns.server],
      });
      expect(run.check('dns')).toMatchObject({ status: 'pass', details: { addresses: ['127.0.0.1'] } });
      expect(run.check('tls.certificate').status).toBe('pass');
      expect(run.timings).toHaveProperty('dns');
    } finally {
      await dns.close();
    }
  });

  it('authenticates with LOGIN and CRAM-MD5 when configured', async () => {
    const s = await submission();
    for (const mechanism of ['LOGIN', 'CRAM-MD5'] as const) {
      const run = await runSmtpProbe(
        endpoint(s.port, { auth: { user: 'bob', password: { env: 'SMTP_PASS' }, mechanism } }),
        { secrets },
      );
      expect(run.check('auth')).toMatchObject({ status: 'pass', details: { mechanism } });
    }
  });

  it('sends a small message with DATA when send is on', async () => {
    const received: string[] = [];
    const s = await submission({
      onData(stream, _session, cb) {
        let text = '';
        stream.on('data', (d: Buffer) => {
          text += d.toString();
        });
        stream.on('end', () => {
          received.push(text);
          cb(null);
        });
      },
    });
    const run = await runSmtpProbe(
      endpoint(s.port, { envelope: { from: 'bob@example.test', to: ['alice@example.test'], send: true } }),
      { secrets },
    );
    expect(run.check('data').status).toBe('pass');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatch(/Subject: mailprobe test/);
  });
});
