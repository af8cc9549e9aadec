import { isIP } from 'node:net';
import type { ImapFlow } from 'imapflow';
import type { DnsResolver } from '../../dns/resolver';
import type { ImapArrival } from './config';
import { type DsnReport, parseDsn } from './dsn';
import { oneLine } from './text';
import { CANARY_HEADER, CANARY_SUBJECT_PREFIX } from './token';

/** A canary larger than this is not downloaded (ours are about 1 KiB; a seed mailbox may hold anything). */
const MAX_MESSAGE_BYTES = 512 * 1024;
const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

export type ImapFailure = 'login' | 'unavailable';

/** The seed mailbox could not be used: not a verdict on delivery. */
export class ImapAccessError extends Error {
  override readonly name = 'ImapAccessError';
  constructor(
    readonly failure: ImapFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface FoundCanary {
  folder: string;
  placement: 'inbox' | 'spam';
  uid: number;
  /** INTERNALDATE: when the message was stored in the mailbox. */
  arrivedAt: Date;
  raw: Buffer;
}

export interface FoundBounce extends DsnReport {
  folder: string;
  uid: number;
}

export interface ImapCredentials {
  password?: string;
  accessToken?: string;
}

/** One IMAP session on a seed mailbox: look for canaries by token, then remove what was found. */
export class SeedMailbox {
  /** Folders that could not be opened (named in `canary.imap.folder-missing`). */
  readonly missingFolders = new Set<string>();

  private constructor(
    private readonly client: ImapFlow,
    private readonly config: ImapArrival,
  ) {}

  static async open(
    config: ImapArrival,
    credentials: ImapCredentials,
    io: { resolver: DnsResolver; signal: AbortSignal },
  ): Promise<SeedMailbox> {
    let address = config.host;
    if (!isIP(config.host) && config.host !== 'localhost') {
      const addresses = await io.resolver(config.host, 'A').catch(() => [] as string[]);
      if (!addresses[0]) throw new ImapAccessError('unavailable', `cannot resolve ${config.host}`);
      address = addresses[0];
    }
    // tls.caFile was read into caPem when the config was loaded.
    const ca = config.tls?.caPem;
    const servername =
      config.tls?.servername ?? (isIP(config.host) ? undefined : config.host.replace(/\.$/, ''));
    // Loaded by the first IMAP seed mailbox a run opens: a canary function that finds arrivals in the ledger
    // (SES inbound) never initialises imapflow and its charset tables. Required, not imported: a bundle then takes
    // imapflow's CommonJS build, whose libmime is the one mailauth requires (an import took the ES build, and
    // with it a second libmime, charset tables and all).
    const { ImapFlow } = require('imapflow') as typeof import('imapflow');
    const client = new ImapFlow({
      host: address,
      port: config.port,
      secure: config.mode === 'implicit-tls',
      ...(config.mode === 'starttls' ? { doSTARTTLS: true } : {}),
      ...(servername ? { servername } : {}),
      auth: credentials.accessToken
        ? { user: config.user, accessToken: credentials.accessToken }
        : { user: config.user, pass: credentials.password ?? '' },
      tls: { ...(ca ? { ca } : {}), ...(servername ? { servername } : {}), minVersion: 'TLSv1.2' },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      maxLiteralSize: MAX_MESSAGE_BYTES * 2,
    });
    client.on('error', () => {});
    const abort = () => client.close();
    io.signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
    } catch (err) {
      client.close();
      const e = err as Error & { authenticationFailed?: boolean; responseText?: string; code?: string };
      const text = oneLine(e.responseText ?? e.message);
      if (e.authenticationFailed) {
        throw new ImapAccessError('login', `login as ${config.user} refused: ${text}`, { cause: err });
      }
      throw new ImapAccessError(
        'unavailable',
        `${config.host}:${config.port}: ${e.code ?? 'error'} ${text}`,
        {
          cause: err,
        },
      );
    } finally {
      io.signal.removeEventListener('abort', abort);
    }
    const mailbox = new SeedMailbox(client, config);
    // A missing spam folder is worth knowing even when this canary was found in the inbox.
    const existing = new Set((await client.list().catch(() => [])).map((m) => m.path));
    if (existing.size > 0) {
      for (const { path } of mailbox.folders()) if (!existing.has(path)) mailbox.missingFolders.add(path);
    }
    return mailbox;
  }

  /** The watched folders in search order: the inbox, then the spam folders. */
  private folders(): { path: string; placement: 'inbox' | 'spam' }[] {
    return [
      { path: this.config.inbox, placement: 'inbox' as const },
      ...this.config.spamFolders.map((path) => ({ path, placement: 'spam' as const })),
    ];
  }

  /** Looks for the canary with `token` in every watched folder. */
  async find(token: string): Promise<FoundCanary | undefined> {
    for (const { path, placement } of this.folders()) {
      let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
      try {
        lock = await this.client.getMailboxLock(path, { readOnly: false });
      } catch {
        if (!this.client.usable) throw new ImapAccessError('unavailable', `connection lost opening ${path}`);
        this.missingFolders.add(path);
        continue;
      }
      try {
        const uids = (await this.client.search({ subject: token }, { uid: true })) || [];
        for (const uid of uids.slice(-5)) {
          const msg = await this.client.fetchOne(
            String(uid),
            { size: true, internalDate: true },
            { uid: true },
          );
          if (!msg || (msg.size ?? 0) > MAX_MESSAGE_BYTES) continue;
          const full = await this.client.fetchOne(String(uid), { source: true }, { uid: true });
          const raw = full ? full.source : undefined;
          if (!raw || !headerCarries(raw, token)) continue;
          const internal = msg.internalDate ? new Date(msg.internalDate) : new Date();
          return { folder: path, placement, uid, arrivedAt: internal, raw };
        }
      } finally {
        lock.release();
      }
    }
    return undefined;
  }

  /** Looks for a delivery status notification (bounce) that quotes the canary with `token`. */
  async findBounce(token: string): Promise<FoundBounce | undefined> {
    for (const { path } of this.folders()) {
      if (this.missingFolders.has(path)) continue;
      const lock = await this.client.getMailboxLock(path);
      try {
        const uids = (await this.client.search({ body: token }, { uid: true })) || [];
        for (const uid of uids.slice(-5)) {
          const msg = await this.client.fetchOne(String(uid), { size: true }, { uid: true });
          if (!msg || (msg.size ?? 0) > MAX_MESSAGE_BYTES) continue;
          const full = await this.client.fetchOne(String(uid), { source: true }, { uid: true });
          // The canary itself (the bounce mailbox may be the seed mailbox) is not a bounce.
          const raw = full ? full.source : undefined;
          if (!raw || headerCarries(raw, token)) continue;
          const report = parseDsn(raw);
          if (report) return { folder: path, uid, ...report };
        }
      } finally {
        lock.release();
      }
    }
    return undefined;
  }

  /**
   * Removes canaries stored before `before` from the watched folders (late arrivals of canaries already counted
   * as missed, or of runs that crashed), as `afterCheck` says, so the seed mailbox does not fill up.
   */
  async sweep(before: Date): Promise<number> {
    if (this.config.afterCheck === 'keep') return 0;
    let swept = 0;
    for (const { path } of this.folders()) {
      if (this.missingFolders.has(path)) continue;
      const lock = await this.client.getMailboxLock(path);
      try {
        const uids =
          (await this.client.search({ subject: CANARY_SUBJECT_PREFIX, before }, { uid: true })) || [];
        if (uids.length === 0) continue;
        const range = uids.slice(0, 500).join(',');
        if (this.config.afterCheck === 'move' && this.config.moveTo) {
          await this.client.messageMove(range, this.config.moveTo, { uid: true });
        } else {
          await this.client.messageDelete(range, { uid: true });
        }
        swept += Math.min(uids.length, 500);
      } finally {
        lock.release();
      }
    }
    return swept;
  }

  /** Deletes or moves a found canary, as configured; failures are reported, never fatal. */
  async cleanup(found: { folder: string; uid: number }): Promise<string | undefined> {
    if (this.config.afterCheck === 'keep') return undefined;
    const lock = await this.client.getMailboxLock(found.folder);
    try {
      if (this.config.afterCheck === 'move' && this.config.moveTo) {
        await this.client.messageMove(String(found.uid), this.config.moveTo, { uid: true });
        return `moved to ${this.config.moveTo}`;
      }
      await this.client.messageDelete(String(found.uid), { uid: true });
      return 'deleted';
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    await this.client.logout().catch(() => this.client.close());
  }
}

/** True when the message's canary header names this token (a subject match alone could be a reply or forward). */
function headerCarries(raw: Buffer, token: string): boolean {
  const head = raw.subarray(0, 64 * 1024).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = (end === -1 ? head : head.slice(0, end)).toLowerCase();
  return block.includes(`${CANARY_HEADER.toLowerCase()}: ${token}`);
}
