import MailComposer from 'nodemailer/lib/mail-composer';
import type { Check } from '../../model/result';
import { dataVerdict, describeReply, replyDetails } from './classify';
import type { SessionPlan, Step } from './plan';
import type { SmtpWire } from './wire';

/** DATA with a small test message built by nodemailer's MailComposer, dot-stuffed. */
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
        details: { reply: replyDetails(go) },
      };
    }
    const message = await new MailComposer({
      from: env.from || `mailprobe@${plan.ehloName}`,
      to: env.to,
      subject: `mailprobe test ${new Date().toISOString()}`,
      text: 'Test message sent by mailprobe to check that this server accepts mail. It can be deleted.\n',
      headers: { 'X-Mailprobe': 'smtp' },
    })
      .compile()
      .build();
    const body = message
      .toString('utf8')
      .replace(/\r?\n/g, '\r\n')
      .replace(/^\./gm, '..')
      .replace(/\r\n$/, '');
    w.write(`${body}\r\n.`, `[message, ${message.length} bytes]`);
    const done = await w.readReply(t);
    const v = dataVerdict(done);
    return {
      id: 'data',
      status: v.status,
      ...(v.cause ? { cause: v.cause } : {}),
      message: `message ${v.status === 'pass' ? 'accepted' : 'refused'}: ${describeReply(done)}`,
      details: { reply: replyDetails(done), bytes: message.length },
    };
  });
}
