import type { Check } from '../../model/result';
import { authVerdict, describeReply, replyDetails } from './classify';
import type { Ehlo } from './ehlo';
import type { SessionPlan, Step } from './plan';
import { pickMechanism, saslAuthenticate } from './sasl';
import { bounded, type SmtpReply, type SmtpWire, SmtpWireError } from './wire';

/**
 * AUTH with the first usable mechanism (or the configured one), through sasl.ts. Credentials never go over an
 * unencrypted session unless the endpoint is in plain mode: that is reported as a failed check instead.
 */
export async function authenticate(
  w: SmtpWire,
  plan: SessionPlan,
  ehlo: Ehlo,
  secure: boolean,
  step: Step,
): Promise<Check | SmtpWireError> {
  const auth = plan.auth as NonNullable<SessionPlan['auth']>;
  if (plan.mode !== 'plain' && !secure) {
    return {
      id: 'auth',
      status: 'fail',
      cause: 'smtp.starttls.not-offered',
      message: 'credentials not sent: the session is not encrypted',
    };
  }
  if (!ehlo.auth) {
    return secure
      ? {
          id: 'auth',
          status: 'fail',
          cause: 'smtp.auth.not-offered',
          message: 'the server does not offer AUTH',
        }
      : {
          id: 'auth',
          status: 'fail',
          cause: 'smtp.auth.tls-required',
          message: 'AUTH is not offered in plaintext (usually offered only after STARTTLS)',
        };
  }
  const offered = ehlo.auth;
  const mechanism = pickMechanism(offered, auth.mechanism);
  if (!mechanism) {
    return {
      id: 'auth',
      status: 'fail',
      cause: 'smtp.auth.no-common-mechanism',
      message: `no usable mechanism among ${offered.join(' ') || '(none)'}${auth.mechanism ? ` (configured: ${auth.mechanism})` : ''}`,
      details: { offered },
    };
  }
  let reply: SmtpReply;
  try {
    reply = await step('auth', () => saslAuthenticate(w, mechanism, auth, plan.replyTimeoutMs));
  } catch (err) {
    if (err instanceof SmtpWireError) return err;
    throw err;
  }
  const v = authVerdict(reply);
  return {
    id: 'auth',
    status: v.status,
    ...(v.cause ? { cause: v.cause } : {}),
    message: `AUTH ${mechanism} as ${bounded(auth.user, 100)}: ${describeReply(reply)}`,
    details: { reply: replyDetails(reply), mechanism, offered },
  };
}
