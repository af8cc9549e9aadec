import type { CauseId } from '../../model/causes/index';
import type { Check, JsonObject } from '../../model/result';
import type { Status } from '../../model/status';
import { providerRejection } from './provider-rejections';
import type { SmtpReply } from './wire';

/** What one reply means for the check of the step that got it. */
export interface Verdict {
  status: Status;
  cause?: CauseId;
  /** What the verdict read from the reply (a provider's rejection, the blocklist it names). */
  details?: JsonObject;
}

/** A rejection text a provider publishes (or a blocklist it names) says more than the step's generic cause. */
function provider(r: SmtpReply): (Verdict & { cause: CauseId }) | undefined {
  const known = providerRejection(r);
  if (!known) return undefined;
  return { status: is4xx(r) ? 'warn' : 'fail', cause: known.cause, details: known.details };
}

const PASS: Verdict = { status: 'pass' };

/** The facts every reply-based check keeps: code, enhanced code, bounded text. */
export function replyDetails(reply: SmtpReply): JsonObject {
  return { code: reply.code, ...(reply.enhanced ? { enhanced: reply.enhanced } : {}), text: reply.text };
}

export function describeReply(reply: SmtpReply): string {
  return `${reply.code}${reply.enhanced ? ` ${reply.enhanced}` : ''} ${reply.text}`.trim();
}

const is2xx = (r: SmtpReply) => r.code >= 200 && r.code < 300;
const is4xx = (r: SmtpReply) => r.code >= 400 && r.code < 500;

/** 421 (service closing) or 4.7.0 with throttling words: the server is limiting this client. */
function isRateLimit(r: SmtpReply): boolean {
  const words = /too many|rate|limit|throttl|slow down|busy|concurren/i.test(r.text);
  return (r.code === 421 && (words || r.enhanced === '4.7.0')) || (r.enhanced === '4.7.0' && words);
}

export function bannerVerdict(r: SmtpReply): Verdict {
  if (r.code === 220) return PASS;
  const known = provider(r);
  if (known) return known;
  if (isRateLimit(r)) return { status: 'warn', cause: 'smtp.rate-limited' };
  return { status: 'fail', cause: 'smtp.banner.rejected' };
}

/**
 * A 421, whatever the phase: the server ends the session (RFC 5321 3.8), and the text says why: a provider's
 * published deferral, a connection or rate limit ("too many connections", anvil), or anything else (shutting down,
 * out of resources, a policy that disconnects).
 */
export function closingVerdict(r: SmtpReply): Verdict & { cause: CauseId } {
  const known = provider(r);
  if (known) return known;
  if (isRateLimit(r)) return { status: 'warn', cause: 'smtp.rate-limited' };
  return { status: 'fail', cause: 'smtp.session.closing' };
}

/** The one check a 421 makes: it belongs to the phase that got it, and nothing after it was tested. */
export function closingCheck(id: string, reply: SmtpReply): Check {
  const v = closingVerdict(reply);
  return {
    id,
    status: v.status,
    cause: v.cause,
    message: `${id}: the server ended the session with ${describeReply(reply)} (421 closes the connection; nothing after it was tested)`,
    details: { reply: replyDetails(reply), ...(v.details ?? {}) },
  };
}

/** A reply mid-session that is neither success nor a step-specific failure. */
function generic(r: SmtpReply, fallback5: CauseId, fallback4: CauseId): Verdict {
  if (isRateLimit(r)) return { status: 'warn', cause: 'smtp.rate-limited' };
  return is4xx(r) ? { status: 'warn', cause: fallback4 } : { status: 'fail', cause: fallback5 };
}

const TOO_LARGE = (r: SmtpReply) =>
  r.enhanced === '5.3.4' ||
  r.enhanced === '5.2.3' ||
  (r.code === 552 && /size|too (large|big)|exceed/i.test(r.text));

export function authVerdict(r: SmtpReply): Verdict {
  if (r.code === 235) return PASS;
  if (r.code === 530 || r.code === 538 || /starttls|encryption required/i.test(r.text)) {
    return { status: 'fail', cause: 'smtp.auth.tls-required' };
  }
  if (r.code === 535 || r.code === 534) return { status: 'fail', cause: 'smtp.auth.rejected' };
  if (r.code === 454) return { status: 'fail', cause: 'smtp.auth.temporary' };
  if (r.code === 504) return { status: 'fail', cause: 'smtp.auth.no-common-mechanism' };
  if (r.code === 502 || r.code === 503) return { status: 'fail', cause: 'smtp.auth.not-offered' };
  if (isRateLimit(r)) return { status: 'warn', cause: 'smtp.rate-limited' };
  return is4xx(r)
    ? { status: 'fail', cause: 'smtp.auth.temporary' }
    : { status: 'fail', cause: 'smtp.auth.rejected' };
}

export function mailVerdict(r: SmtpReply): Verdict {
  if (is2xx(r)) return PASS;
  const known = provider(r);
  if (known) return known;
  if (TOO_LARGE(r)) return { status: 'fail', cause: 'smtp.message.too-large' };
  return generic(r, 'smtp.mail.rejected', 'smtp.mail.rejected');
}

export function rcptVerdict(r: SmtpReply): Verdict {
  if (is2xx(r)) return PASS;
  const known = provider(r);
  if (known) return known;
  if (
    r.enhanced?.endsWith('.2.2') ||
    ([452, 552].includes(r.code) && /quota|mailbox (is )?full/i.test(r.text))
  ) {
    return { status: r.code >= 500 ? 'fail' : 'warn', cause: 'smtp.rcpt.mailbox-full' };
  }
  if (TOO_LARGE(r)) return { status: 'fail', cause: 'smtp.message.too-large' };
  if (
    /relay/i.test(r.text) &&
    (r.enhanced?.startsWith('5.7') || r.enhanced?.startsWith('4.7') || !r.enhanced)
  ) {
    return { status: 'fail', cause: 'smtp.rcpt.relay-denied' };
  }
  if (isRateLimit(r)) return { status: 'warn', cause: 'smtp.rate-limited' };
  if ((r.code === 450 || r.code === 451) && (r.enhanced === '4.7.1' || /gr[ae]y/i.test(r.text))) {
    return { status: 'warn', cause: 'smtp.rcpt.greylisted' };
  }
  if (
    r.enhanced === '5.1.1' ||
    ((r.code === 550 || r.code === 551 || r.code === 553) &&
      /unknown|no such|does not exist|not found|undeliverable address|invalid recipient/i.test(r.text))
  ) {
    return { status: 'fail', cause: 'smtp.rcpt.unknown-user' };
  }
  return generic(r, 'smtp.rcpt.rejected', 'smtp.rcpt.deferred');
}

export function dataVerdict(r: SmtpReply): Verdict {
  if (is2xx(r)) return PASS;
  const known = provider(r);
  if (known) return known;
  if (TOO_LARGE(r)) return { status: 'fail', cause: 'smtp.message.too-large' };
  return generic(r, 'smtp.data.rejected', 'smtp.data.rejected');
}
