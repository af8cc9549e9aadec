import { createHash } from 'node:crypto';
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { DnsResolver } from '../../dns/resolver';
import type { OAuth2Settings } from './config';
import { oneLine } from './text';

/** A token endpoint answers a few hundred bytes to a few KiB; anything larger is not one. */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Microsoft access tokens are JWTs of 1-3 KiB, Google's opaque strings of about 200 characters. */
const MAX_TOKEN_LENGTH = 16 * 1024;
const REQUEST_TIMEOUT_MS = 10_000;
/** An access token is renewed this long before it expires, so it never lapses between refresh and login. */
const EXPIRY_MARGIN_MS = 120_000;
/** `expires_in` is only RECOMMENDED (RFC 6749 5.1): without it, assume a short life. */
const DEFAULT_LIFETIME_S = 600;

export type OAuthFailure = 'rejected' | 'unavailable';

/** The refresh token could not be exchanged: a fault of the monitor's credentials or of the endpoint. */
export class OAuthRefreshError extends Error {
  override readonly name = 'OAuthRefreshError';
  constructor(
    readonly failure: OAuthFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The resolved credentials of one seed mailbox's app registration. */
export interface OAuthCredentials {
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
}

interface Cached {
  accessToken: string;
  expiresAt: number;
  /** A rotated refresh token the endpoint returned (Microsoft rotates on every use): used for the next refresh. */
  refreshToken?: string;
}

interface TokenIo {
  resolver: DnsResolver;
  signal: AbortSignal;
  log(line: string): void;
}

/**
 * Access tokens of OAuth2 seed mailboxes, refreshed at the token endpoint (RFC 6749 section 6) and kept until
 * shortly before they expire. One cache lives as long as the probe definition: a warm Lambda container or a
 * `mailprobe watch` reuses a token for about an hour instead of asking for one every run.
 */
export class AccessTokenCache {
  private readonly entries = new Map<string, Cached>();
  /** Refreshes under way: probes that need the same token at once share one request to the endpoint. */
  private readonly refreshing = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A valid access token for these credentials: the cached one, or a fresh one from the token endpoint. */
  async get(settings: OAuth2Settings, credentials: OAuthCredentials, io: TokenIo): Promise<string> {
    const key = createHash('sha256')
      .update(
        [settings.tokenUrl, credentials.clientId, credentials.refreshToken, settings.scope ?? ''].join('\0'),
      )
      .digest('hex');
    const cached = this.entries.get(key);
    const host = new URL(settings.tokenUrl).host;
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now()) {
      io.log(
        `OAuth2 ${host}: cached access token, ${Math.round((cached.expiresAt - this.now()) / 1000)}s left`,
      );
      return cached.accessToken;
    }
    const pending = this.refreshing.get(key);
    if (pending) {
      io.log(`OAuth2 ${host}: waiting for the refresh another probe started`);
      return pending;
    }
    const refreshed = this.refresh(key, host, settings, credentials, cached, io);
    this.refreshing.set(key, refreshed);
    try {
      return await refreshed;
    } finally {
      this.refreshing.delete(key);
    }
  }

  private async refresh(
    key: string,
    host: string,
    settings: OAuth2Settings,
    credentials: OAuthCredentials,
    cached: Cached | undefined,
    io: TokenIo,
  ): Promise<string> {
    const refreshToken = cached?.refreshToken ?? credentials.refreshToken;
    const granted = await refresh(settings, { ...credentials, refreshToken }, io);
    const entry: Cached = {
      accessToken: granted.accessToken,
      expiresAt: this.now() + granted.expiresInS * 1000,
    };
    const rotated = granted.refreshToken ?? cached?.refreshToken;
    if (rotated) entry.refreshToken = rotated;
    this.entries.set(key, entry);
    io.log(`OAuth2 ${host}: access token refreshed, expires in ${granted.expiresInS}s`);
    return granted.accessToken;
  }
}

interface Grant {
  accessToken: string;
  expiresInS: number;
  refreshToken?: string;
}

async function refresh(settings: OAuth2Settings, credentials: OAuthCredentials, io: TokenIo): Promise<Grant> {
  const url = new URL(settings.tokenUrl);
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: credentials.refreshToken,
    client_id: credentials.clientId,
  });
  if (credentials.clientSecret) form.set('client_secret', credentials.clientSecret);
  if (settings.scope) form.set('scope', settings.scope);

  // tls.caFile was read into caPem when the config was loaded.
  const ca = settings.tls?.caPem;
  // Resolved with the probe's own resolver (Node's lookup would ask the system's), the name kept for TLS.
  const name = url.hostname.replace(/^\[|\]$/g, '');
  let address = name;
  if (!isIP(name) && name !== 'localhost') {
    const found = await io.resolver(name, 'A').catch(() => [] as string[]);
    if (!found[0]) throw new OAuthRefreshError('unavailable', `cannot resolve ${name}`);
    address = found[0];
  }
  const servername = settings.tls?.servername ?? (isIP(name) ? undefined : name);
  const response = await post(
    {
      host: address,
      port: url.port ? Number(url.port) : 443,
      path: `${url.pathname}${url.search}`,
      ...(servername ? { servername } : {}),
      ...(ca ? { ca } : {}),
      hostHeader: url.host,
    },
    form.toString(),
    io.signal,
  );

  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (response.status !== 200) {
    // RFC 6749 5.2: 400 (or 401) with { error, error_description } means the grant or the client was refused.
    const code =
      typeof body?.error === 'string' && /^[\w.-]{1,64}$/.test(body.error) ? body.error : undefined;
    const description = oneLine(body?.error_description).slice(0, 200);
    if ((response.status === 400 || response.status === 401) && code)
      throw new OAuthRefreshError(
        'rejected',
        `token endpoint ${url.host} refused the refresh token: ${code}${description ? ` (${description})` : ''}`,
      );
    throw new OAuthRefreshError('unavailable', `token endpoint ${url.host} answered HTTP ${response.status}`);
  }
  const accessToken = body?.access_token;
  if (typeof accessToken !== 'string' || accessToken.length === 0 || accessToken.length > MAX_TOKEN_LENGTH)
    throw new OAuthRefreshError('unavailable', `token endpoint ${url.host} answered no usable access_token`);
  const expiresIn = Number(body?.expires_in ?? DEFAULT_LIFETIME_S);
  const grant: Grant = {
    accessToken,
    expiresInS:
      Number.isFinite(expiresIn) && expiresIn > 0 ? Math.min(expiresIn, 86_400) : DEFAULT_LIFETIME_S,
  };
  const rotated = body?.refresh_token;
  if (typeof rotated === 'string' && rotated.length > 0 && rotated.length <= MAX_TOKEN_LENGTH)
    grant.refreshToken = rotated;
  return grant;
}

interface Target {
  host: string;
  port: number;
  path: string;
  servername?: string;
  ca?: string;
  hostHeader: string;
}

/** One form POST over HTTPS (TLS 1.2+, certificate checked), its body bounded and its time limited. */
function post(target: Target, form: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown) =>
      reject(new OAuthRefreshError('unavailable', `token endpoint ${target.hostHeader}: ${why}`, { cause }));
    const req = request(
      {
        host: target.host,
        port: target.port,
        path: target.path,
        method: 'POST',
        ...(target.servername ? { servername: target.servername } : {}),
        ...(target.ca ? { ca: target.ca } : {}),
        minVersion: 'TLSv1.2',
        signal,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          host: target.hostHeader,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
          'content-length': Buffer.byteLength(form),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            fail(`answer larger than ${MAX_RESPONSE_BYTES} bytes`);
          } else chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => fail(oneLine(err.message), err));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      fail(`no answer within ${REQUEST_TIMEOUT_MS / 1000}s`);
    });
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(`${err.code ?? 'error'} ${oneLine(err.message)}`, err),
    );
    req.end(form);
  });
}
