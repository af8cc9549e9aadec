/**
 * OAuth2 seed mailboxes for real: the canary probe exchanges a refresh token at an HTTPS token endpoint, then logs
 * in to the lab Dovecot with the access token; Dovecot's oauth2 passdb asks the issuer (this test, on loopback at
 * the lab's fixed introspection port) whether the token is active and whose it is, as Microsoft's and Google's IMAP
 * servers validate their own tokens.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { createServer as createHttps, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:tls';
import { runCanary } from '../integ/canary-harness';
import { createTestCa, type TestCa } from '../support/smtp/certs';
import { labCanary, labSecrets } from './canary-lab';
import { LAB_HOST, LAB_MAIL_HOSTNAME, labPaths, labPorts, labUsers } from './ports';

jest.setTimeout(90_000);

const REFRESH_TOKEN = 'lab-refresh-token-for-probe';
const CLIENT_SECRET = 'lab-client-secret';

/** The token endpoint (HTTPS, port 0) and the introspection endpoint Dovecot asks (HTTP, the lab's fixed port). */
class LabIssuer {
  /** Access token -> the user it was issued for and whether it is still active. */
  readonly issued = new Map<string, { user: string; active: boolean }>();
  readonly introspected: string[] = [];
  private constructor(
    private readonly tokens: HttpsServer,
    private readonly introspection: HttpServer,
  ) {}

  static async start(ca: TestCa): Promise<LabIssuer> {
    const leaf = await ca.issue({ names: ['login.lab.test'] });
    let issuer: LabIssuer | undefined;
    const body = (req: NodeJS.ReadableStream) =>
      new Promise<URLSearchParams>((resolve) => {
        let text = '';
        req.on('data', (c) => (text += c));
        req.on('end', () => resolve(new URLSearchParams(text)));
      });
    const tokens = createHttps({ key: leaf.key, cert: leaf.cert }, async (req, res) => {
      const form = await body(req);
      const json = (status: number, value: object) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (form.get('client_id') !== 'lab-app' || form.get('client_secret') !== CLIENT_SECRET)
        return json(401, { error: 'invalid_client' });
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== REFRESH_TOKEN)
        return json(400, { error: 'invalid_grant', error_description: 'refresh token unknown or revoked' });
      const accessToken = `lab-at-${randomBytes(16).toString('hex')}`;
      issuer?.issued.set(accessToken, { user: labUsers.probe.address, active: true });
      return json(200, { token_type: 'Bearer', access_token: accessToken, expires_in: 3600 });
    });
    const introspection = createHttp(async (req, res) => {
      const token = (await body(req)).get('token') ?? '';
      issuer?.introspected.push(token);
      const known = issuer?.issued.get(token);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(known?.active ? { active: true, username: known.user } : { active: false }));
    });
    await new Promise<void>((resolve) => tokens.listen(0, '127.0.0.1', resolve));
    await new Promise<void>((resolve) =>
      introspection.listen(labPorts.oauthIntrospection, '127.0.0.1', resolve),
    );
    issuer = new LabIssuer(tokens, introspection);
    return issuer;
  }

  get tokenUrl(): string {
    return `https://127.0.0.1:${(this.tokens.address() as AddressInfo).port}/oauth2/token`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.tokens.close(resolve));
    await new Promise((resolve) => this.introspection.close(resolve));
  }
}

/** One IMAP AUTHENTICATE (SASL-IR) over implicit TLS, by hand: Dovecot's tagged answer. */
function authenticate(mechanism: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: LAB_HOST,
      port: labPorts.imaps,
      ca: readFileSync(labPaths.caCert, 'utf8'),
      servername: LAB_MAIL_HOSTNAME,
    });
    let text = '';
    let sent = false;
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer from Dovecot')));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      if (!sent && text.includes('\r\n')) {
        sent = true;
        socket.write(`a1 AUTHENTICATE ${mechanism} ${Buffer.from(payload).toString('base64')}\r\n`);
      }
      // A refused XOAUTH2 login first sends its error as a challenge (`+ <base64 JSON>`): answer it empty.
      if (/^\+ .*\r\n/m.test(text)) {
        text = text.replace(/^\+ .*\r\n/m, '');
        socket.write('\r\n');
      }
      const tagged = /^a1 .*$/m.exec(text)?.[0];
      if (tagged) {
        socket.end('a2 LOGOUT\r\n');
        resolve(tagged.trim());
      }
    });
    socket.on('error', reject);
  });
}

describe('canary seed mailbox with an OAuth2 refresh token, against the lab Dovecot', () => {
  let ca: TestCa;
  let issuer: LabIssuer;
  beforeAll(async () => {
    ca = await createTestCa();
    issuer = await LabIssuer.start(ca);
  });
  afterAll(async () => {
    await issuer.close();
    await ca.dispose();
  });

  const oauthCanary = () =>
    labCanary({}, labUsers.probe.address, {
      password: undefined,
      oauth2: {
        tokenUrl: issuer.tokenUrl,
        clientId: 'lab-app',
        clientSecret: { env: 'LAB_CLIENT_SECRET' },
        refreshToken: { env: 'LAB_REFRESH_TOKEN' },
        tls: { caPem: ca.cert, servername: 'login.lab.test' },
      },
    });
  const secrets = { ...labSecrets, LAB_CLIENT_SECRET: CLIENT_SECRET, LAB_REFRESH_TOKEN: REFRESH_TOKEN };

  it('finds the canary in INBOX after logging in with the access token it got for the refresh token', async () => {
    const run = await runCanary(oauthCanary(), { secrets });
    expect(run.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(run.check('arrival')).toMatchObject({ status: 'pass', details: { folder: 'INBOX' } });
    // Dovecot checked exactly the token the endpoint issued for this run.
    const [token] = [...issuer.issued.keys()].slice(-1);
    expect(issuer.introspected).toContain(token);
    const stored = JSON.stringify([run.checks, run.transcript, run.memo]);
    for (const secret of [REFRESH_TOKEN, CLIENT_SECRET, token as string])
      expect(stored).not.toContain(secret);
  });

  it('Dovecot accepts the issued token with XOAUTH2 (what Microsoft offers) and OAUTHBEARER alike', async () => {
    const token = `lab-at-${randomBytes(16).toString('hex')}`;
    issuer.issued.set(token, { user: labUsers.probe.address, active: true });
    const user = labUsers.probe.address;
    expect(await authenticate('XOAUTH2', `user=${user}\x01auth=Bearer ${token}\x01\x01`)).toMatch(/^a1 OK/);
    expect(
      await authenticate(
        'OAUTHBEARER',
        `n,a=${user},\x01host=${LAB_MAIL_HOSTNAME}\x01port=${labPorts.imaps}\x01auth=Bearer ${token}\x01\x01`,
      ),
    ).toMatch(/^a1 OK/);
    issuer.issued.set(token, { user, active: false });
    expect(await authenticate('XOAUTH2', `user=${user}\x01auth=Bearer ${token}\x01\x01`)).toMatch(/^a1 NO/);
  });

  it('is unknown with the refresh cause when the endpoint refuses the refresh token, and never logs in', async () => {
    const introspections = issuer.introspected.length;
    const run = await runCanary(oauthCanary(), {
      secrets: { ...secrets, LAB_REFRESH_TOKEN: 'revoked-token' },
    });
    expect(run.check('send')?.status).toBe('pass');
    expect(run.check('arrival')).toMatchObject({
      status: 'unknown',
      cause: 'canary.oauth.refresh-rejected',
      message: expect.stringContaining('invalid_grant (refresh token unknown or revoked)'),
    });
    expect(issuer.introspected).toHaveLength(introspections);
    expect(JSON.stringify([run.checks, run.transcript])).not.toContain('revoked-token');
  });

  it('is unknown with the login cause when Dovecot finds the issued token no longer active', async () => {
    // The issuer revokes every token the moment it issues it, as after an admin's "revoke sessions".
    const issued = issuer.issued;
    const set = issued.set.bind(issued);
    issued.set = (token, grant) => set(token, { ...grant, active: false });
    try {
      const run = await runCanary(oauthCanary(), { secrets });
      expect(run.check('arrival')).toMatchObject({ status: 'unknown', cause: 'canary.imap.login-failed' });
    } finally {
      issued.set = set;
    }
  });
});
