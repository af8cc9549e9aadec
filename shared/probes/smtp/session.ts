import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { CauseId } from '../../model/causes/index';
import type { Check, JsonObject } from '../../model/result';
import { errorMeaning } from '../../util/net-error';
import { authenticate } from './auth';
import { certificateCheck } from './certificate';
import {
  bannerVerdict,
  closingCheck,
  describeReply,
  mailVerdict,
  rcptVerdict,
  replyDetails,
  type Verdict,
} from './classify';
import { daneCheck } from './dane';
import { messageBytes, sendData } from './data';
import { type Ehlo, parseEhlo } from './ehlo';
import { bannerFailure, readBanner } from './greeting';
import type { SessionIo, SessionPlan, Step } from './plan';
import { smtputf8Missing, utf8Addresses } from './smtputf8';
import {
  bounded,
  handshake,
  SmtpClosingError,
  type SmtpReply,
  SmtpWire,
  SmtpWireError,
  TlsHandshakeError,
  tcpConnect,
} from './wire';

const QUIT_TIMEOUT_MS = 5000;

/** Thrown inside the session to end it after the failing step's check was recorded. */
class Stop extends Error {
  override readonly name = 'Stop';
}

const CONNECT_CAUSES: Record<string, CauseId> = {
  ECONNREFUSED: 'smtp.connect.refused',
  ECONNRESET: 'smtp.connect.refused',
  ETIMEDOUT: 'smtp.connect.timeout',
  EHOSTUNREACH: 'smtp.connect.unreachable',
  ENETUNREACH: 'smtp.connect.unreachable',
  EHOSTDOWN: 'smtp.connect.unreachable',
};

/**
 * The check for a failed TCP connect. A timeout on port 25 is `unknown`: from Lambda and many cloud or ISP networks
 * outbound port 25 is blocked, so the silence says nothing about the server.
 */
export function connectFailureCheck(address: string, port: number, code: string, message: string): Check {
  const port25 = code === 'ETIMEDOUT' && port === 25;
  const { meaning, raw } = errorMeaning(message, code);
  return {
    id: 'connect',
    status: port25 ? 'unknown' : 'fail',
    cause: port25 ? 'smtp.connect.port25-timeout' : (CONNECT_CAUSES[code] ?? 'smtp.connect.unreachable'),
    message: `${address} port ${port}: ${bounded(meaning, 200)}`,
    details: { address, port, code, raw: bounded(raw, 300) },
  };
}

/** OpenSSL's words for "the peer answered with something that is not TLS". */
const NOT_TLS =
  /wrong version number|packet length too long|unknown protocol|http request|record layer failure/i;

/** Runs one SMTP session against `plan` and returns the checks of every step it reached. */
export async function runSession(plan: SessionPlan, io: SessionIo): Promise<Check[]> {
  const checks: Check[] = [];
  const { signal, timings, transcript } = io;
  const step = <T>(phase: string, fn: () => Promise<T>) => timings.measure(phase, fn);

  const abortedCheck = (id: string): Check => ({
    id,
    status: 'unknown',
    cause: 'probe.timeout',
    message: `stopped at ${id}: the probe time budget was spent`,
  });
  /** Turns a wire failure during `id` into its check and stops the session. */
  const wireFailed = (id: string, err: unknown): never => {
    if (!(err instanceof SmtpWireError)) throw err;
    if (err instanceof SmtpClosingError) checks.push(closingCheck(id, err.reply));
    else if (err.failure === 'aborted') checks.push(abortedCheck(id));
    else if (err.failure === 'timeout') {
      checks.push({ id, status: 'fail', cause: 'smtp.session.timeout', message: `${id}: ${err.message}` });
    } else if (err.failure === 'closed' || err.failure === 'reset') {
      checks.push({ id, status: 'fail', cause: 'smtp.session.dropped', message: `${id}: ${err.message}` });
    } else {
      checks.push({
        id,
        status: 'fail',
        cause: 'smtp.protocol.error',
        message: `${id}: ${err.message}`,
        ...(err.preview ? { details: { received: err.preview } } : {}),
      });
    }
    throw new Stop();
  };
  const replyCheck = (
    id: string,
    reply: SmtpReply,
    verdict: Verdict,
    what: string,
    extra: JsonObject = {},
  ): Check => ({
    id,
    status: verdict.status,
    ...(verdict.cause ? { cause: verdict.cause } : {}),
    message: `${what}: ${describeReply(reply)}`,
    details: { reply: replyDetails(reply), ...(verdict.details ?? {}), ...extra },
  });

  // --- connect ---------------------------------------------------------------------------------------------
  let socket: Socket;
  try {
    socket = await step('connect', () => tcpConnect(plan.address, plan.port, plan.connectTimeoutMs, signal));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ERROR';
    if (code === 'ABORT_ERR') return [abortedCheck('connect')];
    return [connectFailureCheck(plan.address, plan.port, code, (err as Error).message)];
  }
  transcript.add(`-- connected to ${plan.address}:${plan.port}`);
  checks.push({
    id: 'connect',
    status: 'pass',
    message: `connected to ${plan.address} port ${plan.port}`,
    details: { address: plan.address, port: plan.port },
  });

  let wire: SmtpWire | undefined;
  let trusted = true;
  let secure = false;

  const tlsStep = async (options: ConnectionOptions): Promise<TLSSocket> => {
    try {
      return await step('tls', () =>
        wire ? wire.startTls(options, plan.replyTimeoutMs) : handshake(options, plan.replyTimeoutMs, signal),
      );
    } catch (err) {
      if (!(err instanceof TlsHandshakeError)) throw err;
      if (err.code === 'ABORT_ERR') checks.push(abortedCheck('tls'));
      else {
        const notTls = plan.mode === 'implicit-tls' && NOT_TLS.test(err.message);
        const { meaning, raw } = errorMeaning(err.message, err.code);
        checks.push({
          id: 'tls',
          status: 'fail',
          cause: notTls ? 'smtp.mode.tls-on-plain-port' : 'smtp.tls.handshake-failed',
          message: `TLS handshake failed: ${bounded(meaning, 300)}`,
          details: { code: err.code ?? 'unknown', raw: bounded(raw, 300) },
        });
      }
      throw new Stop();
    }
  };
  const afterTls = (tlsSocket: TLSSocket) => {
    secure = true;
    const cipher = tlsSocket.getCipher();
    const protocol = tlsSocket.getProtocol() ?? 'unknown';
    transcript.add(`-- TLS ${protocol} ${cipher.name}`);
    checks.push({
      id: 'tls',
      status: 'pass',
      message: `${protocol} with ${cipher.name}`,
      details: { protocol, cipher: cipher.name },
    });
    // Node hands the peer's X509Certificate out once per socket: both judges share it.
    const peer = tlsSocket.getPeerX509Certificate();
    const cert = certificateCheck(tlsSocket, plan.certName, io.now(), plan.certWarnDays, peer);
    checks.push(cert);
    if (plan.dane) checks.push(daneCheck(plan.dane, { peer }, plan.host));
    trusted = cert.status !== 'fail';
  };

  try {
    if (plan.mode === 'implicit-tls') {
      const tlsSocket = await tlsStep({ ...plan.tls, socket });
      afterTls(tlsSocket);
      socket = tlsSocket;
    }
    wire = new SmtpWire(socket, transcript, signal);
    const w = wire;

    // --- banner ----------------------------------------------------------------------------------------------
    let banner: SmtpReply;
    try {
      banner = await step('banner', () => readBanner(w, plan, signal));
    } catch (err) {
      if (err instanceof SmtpClosingError) return wireFailed('banner', err);
      checks.push(await bannerFailure(err, w, plan));
      throw new Stop();
    }
    const bannerV = bannerVerdict(banner);
    checks.push(
      replyCheck(
        'banner',
        banner,
        bannerV,
        'greeting',
        banner.lines.length > 1 ? { lines: banner.lines.length } : {},
      ),
    );
    if (bannerV.status !== 'pass') throw new Stop();

    // --- EHLO ------------------------------------------------------------------------------------------------
    const hello = async (): Promise<Ehlo> => {
      // The EHLO that follows STARTTLS is its own check: what the server offers inside TLS (AUTH, SIZE) differs.
      const id = secure && plan.mode === 'starttls' ? 'ehlo.tls' : 'ehlo';
      let reply: SmtpReply;
      try {
        reply = await step('ehlo', () => w.command(`EHLO ${plan.ehloName}`, plan.replyTimeoutMs));
      } catch (err) {
        return wireFailed(id, err);
      }
      if (reply.code === 250) {
        const ehlo = parseEhlo(reply);
        checks.push({
          id,
          status: 'pass',
          message: `EHLO accepted: ${ehlo.keywords.join(' ') || 'no extensions'}`,
          details: { reply: replyDetails(reply), extensions: ehlo.keywords },
        });
        return ehlo;
      }
      let helo: SmtpReply;
      try {
        helo = await step('ehlo', () => w.command(`HELO ${plan.ehloName}`, plan.replyTimeoutMs));
      } catch (err) {
        return wireFailed(id, err);
      }
      const ok = helo.code === 250;
      checks.push(
        replyCheck(
          id,
          helo,
          ok
            ? { status: 'warn', cause: 'smtp.ehlo.rejected' }
            : { status: 'fail', cause: 'smtp.ehlo.rejected' },
          ok
            ? `EHLO refused (${describeReply(reply)}), HELO accepted: no extensions`
            : 'EHLO and HELO refused',
          { ehloReply: replyDetails(reply) },
        ),
      );
      if (!ok) throw new Stop();
      return { keywords: [], starttls: false };
    };
    let ehlo = await hello();
    // AUTH advertised before STARTTLS: ask to start it without credentials (no initial response). A 334 means a client
    // could authenticate in cleartext; the exchange is cancelled at once with "*" (RFC 4954 4).
    const plainAuth = (ehlo.auth ?? []).find((m) => m === 'PLAIN' || m === 'LOGIN');
    if (plan.mode === 'starttls' && ehlo.starttls && plainAuth) {
      let reply: SmtpReply;
      try {
        reply = await step('auth', () => w.command(`AUTH ${plainAuth}`, plan.replyTimeoutMs));
        if (reply.code === 334) await step('auth', () => w.command('*', plan.replyTimeoutMs));
      } catch (err) {
        return wireFailed('auth.before-tls', err);
      }
      if (reply.code === 334) {
        checks.push({
          id: 'auth.before-tls',
          status: 'warn',
          cause: 'smtp.auth.offered-before-tls',
          message: `AUTH ${plainAuth} is accepted before STARTTLS (334): a client can send its password in cleartext`,
          details: { mechanisms: ehlo.auth ?? [], reply: replyDetails(reply) },
        });
      }
    }

    // --- STARTTLS --------------------------------------------------------------------------------------------
    if (plan.mode === 'starttls') {
      if (!ehlo.starttls) {
        checks.push({
          id: 'tls',
          status: plan.requireTls ? 'fail' : 'warn',
          cause: 'smtp.starttls.not-offered',
          message: plan.requireTls
            ? 'STARTTLS not offered and TLS is required: session not continued in plaintext'
            : 'STARTTLS not offered: continuing in plaintext',
          details: { extensions: ehlo.keywords },
        });
        if (plan.requireTls) {
          await quit(w, step);
          throw new Stop();
        }
      } else {
        let reply: SmtpReply;
        try {
          reply = await step('starttls', () => w.command('STARTTLS', plan.replyTimeoutMs));
        } catch (err) {
          return wireFailed('starttls', err);
        }
        if (reply.code !== 220) {
          checks.push(
            replyCheck('tls', reply, { status: 'fail', cause: 'smtp.starttls.refused' }, 'STARTTLS refused'),
          );
          await quit(w, step);
          throw new Stop();
        }
        afterTls(await tlsStep(plan.tls));
        ehlo = await hello();
      }
    }

    if (ehlo.sizeLimit !== undefined && ehlo.sizeLimit < plan.minSizeLimitBytes) {
      checks.push({
        id: 'size',
        status: 'warn',
        cause: 'smtp.size.limit-low',
        message: `the server advertises SIZE ${ehlo.sizeLimit} (${megabytes(ehlo.sizeLimit)}), below the ${megabytes(plan.minSizeLimitBytes)} floor: ordinary messages with attachments will be refused`,
        observed: ehlo.sizeLimit,
        expected: { atLeast: plan.minSizeLimitBytes },
      });
    }

    if (!trusted) {
      // A client that verifies certificates stops here; so does the probe: no credentials to an unverified peer.
      await quit(w, step);
      throw new Stop();
    }

    // --- open-relay test (before AUTH) -----------------------------------------------------------------------
    if (plan.relayTest) {
      const { from, to } = plan.relayTest;
      try {
        const mail = await step('relay', () => w.command(`MAIL FROM:<${from}>`, plan.replyTimeoutMs));
        if (mail.code >= 300) {
          checks.push(replyCheck('relay', mail, { status: 'pass' }, 'unauthenticated MAIL FROM refused'));
        } else {
          const rcpt = await step('relay', () => w.command(`RCPT TO:<${to}>`, plan.replyTimeoutMs));
          checks.push(
            rcpt.code < 300
              ? replyCheck(
                  'relay',
                  rcpt,
                  { status: 'fail', cause: 'smtp.relay.open' },
                  `relayed to ${to} without AUTH`,
                )
              : replyCheck('relay', rcpt, { status: 'pass' }, `relay to ${to} refused`),
          );
          await step('relay', () => w.command('RSET', plan.replyTimeoutMs));
        }
      } catch (err) {
        return wireFailed('relay', err);
      }
    }

    // --- AUTH ------------------------------------------------------------------------------------------------
    if (plan.auth) {
      const authCheck = await authenticate(w, plan, ehlo, secure, step);
      if (authCheck instanceof SmtpWireError) return wireFailed('auth', authCheck);
      checks.push(authCheck);
      if (authCheck.status !== 'pass') {
        await quit(w, step);
        throw new Stop();
      }
    }

    // --- envelope --------------------------------------------------------------------------------------------
    if (plan.envelope) {
      const env = plan.envelope;
      const utf8 = utf8Addresses([env.from, ...env.to]);
      if (utf8.length > 0 && !ehlo.keywords.includes('SMTPUTF8')) {
        checks.push(smtputf8Missing(utf8, ehlo));
        await quit(w, step);
        throw new Stop();
      }
      const bytes = messageBytes(env);
      const size = bytes && ehlo.keywords.includes('SIZE') ? ` SIZE=${bytes}` : '';
      const params = `${size}${utf8.length > 0 ? ' SMTPUTF8' : ''}`;
      let mail: SmtpReply;
      try {
        mail = await step('mail', () => w.command(`MAIL FROM:<${env.from}>${params}`, plan.replyTimeoutMs));
      } catch (err) {
        return wireFailed('mail', err);
      }
      const sizeNote: JsonObject = {
        ...(ehlo.sizeLimit ? { sizeLimit: ehlo.sizeLimit } : {}),
        ...(bytes && !size ? { sizeNotChecked: 'server does not advertise SIZE' } : {}),
      };
      const mailV = mailVerdict(mail);
      checks.push(replyCheck('mail', mail, mailV, `MAIL FROM:<${env.from}>${params}`, sizeNote));
      if (mailV.status !== 'pass') {
        await quit(w, step);
        throw new Stop();
      }
      let accepted = 0;
      for (const to of env.to) {
        let rcpt: SmtpReply;
        try {
          rcpt = await step('rcpt', () => w.command(`RCPT TO:<${to}>`, plan.replyTimeoutMs));
        } catch (err) {
          return wireFailed(`rcpt:${to}`, err);
        }
        const v = rcptVerdict(rcpt);
        if (v.status === 'pass') accepted++;
        checks.push(replyCheck(`rcpt:${to}`, rcpt, v, `RCPT TO:<${to}>`));
      }
      if (env.send && accepted > 0) {
        try {
          checks.push(await sendData(w, plan, step));
        } catch (err) {
          return wireFailed('data', err);
        }
      }
    }
    // QUIT alone ends an open envelope (RFC 5321 4.1.1.10): no RSET round trip first.
    await quit(w, step);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  } finally {
    if (wire) wire.close();
    else socket.destroy();
  }
  return checks;
}

function megabytes(bytes: number): string {
  return bytes >= 100_000 ? `${Math.round(bytes / 100_000) / 10} MB` : `${bytes} bytes`;
}

/** QUIT politely; the session's verdicts are already made, so a missing 221 changes nothing. */
async function quit(w: SmtpWire, step: Step): Promise<void> {
  try {
    await step('quit', () => w.command('QUIT', QUIT_TIMEOUT_MS));
  } catch {
    // The server may close right after QUIT or not answer at all; nothing to report.
  }
}
