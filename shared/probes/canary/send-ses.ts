import { setTimeout as sleep } from 'node:timers/promises';
import { type SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import type { Check } from '../../model/result';
import type { SesSend } from './config';
import type { CanaryMessage, SendResult } from './message';
import { oneLine } from './text';
import { CANARY_HEADER, canaryHeaderValue, canarySubject, canaryText } from './token';

/** Attempts on throttling, with the backoff before each retry (the SDK's own retries come on top). */
const SES_THROTTLE_BACKOFF_MS = [1_000, 4_000] as const;

const THROTTLED = new Set([
  'TooManyRequestsException',
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
]);
const PAUSED = new Set(['AccountSuspendedException', 'SendingPausedException']);
const UNVERIFIED = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException']);
/** The monitor may not call SES: its role or credentials, not the mail system. */
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

/** SES's own trouble or the way to it (5xx, network, a client without region): SES said nothing about the mail. */
function isMonitorSide(err: Error & { $fault?: string; $metadata?: { httpStatusCode?: number } }): boolean {
  if (err.$fault === 'server') return true;
  const status = err.$metadata?.httpStatusCode;
  // No HTTP answer at all (a missing region, DNS, a refused or reset connection, a timeout), or a 5xx.
  return status === undefined || status >= 500;
}

/** The SendEmail request for one canary: simple content with the token in the subject and a header. */
function sesRequest(send: SesSend, message: CanaryMessage): SendEmailCommandInput {
  return {
    FromEmailAddress: message.from,
    Destination: { ToAddresses: [message.to] },
    Content: {
      Simple: {
        Subject: { Data: canarySubject(message.token), Charset: 'UTF-8' },
        Body: { Text: { Data: canaryText(message.token, message.sentAt), Charset: 'UTF-8' } },
        Headers: [{ Name: CANARY_HEADER, Value: canaryHeaderValue(message.token, message.sentAt) }],
      },
    },
    EmailTags: [{ Name: 'mailprobe', Value: 'canary' }],
    ...(send.configurationSet ? { ConfigurationSetName: send.configurationSet } : {}),
  };
}

function sesFailure(err: Error, attempts: number): Check {
  const name = err.name;
  const text = oneLine(err.message);
  const details = { error: name, message: text };
  if (UNVERIFIED.has(name)) {
    return {
      id: 'send',
      status: 'fail',
      cause: 'canary.ses.identity-unverified',
      message: `SES rejected the canary (${name}): ${text}`,
      details,
    };
  }
  if (PAUSED.has(name)) {
    return {
      id: 'send',
      status: 'fail',
      cause: 'canary.ses.account-paused',
      message: `SES sending is paused (${name}): ${text}`,
      details,
    };
  }
  if (THROTTLED.has(name) || /maximum sending rate|daily message quota/i.test(text)) {
    return {
      id: 'send',
      status: 'fail',
      cause: 'canary.ses.throttled',
      message: `SES throttled the canary after ${attempts} attempts (${name}): ${text}`,
      details,
    };
  }
  if (DENIED.has(name)) {
    return {
      id: 'send',
      status: 'unknown',
      cause: 'canary.ses.access-denied',
      message: `the monitor may not send through SES (${name}): ${text}; nothing is known about delivery`,
      details,
    };
  }
  if (isMonitorSide(err)) {
    return {
      id: 'send',
      status: 'unknown',
      cause: 'canary.ses.unavailable',
      message: `SES could not be asked (${name}): ${text}; nothing is known about delivery`,
      details,
    };
  }
  return {
    id: 'send',
    status: 'unknown',
    cause: 'canary.ses.failed',
    message: `SES refused the request (${name}): ${text}; nothing is known about delivery`,
    details,
  };
}

/**
 * Sends one canary with SES v2 SendEmail. A rejection of the identity and a paused account are answered at once
 * (retrying cannot help); throttling is retried after a backoff, within the run's time budget.
 */
export async function sendViaSes(
  client: SESv2Client,
  send: SesSend,
  message: CanaryMessage,
  io: { signal: AbortSignal; log: (line: string) => void; backoffMs?: readonly number[] },
): Promise<SendResult> {
  const request = sesRequest(send, message);
  const backoffs = io.backoffMs ?? SES_THROTTLE_BACKOFF_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await client.send(new SendEmailCommand(request), { abortSignal: io.signal });
      io.log(`canary ${message.token} accepted by SES: MessageId ${oneLine(out.MessageId)}`);
      return {
        accepted: true,
        check: {
          id: 'send',
          status: 'pass',
          message: `canary ${message.token} accepted by SES`,
          details: { messageId: oneLine(out.MessageId) },
        },
      };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      io.log(`SES SendEmail: ${e.name}: ${oneLine(e.message)}`);
      const check = sesFailure(e, backoffs.length + 1);
      const backoff = backoffs[attempt];
      if (check.cause !== 'canary.ses.throttled' || backoff === undefined || io.signal.aborted) {
        return { accepted: false, check };
      }
      await sleep(backoff, undefined, { signal: io.signal }).catch(() => undefined);
    }
  }
}
