import { createHmac } from 'node:crypto';
import type { SmtpReply, SmtpWire } from './wire';

/**
 * SASL over SMTP AUTH (RFC 4954): PLAIN, LOGIN and CRAM-MD5, a few lines each. The transcript gets `***` in place
 * of every credential line; the caller registers the credentials for redaction of anything a server echoes back.
 */
export const SASL_MECHANISMS = ['PLAIN', 'LOGIN', 'CRAM-MD5'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** The configured mechanism if the server offers it, else the first of ours it offers; undefined: none in common. */
export function pickMechanism(offered: string[], configured?: SaslMechanism): SaslMechanism | undefined {
  if (configured) return offered.includes(configured) ? configured : undefined;
  return SASL_MECHANISMS.find((m) => offered.includes(m));
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/** Runs one AUTH exchange and returns the server's final reply (235 on success). */
export async function saslAuthenticate(
  w: SmtpWire,
  mechanism: SaslMechanism,
  credentials: { user: string; password: string },
  timeoutMs: number,
): Promise<SmtpReply> {
  const { user, password } = credentials;
  if (mechanism === 'PLAIN') {
    return w.command(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, timeoutMs, 'AUTH PLAIN ***');
  }
  if (mechanism === 'LOGIN') {
    const r1 = await w.command('AUTH LOGIN', timeoutMs);
    if (r1.code !== 334) return r1;
    const r2 = await w.command(b64(user), timeoutMs);
    if (r2.code !== 334) return r2;
    return w.command(b64(password), timeoutMs, '***');
  }
  const r1 = await w.command('AUTH CRAM-MD5', timeoutMs);
  if (r1.code !== 334) return r1;
  const challenge = Buffer.from(r1.lines[0] ?? '', 'base64');
  const digest = createHmac('md5', password).update(challenge).digest('hex');
  return w.command(b64(`${user} ${digest}`), timeoutMs, '***');
}
