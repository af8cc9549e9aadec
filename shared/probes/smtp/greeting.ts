import type { Check, JsonObject } from '../../model/result';
import { formatDuration } from '../../util/duration';
import { type FollowUps, identifySilentService, type SilentService } from './identify';
import type { SessionPlan } from './plan';
import { bounded, printable, type SmtpReply, type SmtpWire, SmtpWireError } from './wire';

/** How long a silent port gets to answer a probe line before it is called silent. */
const SNIFF_MS = 2000;
/** Silence before the follow-ups ask what listens (a real MTA greets within a second or two). */
const SILENT_MS = 3000;
/** Longest wait of each follow-up connection. */
const FOLLOW_UP_MS = 2000;

/** The greeting never came and a follow-up connection found another service. */
class SilentServiceError extends Error {
  override readonly name = 'SilentServiceError';
  constructor(
    readonly found: SilentService,
    readonly followUps: FollowUps,
  ) {
    super(`silent port answers as ${found.service}`);
  }
}

/** The follow-ups of a silent port that recognised nothing, for the timeout's details. */
class QuietError extends SmtpWireError {
  constructor(
    readonly inner: SmtpWireError,
    readonly followUps: FollowUps,
  ) {
    super(inner.failure, inner.message, inner.preview);
  }
}

/**
 * Reads the greeting. After SILENT_MS of silence, follow-up connections ask what listens while this one keeps
 * waiting: a TLS, DNS or HTTP server is named within seconds instead of after the full reply timeout.
 */
export async function readBanner(w: SmtpWire, plan: SessionPlan, signal: AbortSignal): Promise<SmtpReply> {
  const started = Date.now();
  const silentMs = Math.min(SILENT_MS, plan.replyTimeoutMs);
  try {
    return await w.readReply(silentMs);
  } catch (err) {
    if (!(err instanceof SmtpWireError) || err.failure !== 'timeout' || plan.mode === 'implicit-tls')
      throw err;
  }
  const tls = { ...plan.tls, rejectUnauthorized: false };
  const { found, followUps } = await identifySilentService(
    plan.address,
    plan.port,
    tls,
    FOLLOW_UP_MS,
    signal,
  );
  if (found && found.service !== 'smtp' && w.received().length === 0)
    throw new SilentServiceError(found, followUps);
  const left = Math.max(0, plan.replyTimeoutMs - (Date.now() - started));
  try {
    return await w.readReply(left);
  } catch (err) {
    if (err instanceof SmtpWireError && err.failure === 'timeout') throw new QuietError(err, followUps);
    throw err;
  }
}

const SERVICE_NAMES: Record<SilentService['service'], string> = {
  tls: 'TLS',
  dns: 'DNS',
  http: 'HTTP',
  ssh: 'SSH',
  smtp: 'SMTP',
  other: 'non-SMTP',
};

/** Names what answered instead of an SMTP greeting: nothing, TLS, HTTP, SSH or something else. */
export async function bannerFailure(err: unknown, w: SmtpWire, plan: SessionPlan): Promise<Check> {
  if (err instanceof SilentServiceError) {
    const { found, followUps } = err;
    if (found.service === 'tls') {
      return {
        id: 'banner',
        status: 'fail',
        cause: 'smtp.mode.plain-on-tls-port',
        message: `no greeting, and ${found.evidence} on a second connection: this port expects implicit TLS (mode: implicit-tls)`,
        details: { service: 'tls', followUps },
      };
    }
    const service = found.service === 'other' ? 'unknown' : found.service;
    return {
      id: 'banner',
      status: 'fail',
      cause: 'smtp.service.not-smtp',
      message: `no greeting: a ${SERVICE_NAMES[found.service]} service listens on port ${plan.port} (${bounded(found.evidence, 120)})`,
      details: { service, received: bounded(found.evidence, 200), followUps },
    };
  }
  if (!(err instanceof SmtpWireError)) throw err;
  const followUps: JsonObject = err instanceof QuietError ? { followUps: err.followUps } : {};
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
        details: { ...followUps },
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
    message: `no greeting within ${formatDuration(plan.replyTimeoutMs)}${hint}${
      err instanceof QuietError ? '; the port accepts connections but answered neither TLS, DNS nor HTTP' : ''
    }`,
    details: { ...followUps },
  };
}
