import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDnsServer } from '../../cli/demo/dns-server';
import { resolverFactory } from '../../shared/dns/resolver';
import { executeProbe } from '../../shared/run/execute';
import { createSecretResolver } from '../../shared/secrets/resolve';
import { parseConfig } from '../../shared/suite/load';
import { expandProbes } from '../../shared/suite/probes';
import { silentLog } from '../../shared/util/log';
import { testProbeDefinitions } from '../support/probe-context';
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
      ['tls.protocols', 'pass'],
      ['tls.ciphers', 'pass'],
      ['ehlo.tls', 'pass'],
      ['auth', 'pass'],
      ['mail', 'pass'],
      ['rcpt:alice@example.test', 'pass'],
    ]);
    for (const phase of [
      'connect',
      'banner',
      'ehlo',
      'starttls',
      'tls',
      'tlsScan',
      'auth',
      'mail',
      'rcpt',
      'quit',
    ]) {
      expect(run.timings).toHaveProperty(phase);
    }
    expect(run.check('tls').details).toMatchObject({ protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(run.transcript).toContain('C: AUTH PLAIN ***');
    const rcpt = run.transcript.indexOf('C: RCPT TO:<alice@example.test>');
    expect(run.transcript.slice(rcpt).filter((l) => l.startsWith('C: '))).toEqual([
      'C: RCPT TO:<alice@example.test>',
      'C: QUIT',
    ]);
  });

  it('scans the TLS protocols and suites once a day, reusing the scan from the memo in between', async () => {
    let connections = 0;
    const s = await submission({
      onConnect: (_session, cb) => {
        connections++;
        cb();
      },
    });
    const first = await runSmtpProbe(endpoint(s.port), { secrets, now: new Date('2026-03-10T10:00:00Z') });
    expect(connections).toBe(4); // the session and three scan connections
    expect(first.outcome.memo?.tlsScan).toMatchObject({ at: '2026-03-10T10:00:00.000Z' });

    connections = 0;
    const later = await runSmtpProbe(endpoint(s.port), {
      secrets,
      now: new Date('2026-03-10T15:00:00Z'),
      memo: first.outcome.memo,
    });
    expect(connections).toBe(1);
    expect(later.check('tls.protocols')).toMatchObject({
      status: first.check('tls.protocols').status,
      details: expect.objectContaining({ scannedAt: '2026-03-10T10:00:00.000Z' }),
    });
    expect(later.outcome.memo?.tlsScan).toEqual(first.outcome.memo?.tlsScan);

    connections = 0;
    const nextDay = await runSmtpProbe(endpoint(s.port), {
      secrets,
      now: new Date('2026-03-11T10:00:01Z'),
      memo: later.outcome.memo,
    });
    expect(connections).toBe(4);
    expect(nextDay.outcome.memo?.tlsScan).toMatchObject({ at: '2026-03-11T10:00:01.000Z' });
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

describe('smtp probe names connection and greeting failures', () => {
  it('reports a refused connection', async () => {
    const run = await runSmtpProbe(endpoint(await closedPort()), { secrets });
    expect(run.check('connect')).toMatchObject({ status: 'fail', cause: 'smtp.connect.refused' });
  });

  it('fails when the host name does not exist and is unknown when the resolver fails', async () => {
    const dns = await startDnsServer({
      records: { 'mx-only.test': [{ type: 'MX', exchange: 'mx.test', priority: 10 }] },
      behaviour: (name) => (name.startsWith('broken') ? 'servfail' : undefined),
    });
    try {
      const nx = await runSmtpProbe(endpoint(25, { host: 'nowhere.test' }), {
        secrets,
        resolverServers: [dns.server],
      });
      expect(nx.check('dns')).toMatchObject({ status: 'fail', cause: 'smtp.dns.nxdomain' });
      const noAddr = await runSmtpProbe(endpoint(25, { host: 'mx-only.test' }), {
        secrets,
        resolverServers: [dns.server],
      });
      expect(noAddr.check('dns')).toMatchObject({ status: 'fail', cause: 'smtp.dns.no-address' });
      const servfail = await runSmtpProbe(endpoint(25, { host: 'broken.test' }), {
        secrets,
        resolverServers: [dns.server],
      });
      expect(servfail.check('dns')).toMatchObject({ status: 'unknown', cause: 'smtp.dns.unavailable' });
      expect(servfail.checks.map((c) => c.id)).not.toContain('connect');
    } finally {
      await dns.close();
    }
  });

  it('reads a multi-line 220- greeting', async () => {
    const s = await track(
      startScripted('220-mx.test ESMTP postscreen\r\n220-please wait\r\n220 mx.test ready', (line) =>
        /^EHLO/.test(line) ? '250-mx.test\r\n250 8BITMIME' : /^QUIT/.test(line) ? '221 bye' : '250 ok',
      ),
    );
    const run = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: s.port, mode: 'plain' });
    expect(run.check('banner')).toMatchObject({
      status: 'pass',
      details: { lines: 3, reply: { code: 220 } },
    });
    expect(run.check('ehlo').status).toBe('pass');
  });

  it('fails when EHLO and HELO are both refused, and warns when only HELO works', async () => {
    const refuseBoth = await track(
      startScripted('220 mx.test ESMTP', (line) =>
        /^QUIT/.test(line)
          ? '221 bye'
          : '550 5.7.1 <mailprobe.invalid>: Helo command rejected: Host not found',
      ),
    );
    const both = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: refuseBoth.port, mode: 'plain' });
    expect(both.check('ehlo')).toMatchObject({
      status: 'fail',
      cause: 'smtp.ehlo.rejected',
      details: { reply: { code: 550, enhanced: '5.7.1' } },
    });
    const heloOnly = await track(
      startScripted('220 old.test SMTP', (line) =>
        /^EHLO/.test(line)
          ? '502 5.5.1 command not implemented'
          : /^QUIT/.test(line)
            ? '221 bye'
            : '250 old.test',
      ),
    );
    const helo = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: heloOnly.port, mode: 'plain' });
    expect(helo.check('ehlo')).toMatchObject({ status: 'warn', cause: 'smtp.ehlo.rejected' });
  });

  it.each([
    [
      554,
      '5.7.1 Service unavailable; client [127.0.0.1] blocked using zen.spamhaus.org',
      'fail',
      'provider.blocklist',
    ],
    [554, '5.7.1 Service unavailable; try again later', 'fail', 'smtp.banner.rejected'],
    [421, '4.7.0 Too many concurrent connections from your IP', 'warn', 'smtp.rate-limited'],
  ])('reports a %i greeting with its code and text', async (code, text, status, cause) => {
    const s = await submission({ onConnect: (_session, cb) => cb(smtpError(code, text)) });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('banner')).toMatchObject({
      status,
      cause,
      details: {
        reply: { code, enhanced: text.slice(0, 5), text: expect.stringContaining(text.slice(6, 30)) },
      },
    });
  });

  it("names the list of a blocklist rejection and its delisting page, and Gmail's 5.7.26 at RCPT", async () => {
    const s = await track(
      startScripted('220 mx.test ESMTP', (line) =>
        /^EHLO/.test(line)
          ? '250 mx.test'
          : /^MAIL/.test(line)
            ? '250 2.1.0 OK'
            : /^RCPT/.test(line)
              ? "550-5.7.26 Unauthenticated email from sender.test is not accepted due to domain's\r\n550 5.7.26 DMARC policy. - gsmtp"
              : '221 bye',
      ),
    );
    const run = await runSmtpProbe({
      name: 'mx',
      host: '127.0.0.1',
      port: s.port,
      mode: 'plain',
      envelope: { from: 'a@sender.test', to: ['seed@gmail.test'] },
    });
    expect(run.check('rcpt:seed@gmail.test')).toMatchObject({
      status: 'fail',
      cause: 'provider.gmail.unauthenticated',
      details: { provider: 'gmail', reply: { code: 550, enhanced: '5.7.26' } },
    });
    const blocked = await submission({
      onConnect: (_session, cb) =>
        cb(
          smtpError(554, '5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org'),
        ),
    });
    const banner = (await runSmtpProbe(endpoint(blocked.port), { secrets })).check('banner');
    expect(banner).toMatchObject({
      cause: 'provider.blocklist',
      details: { list: 'zen.spamhaus.org', delistUrl: 'https://check.spamhaus.org/' },
    });
  });

  it('reports a connection closed before the greeting', async () => {
    const s = await track(startRaw((socket) => socket.destroy()));
    const run = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: s.port, mode: 'plain' });
    expect(run.check('banner')).toMatchObject({ status: 'fail', cause: 'smtp.banner.closed' });
  });

  it('recognises an SSH daemon on the port', async () => {
    const s = await track(startRaw((socket) => socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')));
    const run = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: s.port, mode: 'plain' });
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      details: { service: 'ssh' },
    });
  });

  it('recognises an HTTP server on the port (it waits for the client, so the probe speaks first)', async () => {
    const http = createHttpServer((_req, res) => res.end('hello'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    servers.push({
      port: 0,
      close: () => new Promise((resolve) => (http as unknown as Server).close(() => resolve())),
    });
    const port = (http.address() as { port: number }).port;
    const run = await runSmtpProbe(
      { name: 'web', host: '127.0.0.1', port, mode: 'plain' },
      { options: { replyTimeoutSeconds: 1 } },
    );
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      details: { service: 'http' },
    });
  });

  it('fails with the greeting timeout, saying what the follow-ups saw, when a port answers nothing at all', async () => {
    const s = await track(startRaw(() => {}));
    const run = await runSmtpProbe(
      { name: 'mute', host: '127.0.0.1', port: s.port, mode: 'plain' },
      { options: { replyTimeoutSeconds: 4 } },
    );
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.banner.timeout',
      details: {
        followUps: {
          tls: expect.stringContaining('no TLS handshake within 2 s'),
          dns: 'no answer within 2 s',
          http: 'no answer within 2 s',
        },
      },
    });
    expect(run.check('banner').message).toContain('no greeting within 4 s');
  }, 15_000);

  it('names plaintext spoken to an implicit-TLS port', async () => {
    const s = await submission({ secure: true });
    const run = await runSmtpProbe(endpoint(s.port), { secrets, options: { replyTimeoutSeconds: 1 } });
    expect(run.check('banner')).toMatchObject({ status: 'fail', cause: 'smtp.mode.plain-on-tls-port' });
  });

  it('names TLS spoken to a STARTTLS port', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port, { mode: 'implicit-tls' }), { secrets });
    expect(run.check('tls')).toMatchObject({ status: 'fail', cause: 'smtp.mode.tls-on-plain-port' });
  });

  it('passes implicit TLS on an SMTPS port', async () => {
    const s = await submission({ secure: true });
    const run = await runSmtpProbe(endpoint(s.port, { mode: 'implicit-tls' }), { secrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.check('tls.certificate').status).toBe('pass');
  });
});

describe('smtp probe names STARTTLS, TLS and certificate failures', () => {
  it('recognises a TLS alert sent back to a plaintext line', async () => {
    const s = await track(
      startRaw((socket) =>
        socket.once('data', () => socket.end(Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]))),
      ),
    );
    const run = await runSmtpProbe(
      { name: 'smtps', host: '127.0.0.1', port: s.port, mode: 'starttls' },
      { options: { replyTimeoutSeconds: 1 } },
    );
    expect(run.check('banner')).toMatchObject({
      status: 'fail',
      cause: 'smtp.mode.plain-on-tls-port',
      details: { service: 'tls', followUps: { tls: expect.stringContaining('TLS alert') } },
    });
  });

  it('fails when STARTTLS is required but not offered, and never continues in plaintext', async () => {
    const s = await submission({ hideSTARTTLS: true });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls')).toMatchObject({ status: 'fail', cause: 'smtp.starttls.not-offered' });
    expect(run.checks.map((c) => c.id)).not.toContain('auth');
    expect(run.transcript.some((l) => l.startsWith('C: AUTH'))).toBe(false);
  });

  it('warns when STARTTLS is missing but not required, and still keeps the password off the wire', async () => {
    const s = await submission({ hideSTARTTLS: true });
    const run = await runSmtpProbe(endpoint(s.port, { requireTls: false }), { secrets });
    expect(run.check('tls')).toMatchObject({ status: 'warn', cause: 'smtp.starttls.not-offered' });
    expect(run.check('auth')).toMatchObject({ status: 'fail', cause: 'smtp.starttls.not-offered' });
    expect(run.transcript.some((l) => l.startsWith('C: AUTH'))).toBe(false);
  });

  it('fails when the server refuses STARTTLS (454)', async () => {
    const s = await track(
      startScripted('220 mx.test ESMTP', (line) =>
        /^EHLO/.test(line)
          ? '250-mx.test\r\n250-STARTTLS\r\n250 AUTH PLAIN'
          : /^STARTTLS/.test(line)
            ? '454 4.7.0 TLS not available due to local problem'
            : '221 bye',
      ),
    );
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls')).toMatchObject({
      status: 'fail',
      cause: 'smtp.starttls.refused',
      details: { reply: { code: 454, enhanced: '4.7.0' } },
    });
  });

  it('fails when the TLS handshake cannot complete', async () => {
    const s = await submission({ maxVersion: 'TLSv1', minVersion: 'TLSv1' } as never);
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    const tls = run.check('tls');
    expect(tls).toMatchObject({ status: 'fail', cause: 'smtp.tls.handshake-failed' });
    // The meaning leads; OpenSSL's own string (error:0A...:SSL routines:...) is kept in the details only.
    expect(tls.message).toMatch(/^TLS handshake failed: no TLS version in common/);
    expect(tls.message).not.toMatch(/error:[0-9A-F]{8}|\.c:\d+/);
    expect(tls.details?.raw).toMatch(/error:[0-9A-F]{8}:SSL routines/);
  });

  it.each([
    [
      'expired',
      { notBefore: new Date(Date.now() - 400 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) },
      'smtp.tls.cert-expired',
    ],
    [
      'not yet valid',
      { notBefore: new Date(Date.now() + 86_400_000), notAfter: new Date(Date.now() + 400 * 86_400_000) },
      'smtp.tls.cert-not-yet-valid',
    ],
  ])('fails on an %s certificate and stops before AUTH', async (_label, dates, cause) => {
    const pair = await ca.issue({ names: [HOST], ...dates });
    const s = await submission({ key: pair.key, cert: pair.cert });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls.certificate')).toMatchObject({ status: 'fail', cause });
    expect(run.checks.map((c) => c.id)).not.toContain('auth');
  });

  it('fails on a self-signed certificate', async () => {
    const pair = await selfSigned(HOST);
    const s = await submission({ key: pair.key, cert: pair.cert });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.cert-untrusted',
      details: { verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
  });

  it('fails on a certificate from a CA the probe was not given', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port, { tls: { servername: HOST } }), { secrets });
    expect(run.check('tls.certificate')).toMatchObject({ status: 'fail', cause: 'smtp.tls.cert-untrusted' });
  });

  it('fails on a certificate for another host name', async () => {
    const pair = await ca.issue({ names: ['other.test'] });
    const s = await submission({ key: pair.key, cert: pair.cert });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls.certificate')).toMatchObject({
      status: 'fail',
      cause: 'smtp.tls.hostname-mismatch',
      details: { altNames: ['DNS:other.test'] },
    });
  });

  it('warns when the certificate expires within the threshold, and goes on', async () => {
    const pair = await ca.issue({ names: [HOST], notAfter: new Date(Date.now() + 10 * 86_400_000) });
    const s = await submission({ key: pair.key, cert: pair.cert });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('tls.certificate')).toMatchObject({ status: 'warn', cause: 'smtp.tls.cert-expiring' });
    expect(run.check('auth').status).toBe('pass');
  });

  it('gives the time to expiry in hours and minutes when under two days are left, not "0 days"', async () => {
    const notAfter = new Date(Date.now() + 23.9 * 3_600_000);
    const pair = await ca.issue({ names: [HOST], notAfter });
    const s = await submission({ key: pair.key, cert: pair.cert });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    const cert = run.check('tls.certificate');
    expect(cert).toMatchObject({
      status: 'warn',
      cause: 'smtp.tls.cert-expiring',
      observed: { daysLeft: 0 },
    });
    expect(cert.message).toMatch(/^certificate expires in 23 h 5\d min /);
    expect(cert.details?.hoursLeft).toBeCloseTo(23.9, 0);
  });

  it('trusts the CA of tls.caFile, read when the config is loaded', async () => {
    const s = await submission();
    const dir = mkdtempSync(join(tmpdir(), 'mailprobe-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, ca.cert);
    try {
      const run = await runSmtpProbe(endpoint(s.port, { tls: { caFile, servername: HOST } }), { secrets });
      expect(run.check('tls.certificate').status).toBe('pass');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});

describe('smtp probe names AUTH failures', () => {
  it('fails with wrong credentials (535 5.7.8)', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port), { secrets: { SMTP_PASS: 'wrong-password' } });
    expect(run.check('auth')).toMatchObject({
      status: 'fail',
      cause: 'smtp.auth.rejected',
      details: { reply: { code: 535, enhanced: '5.7.8' } },
    });
    expect(run.checks.map((c) => c.id)).not.toContain('mail');
  });

  it('fails with a temporary failure (454 4.7.0)', async () => {
    const s = await submission({
      onAuth: (_a, _s, cb) => cb(smtpError(454, '4.7.0 Temporary authentication failure')),
    });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('auth')).toMatchObject({ status: 'fail', cause: 'smtp.auth.temporary' });
  });

  it('fails when AUTH is not offered even over TLS', async () => {
    const s = await submission({ disabledCommands: ['AUTH'] });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('auth')).toMatchObject({ status: 'fail', cause: 'smtp.auth.not-offered' });
  });

  it('names AUTH before TLS in plain mode', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port, { mode: 'plain', tls: undefined }), { secrets });
    expect(run.check('auth')).toMatchObject({ status: 'fail', cause: 'smtp.auth.tls-required' });
  });

  it('names a 538 answer to AUTH as TLS required', async () => {
    const s = await track(
      startScripted('220 mx.test ESMTP', (line) =>
        /^EHLO/.test(line)
          ? '250-mx.test\r\n250 AUTH PLAIN LOGIN'
          : /^AUTH/.test(line)
            ? '538 5.7.11 Encryption required for requested authentication mechanism'
            : '221 bye',
      ),
    );
    const run = await runSmtpProbe(endpoint(s.port, { mode: 'plain', tls: undefined }), { secrets });
    expect(run.check('auth')).toMatchObject({
      status: 'fail',
      cause: 'smtp.auth.tls-required',
      details: { reply: { code: 538, enhanced: '5.7.11' } },
    });
  });

  it('fails when no advertised mechanism can be used', async () => {
    const s = await submission({ authMethods: ['XOAUTH2'] });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('auth')).toMatchObject({
      status: 'fail',
      cause: 'smtp.auth.no-common-mechanism',
      details: { offered: ['XOAUTH2'] },
    });
  });

  it('is unknown when the password secret cannot be read, and tests the rest', async () => {
    const s = await submission();
    const run = await runSmtpProbe(endpoint(s.port), { secrets: {} });
    expect(run.check('auth')).toMatchObject({ status: 'unknown', cause: 'probe.secret-unavailable' });
    expect(run.check('tls.certificate').status).toBe('pass');
  });
});

describe('smtp probe names envelope failures with the reply code, enhanced code and text', () => {
  it('fails when the sender is rejected', async () => {
    const s = await submission({
      onMailFrom: (_a, _s, cb) => cb(smtpError(553, '5.7.1 Sender address rejected: not owned by user bob')),
    });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('mail')).toMatchObject({
      status: 'fail',
      cause: 'smtp.mail.rejected',
      details: {
        reply: { code: 553, enhanced: '5.7.1', text: 'Sender address rejected: not owned by user bob' },
      },
    });
  });

  it.each([
    [
      550,
      '5.1.1 <alice@example.test>: Recipient address rejected: User unknown',
      'fail',
      'smtp.rcpt.unknown-user',
    ],
    [452, '4.2.2 <alice@example.test>: Mailbox full', 'warn', 'smtp.rcpt.mailbox-full'],
    [552, '5.2.2 <alice@example.test>: Mailbox over quota', 'fail', 'smtp.rcpt.mailbox-full'],
    [554, '5.7.1 <alice@example.test>: Relay access denied', 'fail', 'smtp.rcpt.relay-denied'],
    [
      451,
      '4.7.1 <alice@example.test>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch',
      'warn',
      'smtp.rcpt.greylisted',
    ],
    [450, '4.7.0 Too many recipients from your IP, slow down', 'warn', 'smtp.rate-limited'],
    [550, '5.7.1 Message rejected by policy', 'fail', 'smtp.rcpt.rejected'],
    [451, '4.3.0 Temporary lookup failure', 'warn', 'smtp.rcpt.deferred'],
  ])('classifies RCPT %i %s', async (code, text, status, cause) => {
    const s = await submission({ onRcptTo: (_a, _s, cb) => cb(smtpError(code, text)) });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('rcpt:alice@example.test')).toMatchObject({
      status,
      cause,
      details: { reply: { code, enhanced: text.slice(0, 5) } },
    });
  });

  it('ends the session on 421 rate limiting at RCPT', async () => {
    const s = await submission({
      onRcptTo: (_a, _s, cb) => cb(smtpError(421, '4.7.0 Too many connections, try later')),
    });
    const run = await runSmtpProbe(endpoint(s.port), { secrets });
    expect(run.check('rcpt:alice@example.test')).toMatchObject({
      status: 'warn',
      cause: 'smtp.rate-limited',
    });
  });

  describe('a 421 ends the session in any phase (RFC 5321 3.8): one finding, with its cause', () => {
    const notPassed = (run: Awaited<ReturnType<typeof runSmtpProbe>>) =>
      run.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status, c.cause]);

    it('at RCPT: no later recipient, no DATA, no second failure for the closed connection', async () => {
      const s = await submission({
        onRcptTo: (a, _s, cb) =>
          a.address === 'alice@example.test' ? cb(smtpError(421, '4.3.2 Service shutting down')) : cb(),
      });
      const run = await runSmtpProbe(
        endpoint(s.port, {
          envelope: {
            from: 'bob@example.test',
            to: ['alice@example.test', 'carol@example.test'],
            send: true,
          },
        }),
        { secrets },
      );
      expect(notPassed(run)).toEqual([['rcpt:alice@example.test', 'fail', 'smtp.session.closing']]);
      expect(run.check('rcpt:alice@example.test')).toMatchObject({
        message: expect.stringContaining('the server ended the session with 421 4.3.2 Service shutting down'),
        details: { reply: { code: 421, enhanced: '4.3.2' } },
      });
      expect(run.transcript).not.toContain('C: RCPT TO:<carol@example.test>');
      expect(run.transcript).not.toContain('C: QUIT');
    });

    it('at the open-relay test: not a pass, and AUTH is not tried on the closed connection', async () => {
      const s = await submission({
        authOptional: true,
        onMailFrom: (_a, _s, cb) => cb(smtpError(421, '4.7.0 Too many connections from your IP, try later')),
      });
      const run = await runSmtpProbe(
        endpoint(s.port, { relayTest: { to: 'someone@elsewhere.example' }, envelope: undefined }),
        { secrets },
      );
      expect(notPassed(run)).toEqual([['relay', 'warn', 'smtp.rate-limited']]);
      expect(run.checks.map((c) => c.id)).not.toContain('auth');
    });

    it('at the greeting: a service shutting down is named as such', async () => {
      const s = await submission({
        onConnect: (_session, cb) => cb(smtpError(421, '4.3.2 Service shutting down, closing channel')),
      });
      const run = await runSmtpProbe(endpoint(s.port), { secrets });
      expect(notPassed(run)).toEqual([['banner', 'fail', 'smtp.session.closing']]);
    });

    it.each([
      ['EHLO', 'ehlo'],
      ['STARTTLS', 'starttls'],
    ])('at %s', async (command, id) => {
      const s = await track(
        startScripted('220 mx.test ESMTP', (line) =>
          line.startsWith(command)
            ? '421 4.3.2 mx.test Service shutting down'
            : /^EHLO/.test(line)
              ? '250-mx.test\r\n250 STARTTLS'
              : '250 ok',
        ),
      );
      const run = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: s.port, mode: 'starttls' });
      expect(notPassed(run)).toEqual([[id, 'fail', 'smtp.session.closing']]);
    });
  });

  it('declares SMTPUTF8 for a UTF-8 address where it is advertised, and names its absence elsewhere', async () => {
    const declared: unknown[] = [];
    const utf8 = await submission({
      onMailFrom: (address, _s, cb) => {
        declared.push(address.args);
        cb();
      },
    });
    const envelope = { from: 'bob@example.test', to: ['jörg@example.test'] };
    const run = await runSmtpProbe(endpoint(utf8.port, { envelope }), { secrets });
    expect(run.check('mail')).toMatchObject({
      status: 'pass',
      message: expect.stringContaining(' SMTPUTF8: 250'),
    });
    expect(declared).toEqual([expect.objectContaining({ SMTPUTF8: true })]);

    const plain = await submission({ hideSMTPUTF8: true });
    const without = await runSmtpProbe(endpoint(plain.port, { envelope }), { secrets });
    expect(without.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.cause])).toEqual([
      ['smtputf8', 'smtp.smtputf8.not-offered'],
    ]);
  });

  it('retries a greylisted recipient after the configured delay and passes when it is accepted', async () => {
    let attempts = 0;
    const s = await submission({
      onRcptTo: (_a, _s, cb) =>
        ++attempts === 1 ? cb(smtpError(451, '4.7.1 Greylisted, try again later')) : cb(),
    });
    const run = await runSmtpProbe(endpoint(s.port), { secrets, options: { greylistRetrySeconds: 1 } });
    expect(run.check('rcpt:alice@example.test')).toMatchObject({
      status: 'pass',
      details: { greylistedFirst: { code: 451, enhanced: '4.7.1' } },
    });
    expect(attempts).toBe(2);
  });

  it('fails a recipient still greylisted after the retry', async () => {
    const s = await submission({
      onRcptTo: (_a, _s, cb) => cb(smtpError(451, '4.7.1 Greylisted, try again later')),
    });
    const run = await runSmtpProbe(endpoint(s.port), { secrets, options: { greylistRetrySeconds: 1 } });
    expect(run.check('rcpt:alice@example.test')).toMatchObject({
      status: 'fail',
      cause: 'smtp.rcpt.greylisted',
    });
  });

  it('fails when the declared message size is over the limit (552 at MAIL FROM SIZE=)', async () => {
    const s = await submission({ size: 1_000_000 });
    const run = await runSmtpProbe(
      endpoint(s.port, {
        envelope: { from: 'bob@example.test', to: ['alice@example.test'], sizeBytes: 5_000_000 },
      }),
      { secrets },
    );
    expect(run.check('mail')).toMatchObject({
      status: 'fail',
      cause: 'smtp.message.too-large',
      details: { reply: { code: 552 }, sizeLimit: 1_000_000 },
    });
  });

  it('fails when DATA is refused as too large (552 5.3.4)', async () => {
    const s = await submission({
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => cb(smtpError(552, '5.3.4 Message size exceeds fixed limit')));
      },
    });
    const run = await runSmtpProbe(
      endpoint(s.port, { envelope: { from: 'bob@example.test', to: ['alice@example.test'], send: true } }),
      { secrets },
    );
    expect(run.check('data')).toMatchObject({ status: 'fail', cause: 'smtp.message.too-large' });
  });
});

describe('smtp probe open-relay test', () => {
  it('passes when an unauthenticated outside recipient is refused', async () => {
    const s = await submission({
      authOptional: true,
      onRcptTo: (addr, session, cb) =>
        session.user || addr.address.endsWith('@example.test')
          ? cb()
          : cb(smtpError(554, '5.7.1 Relay access denied')),
    });
    const run = await runSmtpProbe(endpoint(s.port, { relayTest: { to: 'victim@outside.test' } }), {
      secrets,
    });
    expect(run.check('relay')).toMatchObject({ status: 'pass', details: { reply: { code: 554 } } });
    expect(run.check('auth').status).toBe('pass');
  });

  it('fails when the server relays without AUTH', async () => {
    const s = await submission({ authOptional: true });
    const run = await runSmtpProbe(endpoint(s.port, { relayTest: { to: 'victim@outside.test' } }), {
      secrets,
    });
    expect(run.check('relay')).toMatchObject({ status: 'fail', cause: 'smtp.relay.open' });
  });
});

describe('smtp probe names broken sessions', () => {
  const script = (onMail: 'drop' | 'stall' | 'trickle') =>
    startRaw((socket) => {
      socket.write('220 mx.test ESMTP\r\n');
      socket.on('data', (chunk) => {
        const line = chunk.toString();
        if (/^EHLO/.test(line)) socket.write('250-mx.test\r\n250 SIZE 1000\r\n');
        else if (/^MAIL/.test(line)) {
          if (onMail === 'drop') socket.destroy();
          if (onMail === 'trickle') {
            // slowloris: a reply that never ends, one byte at a time
            const timer = setInterval(
              () => (socket.destroyed ? clearInterval(timer) : socket.write('2')),
              100,
            );
          }
        } else socket.write('221 bye\r\n');
      });
    });
  const plainEndpoint = (port: number) => ({
    name: 'mx',
    host: '127.0.0.1',
    port,
    mode: 'plain' as const,
    envelope: { from: 'probe@example.test', to: ['postmaster@example.test'] },
  });

  it('reports a connection dropped mid-session', async () => {
    const s = await track(script('drop'));
    const run = await runSmtpProbe(plainEndpoint(s.port));
    expect(run.check('mail')).toMatchObject({ status: 'fail', cause: 'smtp.session.dropped' });
  });

  it('gives up on a reply that trickles in forever', async () => {
    const s = await track(script('trickle'));
    const run = await runSmtpProbe(plainEndpoint(s.port), { options: { replyTimeoutSeconds: 1 } });
    expect(run.check('mail')).toMatchObject({ status: 'fail', cause: 'smtp.session.timeout' });
  });

  it('stops promptly when the probe is aborted and reports unknown', async () => {
    const s = await track(script('stall'));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const run = await runSmtpProbe(plainEndpoint(s.port), {
      signal: controller.signal,
      options: { replyTimeoutSeconds: 60 },
    });
    expect(run.check('mail')).toMatchObject({ status: 'unknown', cause: 'probe.timeout' });
  });
});

describe('smtp probe under the runner time budget', () => {
  it('keeps the passed connect check and says the wait was for the banner', async () => {
    const s = await track(startRaw(() => {}));
    const config = parseConfig({
      targets: { smtp: [{ name: 'mute', host: '127.0.0.1', port: s.port, mode: 'plain' }] },
      probes: [
        {
          name: 'smtp',
          kind: 'smtp',
          schedule: 'rate(5 minutes)',
          timeoutSeconds: 2,
          options: { replyTimeoutSeconds: 60 },
        },
      ],
    });
    const [spec] = expandProbes(config, await testProbeDefinitions());
    if (!spec) throw new Error('no probe');
    const { result } = await executeProbe(spec, new Date(), undefined, {
      secrets: createSecretResolver({ env: {} }),
      resolver: config.resolver,
      dns: resolverFactory(),
      log: silentLog,
      now: () => new Date(),
    });
    expect(result.checks.map((c) => `${c.id}=${c.status}`)).toEqual(['connect=pass', 'banner=unknown']);
    expect(result.checks[1]).toMatchObject({
      cause: 'probe.timeout',
      message: 'stopped waiting for the greeting',
    });
  });
});

describe('smtp probe keeps the password out of everything it records', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const forms = [
    PASSWORD,
    b64(PASSWORD),
    b64(`\0bob\0${PASSWORD}`),
    encodeURIComponent(PASSWORD),
    // The probe upper-cases the EHLO keywords and AUTH mechanisms it reports.
    PASSWORD.toUpperCase(),
  ];

  /** A hostile server that echoes every AUTH line, decoded, in its rejection. */
  const echoing = () =>
    startScripted('220 mx.test ESMTP', (line) => {
      if (/^EHLO/.test(line)) return '250-mx.test\r\n250 AUTH PLAIN LOGIN';
      if (/^AUTH PLAIN /.test(line)) {
        return `535 5.7.8 bad credentials ${Buffer.from(line.slice(11), 'base64').toString('latin1').replace(/\0/g, ' ')}`;
      }
      return '221 bye';
    });

  const scenarios: [string, () => Promise<{ port: number; extra?: Record<string, unknown> }>][] = [
    ['healthy PLAIN', async () => ({ port: (await submission()).port })],
    [
      'healthy LOGIN',
      async () => ({
        port: (await submission()).port,
        extra: { auth: { user: 'bob', password: { env: 'SMTP_PASS' }, mechanism: 'LOGIN' } },
      }),
    ],
    [
      'healthy CRAM-MD5',
      async () => ({
        port: (await submission()).port,
        extra: { auth: { user: 'bob', password: { env: 'SMTP_PASS' }, mechanism: 'CRAM-MD5' } },
      }),
    ],
    [
      'rejected',
      async () => ({
        port: (await submission({ onAuth: (_a, _s, cb) => cb(smtpError(535, '5.7.8 no')) })).port,
      }),
    ],
    [
      'echoing server',
      async () => ({ port: (await track(echoing())).port, extra: { mode: 'plain', tls: undefined } }),
    ],
    [
      // A server that has seen the password (an earlier session's AUTH) and announces it back.
      'password announced as EHLO keyword and AUTH mechanism',
      async () => ({
        port: (
          await track(
            startScripted('220 mx.test ESMTP', (line) => {
              if (/^EHLO/.test(line)) return `250-mx.test\r\n250-${PASSWORD}\r\n250 AUTH PLAIN ${PASSWORD}`;
              if (/^AUTH PLAIN /.test(line)) return '535 5.7.8 bad credentials';
              return '221 bye';
            }),
          )
        ).port,
        extra: { mode: 'plain', tls: undefined },
      }),
    ],
    [
      'no STARTTLS',
      async () => ({ port: (await submission({ hideSTARTTLS: true })).port, extra: { requireTls: false } }),
    ],
    [
      'AUTH before TLS',
      async () => ({ port: (await submission()).port, extra: { mode: 'plain', tls: undefined } }),
    ],
    [
      'untrusted certificate',
      async () => ({ port: (await submission()).port, extra: { tls: { servername: HOST } } }),
    ],
  ];

  it.each(scenarios)(
    '%s: no form of the password in checks, transcript, timings or logs',
    async (_name, setup) => {
      const { port, extra } = await setup();
      const run = await runSmtpProbe(endpoint(port, extra), { secrets });
      const recorded = JSON.stringify({
        outcome: run.outcome,
        transcript: run.transcript,
        timings: run.timings,
        logs: run.logs,
      });
      for (const form of forms) expect(recorded).not.toContain(form);
      expect(run.checks.length).toBeGreaterThan(2);
    },
  );
});

describe('smtp probe bounds untrusted replies', () => {
  it('stops reading an endless reply and keeps what it shows bounded and printable', async () => {
    const s = await track(
      startRaw((socket) => {
        socket.write(`220-${'\u001b[31m'.repeat(10)}${'x'.repeat(2000)}\r\n`);
        for (let i = 0; i < 300; i++) socket.write(`220-${'y'.repeat(500)}\r\n`);
      }),
    );
    const run = await runSmtpProbe({ name: 'mx', host: '127.0.0.1', port: s.port, mode: 'plain' });
    expect(run.check('banner')).toMatchObject({ status: 'fail', cause: 'smtp.protocol.error' });
    expect(JSON.stringify(run.outcome).length).toBeLessThan(10_000);
    expect(JSON.stringify(run.transcript)).not.toContain('\u001b');
  });
});
