import { createHmac } from 'node:crypto';
import type { Check } from '../../model/result';
import { authVerdict, describeReply, replyDetails } from './classify';
import type { Ehlo, SessionPlan, Step } from './plan';
import { bounded, type SmtpReply, type SmtpWire, SmtpWireError } from './wire';

/**
 * AUTH with the first usable mechanism (or the configured one). SASL PLAIN, LOGIN and CRAM-MD5 are a few lines
 * each; the transcript gets `***` in place of every credential line. Credentials never go over an unencrypted
 * session unless the endpoint is in plain mode: that is reported as a failed check instead.
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
  const mechanism = auth.mechanism
    ? offered.includes(auth.mechanism)
      ? auth.mechanism
      : undefined
    : (['PLAIN', 'LOGIN', 'CRAM-MD5'] as const).find((m) => offered.includes(m));
  if (!mechanism) {
    return {
      id: 'auth',
      status: 'fail',
      cause: 'smtp.auth.no-common-mechanism',
      message: `no usable mechanism among ${offered.join(' ') || '(none)'}${auth.mechanism ? ` (configured: ${auth.mechanism})` : ''}`,
      details: { offered },
    };
  }
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const t = plan.replyTimeoutMs;
  let reply: SmtpReply;
  try {
    reply = await step('auth', async () => {
      if (mechanism === 'PLAIN') {
        return w.command(`AUTH PLAIN ${b64(`\0${auth.user}\0${auth.password}`)}`, t, 'AUTH PLAIN ***');
      }
      if (mechanism === 'LOGIN') {
        const r1 = await w.command('AUTH LOGIN', t);
        if (r1.code !== 334) return r1;
        const r2 = await w.command(b64(auth.user), t);
        if (r2.code !== 334) return r2;
        return w.command(b64(auth.password), t, '***');
      }
      const r1 = await w.command('AUTH CRAM-MD5', t);
      if (r1.code !== 334) return r1;
      const challenge = Buffer.from(r1.lines[0] ?? '', 'base64');
      const digest = createHmac('md5', auth.password).update(challenge).digest('hex');
      return w.command(b64(`${auth.user} ${digest}`), t, '***');
    });
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
