import type { Check } from '../../model/result';
import type { SessionPlan } from './plan';
import { bounded, printable, type SmtpWire, SmtpWireError } from './wire';

/** How long a silent port gets to answer a probe line before it is called silent. */
const SNIFF_MS = 2000;

/** Names what answered instead of an SMTP greeting: nothing, TLS, HTTP, SSH or something else. */
export async function bannerFailure(err: unknown, w: SmtpWire, plan: SessionPlan): Promise<Check> {
  if (!(err instanceof SmtpWireError)) throw err;
  if (err.failure === 'aborted') {
    return {
      id: 'banner',
      status: 'unknown',
      cause: 'probe.timeout',
      message: 'stopped waiting for the greeting',
    };
  }
  if (err.failure === 'closed' || err.failure === 'reset') {
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.banner.closed',
      message: `connection closed before the greeting (${err.message})`,
    };
  }
  if (err.failure === 'too-large') {
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.protocol.error',
      message: `greeting: ${err.message}`,
    };
  }
  let preview = err.preview;
  if (err.failure === 'timeout') {
    // A silent port may be waiting for the client to speak first: TLS (SMTPS) or HTTP. A line of SMTP tells which.
    try {
      w.write(`EHLO ${plan.ehloName}`);
      await w.waitForBytes(SNIFF_MS);
    } catch {
      // closed while sniffing: treated as silence below
    }
    const got = w.received();
    preview = got.length > 0 ? printable(got) : undefined;
    if (!preview && w.closed) {
      // TLS servers drop a peer whose first record is not TLS; an SMTP server would have answered the line.
      return {
        id: 'banner',
        status: 'fail',
        cause: 'smtp.mode.plain-on-tls-port',
        message:
          'no greeting, and the server hung up when spoken to in plaintext: it expects TLS from the first byte',
      };
    }
  }
  const tlsRecord = preview?.startsWith('\\x15\\x03') || preview?.startsWith('\\x16\\x03');
  if (tlsRecord) {
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.mode.plain-on-tls-port',
      message: 'the server answered with a TLS record: this port expects implicit TLS (mode: implicit-tls)',
      details: { received: preview ?? '' },
    };
  }
  if (preview && /^(HTTP\/|SSH-)/.test(preview)) {
    const service = preview.startsWith('SSH-') ? 'ssh' : 'http';
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      message: `an ${service.toUpperCase()} server answers on port ${plan.port}: ${bounded(preview.split('\\x0d')[0] ?? '', 120)}`,
      details: { service, received: preview },
    };
  }
  if (preview && !/^\d{3}/.test(preview)) {
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      message: `the service on port ${plan.port} does not speak SMTP`,
      details: { service: 'unknown', received: preview },
    };
  }
  const hint =
    plan.port === 465 && plan.mode !== 'implicit-tls' ? ' (port 465 usually needs mode: implicit-tls)' : '';
  return {
    id: 'banner',
    status: 'fail',
    cause: 'smtp.banner.timeout',
    message: `no greeting within ${Math.round(plan.replyTimeoutMs / 1000)}s${hint}`,
  };
}
