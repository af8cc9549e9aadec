import { isIP } from 'node:net';
import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { providerRejection } from '../smtp/provider-rejections';
import type { SmtpSend } from './config';
import type { CanaryMessage, SendResult, SmtpCredentials } from './message';
import { enhancedCode, oneLine } from './text';
import { CANARY_HEADER, canaryHeaderValue, canarySubject, canaryText } from './token';

const CONNECT_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 30_000;

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/** Maps a nodemailer failure to the check that explains it. */
function smtpFailure(err: NodemailerError, relay: string): Check {
  const reply = oneLine(err.response ?? err.message);
  const details = {
    relay,
    ...(err.code ? { code: err.code } : {}),
    ...(err.responseCode ? { replyCode: err.responseCode } : {}),
    ...(enhancedCode(reply) ? { enhancedCode: enhancedCode(reply) as string } : {}),
    ...(err.command ? { command: oneLine(err.command).replace(/^AUTH .*/i, 'AUTH ***') } : {}),
    reply,
  };
  if (err.code === 'EAUTH') {
    return {
      id: 'send',
      status: 'fail',
      cause: 'canary.send.auth-failed',
      message: `${relay}: ${reply}`,
      details,
    };
  }
  const known = err.responseCode
    ? providerRejection({
        code: err.responseCode,
        text: reply,
        ...(enhancedCode(reply) ? { enhanced: enhancedCode(reply) as string } : {}),
      })
    : undefined;
  if (known && err.responseCode) {
    const hard = err.responseCode >= 500;
    return {
      id: 'send',
      status: hard ? 'fail' : 'warn',
      cause: known.cause,
      message: `${relay} ${hard ? 'refused' : 'deferred'} the canary: ${reply}`,
      details: { ...details, ...known.details },
    };
  }
  if (err.responseCode && err.responseCode >= 500) {
    return {
      id: 'send',
      status: 'fail',
      cause: 'canary.bounce.hard',
      message: `${relay} refused the canary: ${reply}`,
      details,
    };
  }
  if (err.responseCode && err.responseCode >= 400) {
    return {
      id: 'send',
      status: 'warn',
      cause: 'canary.bounce.soft',
      message: `${relay} deferred the canary: ${reply}`,
      details,
    };
  }
  return {
    id: 'send',
    status: 'fail',
    cause: 'canary.send.unreachable',
    message: `could not hand the canary to ${relay}: ${err.code ?? 'error'} ${reply}`,
    details,
  };
}

/** Sends one canary through an SMTP relay with nodemailer: STARTTLS required (unless implicit TLS or loopback plain). */
export async function sendViaSmtp(
  send: SmtpSend,
  message: CanaryMessage,
  credentials: SmtpCredentials,
  io: { resolver: DnsResolver; signal: AbortSignal; log: (line: string) => void },
): Promise<SendResult> {
  const relay = `${send.host}:${send.port}`;
  let address = send.host;
  if (!isIP(send.host) && send.host !== 'localhost') {
    try {
      const [first] = await io.resolver(send.host, 'A').catch(() => io.resolver(send.host, 'AAAA'));
      if (!first) throw new Error('no address');
      address = first;
    } catch (err) {
      const failure = Object.assign(
        new Error(`cannot resolve ${send.host}: ${oneLine((err as Error).message)}`),
        {
          code: 'EDNS',
        },
      );
      return { accepted: false, check: smtpFailure(failure, relay) };
    }
  }
  // tls.caFile was read into caPem when the config was loaded.
  const ca = send.tls?.caPem;
  const servername = send.tls?.servername ?? (isIP(send.host) ? undefined : send.host.replace(/\.$/, ''));
  // Loaded by the first canary sent over SMTP: one sent through SES never initialises nodemailer.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: address,
    port: send.port,
    secure: send.mode === 'implicit-tls',
    requireTLS: send.mode === 'starttls',
    ignoreTLS: send.mode === 'plain',
    name: send.ehloName ?? 'mailprobe.invalid',
    connectionTimeout: CONNECT_TIMEOUT_MS,
    greetingTimeout: REPLY_TIMEOUT_MS,
    socketTimeout: REPLY_TIMEOUT_MS,
    tls: { ...(ca ? { ca } : {}), ...(servername ? { servername } : {}), minVersion: 'TLSv1.2' },
    ...(send.auth && credentials.password !== undefined
      ? { auth: { user: send.auth.user, pass: credentials.password } }
      : {}),
    ...(send.dkim && credentials.dkimKey
      ? {
          dkim: {
            domainName: send.dkim.domain,
            keySelector: send.dkim.selector,
            privateKey: credentials.dkimKey,
          },
        }
      : {}),
  });
  const abort = () => transport.close();
  io.signal.addEventListener('abort', abort, { once: true });
  try {
    const info = await transport.sendMail({
      from: message.from,
      to: message.to,
      subject: canarySubject(message.token),
      text: canaryText(message.token, message.sentAt),
      date: message.sentAt,
      headers: { [CANARY_HEADER]: canaryHeaderValue(message.token, message.sentAt) },
    });
    const response = oneLine(info.response);
    io.log(`canary ${message.token} accepted by ${relay}: ${response}`);
    if (info.rejected.length > 0) {
      return {
        accepted: false,
        check: smtpFailure({ name: 'Rejected', message: response, responseCode: 550, response }, relay),
      };
    }
    return {
      accepted: true,
      check: {
        id: 'send',
        status: 'pass',
        message: `canary ${message.token} accepted by ${relay}${send.dkim ? ' (DKIM-signed)' : ''}`,
        details: { relay, reply: response, messageId: oneLine(info.messageId) },
      },
    };
  } catch (err) {
    io.log(`canary ${message.token} not accepted by ${relay}: ${oneLine((err as Error).message)}`);
    return { accepted: false, check: smtpFailure(err as NodemailerError, relay) };
  } finally {
    io.signal.removeEventListener('abort', abort);
    transport.close();
  }
}
