import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTls, type Server as TlsServer } from 'node:tls';
import type { DnsResolver } from '../../shared/dns/resolver';
import type { OAuth2Settings } from '../../shared/probes/canary/config';
import { AccessTokenCache, OAuthRefreshError } from '../../shared/probes/canary/oauth2';
import { type Receiver, startReceiver } from '../../shared/probes/canary/receiver';
import { silentLog } from '../../shared/util/log';
import { createTestCa, type TestCa } from '../support/smtp/certs';
import { canaryConfig, MemoryCanaryLedger, runCanary } from './canary-harness';

jest.setTimeout(30_000);

interface TokenRequest {
  path: string;
  contentType: string | undefined;
  form: Record<string, string>;
}

/**
 * A token endpoint over HTTPS on loopback (certificate from an openssl-minted test CA). `answer` decides each
 * reply; every request is recorded with its form fields.
 */
class TokenEndpoint {
  readonly requests: TokenRequest[] = [];
  answer: (req: TokenRequest) => { status: number; body: string } = () => ({ status: 500, body: '' });
  private constructor(private readonly server: HttpsServer) {}

  static async start(ca: TestCa): Promise<TokenEndpoint> {
    const leaf = await ca.issue({ names: ['login.oauth.test', '127.0.0.1'] });
    let endpoint: TokenEndpoint | undefined;
    const server = createHttps({ key: leaf.key, cert: leaf.cert }, (req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const recorded: TokenRequest = {
          path: req.url ?? '',
          contentType: req.headers['content-type'],
          form: Object.fromEntries(new URLSearchParams(body)),
        };
        endpoint?.requests.push(recorded);
        const reply = endpoint?.answer(recorded) ?? { status: 500, body: '' };
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = new TokenEndpoint(server);
    return endpoint;
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}/tenant-1/oauth2/v2.0/token`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const grant = (accessToken: string, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: JSON.stringify({ token_type: 'Bearer', access_token: accessToken, expires_in: 3599, ...extra }),
});

// Every endpoint here is an IP literal: nothing is resolved.
const io = {
  resolver: (async () => []) as unknown as DnsResolver,
  signal: new AbortController().signal,
  log: () => {},
};

describe('OAuth2 access tokens from a refresh token (loopback HTTPS token endpoint)', () => {
  let ca: TestCa;
  let endpoint: TokenEndpoint;
  let settings: OAuth2Settings;
  beforeAll(async () => {
    ca = await createTestCa();
    endpoint = await TokenEndpoint.start(ca);
    settings = {
      tokenUrl: endpoint.url,
      clientId: 'app-1',
      refreshToken: { env: 'unused' },
      scope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
      tls: { caPem: ca.cert, servername: 'login.oauth.test' },
    };
  });
  afterAll(async () => {
    await endpoint.close();
    await ca.dispose();
  });
  beforeEach(() => endpoint.requests.splice(0));

  it('posts the refresh grant as a form, caches the access token until shortly before it expires, then refreshes with the rotated refresh token', async () => {
    let clock = Date.parse('2026-12-01T10:00:00Z');
    const cache = new AccessTokenCache(() => clock);
    let issued = 0;
    endpoint.answer = () => {
      issued += 1;
      return grant(`access-${issued}`, { refresh_token: `rotated-${issued}` });
    };
    const credentials = { clientId: 'app-1', clientSecret: 'client-secret-1', refreshToken: 'refresh-0' };

    expect(await cache.get(settings, credentials, io)).toBe('access-1');
    expect(endpoint.requests).toEqual([
      {
        path: '/tenant-1/oauth2/v2.0/token',
        contentType: 'application/x-www-form-urlencoded',
        form: {
          grant_type: 'refresh_token',
          refresh_token: 'refresh-0',
          client_id: 'app-1',
          client_secret: 'client-secret-1',
          scope: 'https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
        },
      },
    ]);

    clock += 50 * 60_000; // 50 minutes later: still valid for 10 minutes
    expect(await cache.get(settings, credentials, io)).toBe('access-1');
    expect(endpoint.requests).toHaveLength(1);

    clock += 8 * 60_000; // under two minutes left: renewed, with the refresh token the endpoint rotated to
    expect(await cache.get(settings, credentials, io)).toBe('access-2');
    expect(endpoint.requests[1]?.form.refresh_token).toBe('rotated-1');
  });

  it('asks the endpoint once when several probes need the same token at the same time, and again once it failed', async () => {
    const cache = new AccessTokenCache();
    let issued = 0;
    endpoint.answer = () => {
      issued += 1;
      return grant(`access-${issued}`, { refresh_token: `rotated-${issued}` });
    };
    const credentials = { clientId: 'app-1', refreshToken: 'refresh-0' };
    const tokens = await Promise.all(Array.from({ length: 5 }, () => cache.get(settings, credentials, io)));
    expect(tokens).toEqual(Array(5).fill('access-1'));
    expect(endpoint.requests).toHaveLength(1);

    const other = new AccessTokenCache();
    endpoint.answer = () => ({ status: 400, body: JSON.stringify({ error: 'invalid_grant' }) });
    const failures = await Promise.allSettled([1, 2, 3].map(() => other.get(settings, credentials, io)));
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(endpoint.requests).toHaveLength(2);
    endpoint.answer = () => grant('access-after-fix');
    expect(await other.get(settings, credentials, io)).toBe('access-after-fix');
    expect(endpoint.requests).toHaveLength(3);
  });

  it('reports a refused grant as rejected, with the error code and a bounded, printable description', async () => {
    endpoint.answer = () => ({
      status: 400,
      body: JSON.stringify({
        error: 'invalid_grant',
        error_description: `AADSTS70008: The refresh token has expired.\u001b[31m\r\n${'x'.repeat(5000)}`,
      }),
    });
    const err = await new AccessTokenCache()
      .get(settings, { clientId: 'app-1', refreshToken: 'refresh-old' }, io)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OAuthRefreshError);
    expect(err).toMatchObject({ failure: 'rejected' });
    const message = (err as Error).message;
    expect(message).toMatch(
      /refused the refresh token: invalid_grant \(AADSTS70008: The refresh token has expired\./,
    );
    expect(message).not.toMatch(/\p{Cc}/u);
    expect(message.length).toBeLessThan(400);
    expect(endpoint.requests[0]?.form).not.toHaveProperty('client_secret'); // a public client sends none
  });

  it.each([
    ['a server error', () => ({ status: 503, body: 'upstream down' }), /answered HTTP 503/],
    [
      'a 200 without an access token',
      () => ({ status: 200, body: '{"token_type":"Bearer"}' }),
      /no usable access_token/,
    ],
    [
      'an answer of a megabyte',
      () => ({ status: 200, body: 'x'.repeat(1024 * 1024) }),
      /larger than 65536 bytes/,
    ],
  ])('reports %s as the endpoint being unavailable', async (_what, answer, reason) => {
    endpoint.answer = answer;
    const err = await new AccessTokenCache()
      .get(settings, { clientId: 'app-1', refreshToken: 'r' }, io)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'unavailable', message: expect.stringMatching(reason) });
  });

  it('refuses an endpoint whose certificate it cannot verify, and sends it nothing', async () => {
    endpoint.answer = () => grant('never');
    const untrusted = { ...settings, tls: { servername: 'login.oauth.test' } }; // system CAs only
    const err = await new AccessTokenCache()
      .get(untrusted, { clientId: 'app-1', refreshToken: 'r' }, io)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ failure: 'unavailable' });
    expect(endpoint.requests).toHaveLength(0);
  });
});

/** An IMAPS server offering OAUTHBEARER and XOAUTH2 that refuses every login, recording what the client sent. */
async function refusingImap(ca: TestCa): Promise<{ server: TlsServer; port: number; lines: string[] }> {
  const leaf = await ca.issue({ names: ['imap.seed.test'] });
  const lines: string[] = [];
  const capabilities = 'IMAP4rev1 SASL-IR AUTH=OAUTHBEARER AUTH=XOAUTH2';
  const server = createTls({ key: leaf.key, cert: leaf.cert }, (socket) => {
    socket.write(`* OK [CAPABILITY ${capabilities}] fake seed mailbox ready\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        lines.push(line);
        const [tag, command = ''] = line.split(' ');
        if (/^authenticate$/i.test(command))
          socket.write(`${tag} NO [AUTHENTICATIONFAILED] Invalid token\r\n`);
        else if (/^capability$/i.test(command))
          socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
        else if (/^logout$/i.test(command)) socket.end(`* BYE bye\r\n${tag} OK done\r\n`);
        else socket.write(`${tag} BAD not in this fake\r\n`);
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, lines };
}

describe('canary seed mailbox with OAuth2 refresh tokens', () => {
  let ca: TestCa;
  let endpoint: TokenEndpoint;
  let receiver: Receiver;
  let imap: Awaited<ReturnType<typeof refusingImap>>;
  beforeAll(async () => {
    ca = await createTestCa();
    endpoint = await TokenEndpoint.start(ca);
    imap = await refusingImap(ca);
    receiver = await startReceiver({
      ledger: new MemoryCanaryLedger(),
      resolver: { servers: ['127.0.0.1:9'], timeoutMs: 100, tries: 1 },
      log: silentLog,
    });
  });
  afterAll(async () => {
    await receiver.close();
    await new Promise<void>((resolve) => imap.server.close(() => resolve()));
    await endpoint.close();
    await ca.dispose();
  });

  const SECRETS = {
    SEED_CLIENT_SECRET: 'client-secret-value-42',
    SEED_REFRESH_TOKEN: 'M.C512_BAY.refresh-token-value',
  };
  const setup = () =>
    canaryConfig(
      {
        name: 'outlook-seed',
        address: 'seed@outlook.example',
        arrival: {
          via: 'imap',
          host: '127.0.0.1',
          port: imap.port,
          user: 'seed@outlook.example',
          tls: { caPem: ca.cert, servername: 'imap.seed.test' },
          oauth2: {
            tokenUrl: endpoint.url,
            clientId: 'app-1',
            clientSecret: { env: 'SEED_CLIENT_SECRET' },
            refreshToken: { env: 'SEED_REFRESH_TOKEN' },
            tls: { caPem: ca.cert, servername: 'login.oauth.test' },
          },
        },
      },
      {
        timeoutSeconds: 20,
        options: {
          from: 'canary@sender.test',
          send: { via: 'smtp', host: '127.0.0.1', port: receiver.port, mode: 'plain' },
          waitSeconds: 1,
        },
      },
    );

  it('logs in with the access token the endpoint issued (OAUTHBEARER when offered), redacted everywhere', async () => {
    endpoint.answer = () => grant('EwBwA8l6-fresh-access-token');
    imap.lines.splice(0);
    const run = await runCanary(setup(), { secrets: SECRETS });
    expect(endpoint.requests.at(-1)?.form).toMatchObject({
      refresh_token: SECRETS.SEED_REFRESH_TOKEN,
      client_secret: SECRETS.SEED_CLIENT_SECRET,
    });
    const sasl = Buffer.from(
      'n,a=seed@outlook.example,\x01host=imap.seed.test\x01port=' +
        `${imap.port}\x01auth=Bearer EwBwA8l6-fresh-access-token\x01\x01`,
    ).toString('base64');
    expect(imap.lines.some((l) => / AUTHENTICATE OAUTHBEARER /i.test(l) && l.includes(sasl))).toBe(true);
    // The IMAP server refused it: the seed mailbox is broken, not the delivery.
    expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.imap.login-failed' });
    expect(run.transcript).toContain(
      `OAuth2 127.0.0.1:${new URL(endpoint.url).port}: access token refreshed, expires in 3599s`,
    );
    const stored = JSON.stringify([run.checks, run.transcript, run.memo]);
    for (const secret of [...Object.values(SECRETS), 'EwBwA8l6-fresh-access-token', sasl])
      expect(stored).not.toContain(secret);
  });

  it('reports a refused refresh token as its own cause, unknown, and never tries the mailbox', async () => {
    endpoint.answer = () => ({
      status: 400,
      body: '{"error":"invalid_grant","error_description":"expired"}',
    });
    imap.lines.splice(0);
    const run = await runCanary(setup(), { secrets: SECRETS });
    expect(run.check('send')?.status).toBe('pass');
    expect(run.check('arrival')).toMatchObject({
      status: 'unknown',
      cause: 'canary.oauth.refresh-rejected',
      message: expect.stringContaining('invalid_grant (expired)'),
    });
    expect(imap.lines).toEqual([]);
    expect(JSON.stringify([run.checks, run.transcript])).not.toContain(SECRETS.SEED_REFRESH_TOKEN);
  });

  it('reports an unreachable token endpoint as the endpoint being unavailable', async () => {
    endpoint.answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    const run = await runCanary(setup(), { secrets: SECRETS });
    expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.oauth.unavailable' });
  });
});
