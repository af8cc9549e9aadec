import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { QuerySettings } from '../../config/resolver';
import { createResolver } from '../../dns/resolver';
import type { Log } from '../../util/log';
import { authenticateMessage } from './authenticate';
import { headerValues, parseHeaders, receivedHops } from './headers';
import type { CanaryArrivalRecord, CanaryLedger, Verdicts } from './ledger';
import { dkimSignatures, mailauthResolver } from './reverify';
import { oneLine } from './text';
import { CANARY_HEADER, findToken } from './token';

/** Canaries are about 1 KiB; anything over this is refused at DATA (SIZE is advertised). */
const MAX_MESSAGE_BYTES = 256 * 1024;

export interface ReceiverOptions {
  host?: string;
  port?: number;
  ledger: CanaryLedger;
  resolver: QuerySettings;
  log: Log;
  /** Name this receiver writes into its verdicts (the authserv-id of a real MX). */
  hostname?: string;
  now?: () => Date;
  /** Hears of every message received, canary or not (the `receive` command prints a line for each). */
  onMessage?: (event: ReceivedMessage) => void;
}

/** One message the receiver took: its token (if it is a canary), verdicts and whether the arrival was recorded. */
export interface ReceivedMessage {
  receivedAt: Date;
  remoteAddress: string;
  mailFrom: string;
  token?: string;
  verdicts?: Verdicts;
  folder?: 'inbox' | 'spam';
  recorded: boolean;
}

export interface Receiver {
  host: string;
  port: number;
  close(): Promise<void>;
}

function readBounded(stream: SMTPServerDataStream): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_MESSAGE_BYTES) chunks.push(chunk);
    });
    stream.on('error', reject);
    stream.on('end', () =>
      resolve(stream.sizeExceeded || size > MAX_MESSAGE_BYTES ? undefined : Buffer.concat(chunks)),
    );
  });
}

/**
 * Turns one received message into a canary arrival, the way a receiving MX would judge it: SPF for the client
 * address and MAIL FROM, DKIM over the bytes received, DMARC from both (mailauth, on the configured resolver).
 * A DMARC failure under a quarantine or reject policy files the canary as spam.
 */
async function judgeMessage(
  raw: Buffer,
  session: Pick<SMTPServerSession, 'remoteAddress' | 'hostNameAppearsAs' | 'envelope'>,
  options: Pick<ReceiverOptions, 'resolver' | 'hostname'> & { receivedAt: Date },
): Promise<CanaryArrivalRecord | undefined> {
  const headers = parseHeaders(raw);
  const token = findToken(headerValues(headers, CANARY_HEADER.toLowerCase())[0]);
  if (!token) return undefined;
  const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const result = await authenticateMessage(raw, {
    ip: session.remoteAddress,
    helo: session.hostNameAppearsAs,
    sender: mailFrom,
    mta: options.hostname ?? 'mailprobe-receive',
    resolver: mailauthResolver(createResolver(options.resolver)),
  });
  const dkim = result.dkim.results;
  const verdicts: Verdicts = {
    dkim: dkim.some((r) => r.status.result === 'pass') ? 'pass' : (dkim[0]?.status.result ?? 'none'),
  };
  if (result.spf) verdicts.spf = result.spf.status.result;
  if (result.dmarc) verdicts.dmarc = result.dmarc.status.result;
  const policy = result.dmarc ? result.dmarc.policy : 'none';
  const spam = verdicts.dmarc === 'fail' && (policy === 'quarantine' || policy === 'reject');
  return {
    token,
    receivedAt: options.receivedAt.toISOString(),
    source: 'receiver',
    folder: spam ? 'spam' : 'inbox',
    verdicts,
    ...(dkim.length > 0 ? { dkimSignatures: dkimSignatures(dkim) } : {}),
    hops: [
      ...receivedHops(headers),
      { by: options.hostname ?? 'mailprobe-receive', at: options.receivedAt.toISOString() },
    ],
    mailFrom: oneLine(mailFrom).slice(0, 254),
    remoteAddress: oneLine(session.remoteAddress),
  };
}

/**
 * A local SMTP receiver for canaries (`mailprobe receive`, the demo): accepts any message, records the arrival of
 * canaries this deployment sent in the ledger, ignores everything else. No AUTH; STARTTLS with smtp-server's
 * built-in certificate.
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  const now = options.now ?? (() => new Date());
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: MAX_MESSAGE_BYTES,
    banner: 'mailprobe canary receiver',
    socketTimeout: 60_000,
    onData(stream, session, callback) {
      const receivedAt = now();
      readBounded(stream)
        .then(async (raw) => {
          if (!raw)
            return callback(
              Object.assign(new Error('552 5.3.4 message too big for a canary'), { responseCode: 552 }),
            );
          const arrival = await judgeMessage(raw, session, { ...options, receivedAt });
          const recorded = arrival ? await options.ledger.recordArrival(arrival) : false;
          options.log.info(
            recorded ? 'canary arrival recorded' : 'message ignored (no canary this deployment awaits)',
            {
              token: arrival?.token,
              verdicts: arrival?.verdicts,
              from: oneLine(session.remoteAddress),
            },
          );
          options.onMessage?.({
            receivedAt,
            remoteAddress: oneLine(session.remoteAddress),
            mailFrom: session.envelope.mailFrom
              ? oneLine(session.envelope.mailFrom.address).slice(0, 254)
              : '',
            recorded,
            ...(arrival ? { token: arrival.token, verdicts: arrival.verdicts, folder: arrival.folder } : {}),
          });
          callback();
        })
        .catch((err: Error) => {
          options.log.error('canary arrival not recorded', { error: oneLine(err.message) });
          callback(
            Object.assign(new Error('451 4.3.0 arrival not recorded, try again'), { responseCode: 451 }),
          );
        });
    },
  });
  server.on('error', (err) => options.log.warn('receiver connection error', { error: oneLine(err.message) }));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  return { host, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
