import type { Check } from '../../model/result';
import { dataVerdict, describeReply, replyDetails } from './classify';
import type { SessionPlan, Step } from './plan';
import { type SmtpWire, sendMessage } from './wire';

/** The size of the message `send` sends when `sizeBytes` is not set: a real message, not a one-liner. */
const DEFAULT_MESSAGE_BYTES = 65_536;

/** The size the envelope test declares (MAIL FROM SIZE=) and, with send, sends. */
export function messageBytes(env: NonNullable<SessionPlan['envelope']>): number | undefined {
  return env.sizeBytes ?? (env.send ? DEFAULT_MESSAGE_BYTES : undefined);
}

const FILLER_LINE = `${'mailprobe size test '.repeat(4).trim()}\n`;

/**
 * DATA with a test message of the planned size, built by nodemailer's MailComposer (plain 7-bit text lines, so the
 * size on the wire is the size planned), dot-stuffed by sendMessage. A limit a server enforces only after DATA (a content
 * filter, a provider's gateway, a SIZE it does not advertise) shows here and nowhere else.
 */
export async function sendData(w: SmtpWire, plan: SessionPlan, step: Step): Promise<Check> {
  const env = plan.envelope as NonNullable<SessionPlan['envelope']>;
  const t = plan.replyTimeoutMs;
  return step('data', async (): Promise<Check> => {
    const go = await w.command('DATA', t);
    if (go.code !== 354) {
      const v = dataVerdict(go);
      return {
        id: 'data',
        status: v.status === 'pass' ? 'fail' : v.status,
        cause: v.cause ?? 'smtp.protocol.error',
        message: `DATA refused: ${describeReply(go)}`,
        details: { reply: replyDetails(go), ...(v.details ?? {}) },
      };
    }
    // nodemailer's composer is loaded only by a session that sends DATA.
    const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
    const compose = (text: string) =>
      new MailComposer({
        from: env.from || `mailprobe@${plan.ehloName}`,
        to: env.to,
        subject: `mailprobe test ${new Date().toISOString()}`,
        text,
        textEncoding: 'quoted-printable',
        headers: { 'X-Mailprobe': 'smtp' },
      })
        .compile()
        .build();
    const intro =
      'Test message sent by mailprobe to check that this server accepts mail. It can be deleted.\n';
    let message = await compose(intro);
    const target = messageBytes(env) ?? message.length;
    if (target > message.length) {
      const lines = Math.ceil((target - message.length) / (FILLER_LINE.length + 1));
      message = await compose(intro + FILLER_LINE.repeat(lines));
    }
    const done = await sendMessage(w, message, t);
    const v = dataVerdict(done);
    return {
      id: 'data',
      status: v.status,
      ...(v.cause ? { cause: v.cause } : {}),
      message: `message of ${message.length} bytes ${v.status === 'pass' ? 'accepted' : 'refused'}: ${describeReply(done)}`,
      details: { reply: replyDetails(done), ...(v.details ?? {}), bytes: message.length },
    };
  });
}
