import { isIP, type Socket } from 'node:net';
import { type ConnectionOptions, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { DnsResolver } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import type { Check, JsonObject } from '../../model/result';
import { cachedSecureContext } from '../../util/secure-contexts';
import { describeReply } from '../smtp/classify';
import { type Ehlo, parseEhlo } from '../smtp/ehlo';
import { providerRejection } from '../smtp/provider-rejections';
import { pickMechanism, SASL_MECHANISMS, saslAuthenticate } from '../smtp/sasl';
import { utf8Addresses } from '../smtp/smtputf8';
import {
  bounded,
  handshake,
  SmtpClosingError,
  type SmtpReply,
  SmtpWire,
  SmtpWireError,
  sendMessage,
  TlsHandshakeError,
  tcpConnect,
} from '../smtp/wire';
import type { SmtpSend } from './config';
import type { CanaryMessage, SendResult, SmtpCredentials } from './message';
import { oneLine } from './text';
import { CANARY_HEADER, canaryHeaderValue, canarySubject, canaryText } from './token';

const CONNECT_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 30_000;
const QUIT_TIMEOUT_MS = 5_000;

/** Why the canary was not handed over; each kind maps to one cause (see failureCheck). */
type Failure =
  /** The relay refused a step with this reply: a bounce, or a provider's published rejection. */
  | { kind: 'reply'; command: string; reply: SmtpReply }
  | { kind: 'auth'; command?: string; reply?: SmtpReply; text: string; details?: JsonObject }
  | { kind: 'starttls'; reply?: SmtpReply; text: string; details?: JsonObject }
  /** An address with a UTF-8 local part, and a relay without SMTPUTF8 (RFC 6531 3.4: not sent at all). */
  | { kind: 'smtputf8'; text: string; details: JsonObject }
  | { kind: 'unreachable'; code: string; text: string; command?: string }
  | { kind: 'aborted'; step: string };

class SendFailed extends Error {
  override readonly name = 'SendFailed';
  constructor(readonly failure: Failure) {
    super(failure.kind);
  }
}

const fail = (failure: Failure): never => {
  throw new SendFailed(failure);
};

const WIRE_CODES: Record<SmtpWireError['failure'], string> = {
  timeout: 'ETIMEDOUT',
  closed: 'ECONNRESET',
  reset: 'ECONNRESET',
  malformed: 'EPROTOCOL',
  'too-large': 'EPROTOCOL',
  aborted: 'ABORT_ERR',
  closing: 'ECLOSING',
};

/** A wire or TLS error raised during `command`, as the failure it means. */
function wireFailure(err: unknown, command: string): Failure {
  if (err instanceof SendFailed) return err.failure;
  if (err instanceof SmtpClosingError) return { kind: 'reply', command, reply: err.reply };
  if (err instanceof SmtpWireError) {
    if (err.failure === 'aborted') return { kind: 'aborted', step: command };
    const code = (err.cause as NodeJS.ErrnoException | undefined)?.code ?? WIRE_CODES[err.failure];
    return { kind: 'unreachable', code, command, text: `${command}: ${err.message}` };
  }
  if (err instanceof TlsHandshakeError) {
    if (err.code === 'ABORT_ERR') return { kind: 'aborted', step: 'TLS handshake' };
    return { kind: 'unreachable', code: err.code ?? 'ETLS', text: `TLS handshake failed: ${err.message}` };
  }
  throw err;
}

/** The reply as the server said it, one bounded line. */
const replyLine = (reply: SmtpReply) => oneLine(describeReply(reply));

/** Maps a failed send to the check that explains it. */
function failureCheck(f: Failure, relay: string): Check {
  if (f.kind === 'aborted') {
    return {
      id: 'send',
      status: 'unknown',
      cause: 'probe.timeout',
      message: `stopped at ${f.step} while handing the canary to ${relay}: the probe time budget was spent`,
      details: { relay, step: f.step },
    };
  }
  const reply = 'reply' in f && f.reply ? f.reply : undefined;
  const text = reply ? replyLine(reply) : oneLine('text' in f ? f.text : '');
  const details: JsonObject = {
    relay,
    ...(f.kind === 'unreachable' ? { code: f.code } : {}),
    ...(reply ? { replyCode: reply.code } : {}),
    ...(reply?.enhanced ? { enhancedCode: reply.enhanced } : {}),
    ...('command' in f && f.command ? { command: oneLine(f.command) } : {}),
    reply: text,
    ...('details' in f && f.details ? f.details : {}),
  };
  const check = (status: Check['status'], cause: CauseId, message: string): Check => ({
    id: 'send',
    status,
    cause,
    message,
    details,
  });
  if (f.kind === 'auth') return check('fail', 'canary.send.auth-failed', `${relay}: ${oneLine(f.text)}`);
  if (f.kind === 'starttls') {
    return check('fail', 'canary.send.starttls-unavailable', `${relay}: ${oneLine(f.text)}`);
  }
  if (f.kind === 'smtputf8') {
    // The text names the configured addresses (the operator's, kept readable), not anything the relay said.
    return check('fail', 'canary.send.smtputf8-unavailable', `${relay}: ${f.text}`);
  }
  if (f.kind === 'unreachable') {
    return check(
      'fail',
      'canary.send.unreachable',
      `could not hand the canary to ${relay}: ${f.code} ${oneLine(f.text)}`,
    );
  }
  const r = f.reply;
  const hard = r.code >= 500;
  const known = providerRejection({ code: r.code, text, ...(r.enhanced ? { enhanced: r.enhanced } : {}) });
  if (known) {
    return {
      ...check(
        hard ? 'fail' : 'warn',
        known.cause,
        `${relay} ${hard ? 'refused' : 'deferred'} the canary: ${text}`,
      ),
      details: { ...details, ...known.details },
    };
  }
  if (r.code >= 400 && r.code < 500) {
    return check('warn', 'canary.bounce.soft', `${relay} deferred the canary: ${text}`);
  }
  // A 5xx, or a reply no step expects (a 3xx or 2xx out of place): the canary was refused all the same.
  return check('fail', 'canary.bounce.hard', `${relay} refused the canary: ${text}`);
}

/** TLS settings per CA: one secure context reused by every send (building one parses the CA each time). */
function secureContext(ca: string | undefined): SecureContext {
  return cachedSecureContext(`canary ${ca ?? ''}`, () =>
    createSecureContext({ ...(ca ? { ca } : {}), minVersion: 'TLSv1.2' }),
  );
}

/** A TLS session whose certificate chain or name does not verify carries no canary (and no credentials). */
function verified(socket: TLSSocket, name: string): TLSSocket {
  if (!socket.authorized) {
    socket.destroy();
    fail({
      kind: 'unreachable',
      code: String(socket.authorizationError ?? 'ECERT'),
      text: `the certificate presented for ${name} is not trusted: ${String(socket.authorizationError)}`,
    });
  }
  return socket;
}

/** The canary as it goes over the wire: composed by nodemailer's MailComposer, DKIM-signed once if configured. */
async function buildMessage(
  send: SmtpSend,
  message: CanaryMessage,
  dkimKey: string | undefined,
): Promise<{ raw: string; messageId: string }> {
  // Loaded by the first canary sent over SMTP: one sent through SES never initialises them.
  const [{ default: MailComposer }, dkim] = await Promise.all([
    import('nodemailer/lib/mail-composer'),
    send.dkim && dkimKey ? import('nodemailer/lib/dkim') : undefined,
  ]);
  const node = new MailComposer({
    from: message.from,
    to: message.to,
    subject: canarySubject(message.token),
    text: canaryText(message.token, message.sentAt),
    date: message.sentAt,
    headers: { [CANARY_HEADER]: canaryHeaderValue(message.token, message.sentAt) },
  }).compile();
  const messageId = node.messageId();
  // CRLF line ends, as the wire carries them: SIZE declares what is sent (the DKIM body hash is taken relaxed).
  const crlf = (message: Buffer) => message.toString('utf8').replace(/\r?\n/g, '\r\n');
  const raw = await node.build();
  if (!dkim || !send.dkim || !dkimKey) return { raw: crlf(raw), messageId };
  const signer = new dkim.default({
    domainName: send.dkim.domain,
    keySelector: send.dkim.selector,
    privateKey: dkimKey,
  });
  const chunks: Buffer[] = [];
  for await (const chunk of signer.sign(raw)) chunks.push(chunk as Buffer);
  return { raw: crlf(Buffer.concat(chunks)), messageId };
}

interface Session {
  address: string;
  relay: string;
  raw: string;
  credentials: SmtpCredentials;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** EHLO, or HELO (no extensions) when the relay refuses EHLO, as RFC 5321 4.1.4 allows. */
async function hello(w: SmtpWire, name: string): Promise<Ehlo> {
  const ehlo = await w.command(`EHLO ${name}`, REPLY_TIMEOUT_MS);
  if (ehlo.code === 250) return parseEhlo(ehlo);
  const helo = await w.command(`HELO ${name}`, REPLY_TIMEOUT_MS);
  if (helo.code !== 250) fail({ kind: 'reply', command: `HELO ${name}`, reply: helo });
  return { keywords: [], starttls: false };
}

/** AUTH with the first mechanism both sides speak; a relay that offers AUTH none of ours is an auth failure. */
async function login(w: SmtpWire, ehlo: Ehlo, user: string, password: string, log: Session['log']) {
  if (!ehlo.auth) {
    // As nodemailer did: a relay that asks for no AUTH (one that trusts the sender's address) gets none.
    log('-- the relay offers no AUTH: sending without credentials');
    return undefined;
  }
  const mechanism = pickMechanism(ehlo.auth);
  if (!mechanism) {
    return fail({
      kind: 'auth',
      text: `no AUTH mechanism in common: the relay offers ${ehlo.auth.join(' ') || '(none)'}, mailprobe speaks ${SASL_MECHANISMS.join(' ')}; no credentials were sent`,
      details: { offered: ehlo.auth },
    });
  }
  const reply = await saslAuthenticate(w, mechanism, { user, password }, REPLY_TIMEOUT_MS);
  if (reply.code !== 235) {
    fail({
      kind: 'auth',
      command: `AUTH ${mechanism}`,
      reply,
      text: `AUTH ${mechanism} refused: ${replyLine(reply)}`,
    });
  }
  return mechanism;
}

/** One SMTP session that hands the canary over; throws SendFailed naming the step that did not work. */
async function deliver(send: SmtpSend, s: Session, envelope: { from: string; to: string }) {
  const servername = send.tls?.servername ?? (isIP(send.host) ? undefined : send.host.replace(/\.$/, ''));
  // The name the certificate must carry: SNI for a host name; for an IP address, node checks its IP SANs.
  const tls: ConnectionOptions = {
    secureContext: secureContext(send.tls?.caPem),
    ...(servername ? { servername } : { host: send.host }),
  };
  const certName = servername ?? send.host;
  let socket: Socket;
  try {
    socket = await tcpConnect(s.address, send.port, CONNECT_TIMEOUT_MS, s.signal);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'ECONNECTION';
    if (code === 'ABORT_ERR') return fail({ kind: 'aborted', step: 'connect' });
    return fail({ kind: 'unreachable', code, text: (err as Error).message });
  }
  s.log(`-- connected to ${s.address}:${send.port}`);
  let w: SmtpWire | undefined;
  let step = 'greeting';
  try {
    if (send.mode === 'implicit-tls') {
      step = 'TLS handshake';
      socket = verified(await handshake({ ...tls, socket }, REPLY_TIMEOUT_MS, s.signal), certName);
    }
    const wire = new SmtpWire(socket, { add: s.log }, s.signal);
    w = wire;
    step = 'greeting';
    const banner = await wire.readReply(REPLY_TIMEOUT_MS);
    if (banner.code !== 220) fail({ kind: 'reply', command: 'greeting', reply: banner });
    const name = send.ehloName ?? 'mailprobe.invalid';
    step = `EHLO ${name}`;
    let ehlo = await hello(wire, name);
    if (send.mode === 'starttls') {
      if (!ehlo.starttls) {
        return fail({
          kind: 'starttls',
          text: 'the relay does not offer STARTTLS and the canary is only sent encrypted (mode starttls); nothing was sent in plaintext',
          details: { extensions: ehlo.keywords },
        });
      }
      step = 'STARTTLS';
      const go = await wire.command('STARTTLS', REPLY_TIMEOUT_MS);
      if (go.code !== 220) {
        return fail({ kind: 'starttls', reply: go, text: `STARTTLS refused: ${replyLine(go)}` });
      }
      step = 'TLS handshake';
      const secure = verified(await wire.startTls(tls, REPLY_TIMEOUT_MS), certName);
      s.log(`-- TLS ${secure.getProtocol() ?? 'unknown'} ${secure.getCipher().name}`);
      step = `EHLO ${name}`;
      ehlo = await hello(wire, name);
    }
    const utf8 = utf8Addresses([envelope.from, envelope.to]);
    if (utf8.length > 0 && !ehlo.keywords.includes('SMTPUTF8')) {
      return fail({
        kind: 'smtputf8',
        text: `${utf8.map((a) => bounded(a, 100)).join(', ')} has a UTF-8 local part and the relay does not offer SMTPUTF8 (RFC 6531): the canary was not sent`,
        details: { addresses: utf8.map((a) => bounded(a, 100)), extensions: ehlo.keywords },
      });
    }
    let mechanism: string | undefined;
    if (send.auth && s.credentials.password !== undefined) {
      step = 'AUTH';
      mechanism = await login(wire, ehlo, send.auth.user, s.credentials.password, s.log);
    }
    const size = ehlo.keywords.includes('SIZE') ? ` SIZE=${Buffer.byteLength(s.raw)}` : '';
    step = `MAIL FROM:<${envelope.from}>${size}${utf8.length > 0 ? ' SMTPUTF8' : ''}`;
    const mail = await wire.command(step, REPLY_TIMEOUT_MS);
    if (mail.code !== 250) fail({ kind: 'reply', command: step, reply: mail });
    step = `RCPT TO:<${envelope.to}>`;
    const rcpt = await wire.command(step, REPLY_TIMEOUT_MS);
    if (rcpt.code !== 250 && rcpt.code !== 251) fail({ kind: 'reply', command: step, reply: rcpt });
    step = 'DATA';
    const go = await wire.command(step, REPLY_TIMEOUT_MS);
    if (go.code !== 354) fail({ kind: 'reply', command: step, reply: go });
    step = 'end of DATA';
    const done = await sendMessage(wire, s.raw, REPLY_TIMEOUT_MS);
    if (done.code !== 250) fail({ kind: 'reply', command: step, reply: done });
    // The verdict is in: a relay that drops the connection instead of answering QUIT changes nothing.
    await wire.command('QUIT', QUIT_TIMEOUT_MS).catch(() => undefined);
    return { reply: done, ...(mechanism ? { mechanism } : {}) };
  } catch (err) {
    return fail(wireFailure(err, step));
  } finally {
    if (w) w.close();
    else socket.destroy();
  }
}

/**
 * Sends one canary through an SMTP relay over the probe's own SMTP wire: STARTTLS required (unless implicit TLS or
 * loopback plain), the certificate verified, AUTH with PLAIN, LOGIN or CRAM-MD5. The message is composed and
 * signed once, before connecting.
 */
export async function sendViaSmtp(
  send: SmtpSend,
  message: CanaryMessage,
  credentials: SmtpCredentials,
  io: { resolver: DnsResolver; signal: AbortSignal; log: (line: string) => void },
): Promise<SendResult> {
  const relay = `${send.host}:${send.port}`;
  let address = send.host;
  if (!isIP(send.host) && send.host !== 'localhost') {
    try {
      const [first] = await io.resolver(send.host, 'A').catch(() => io.resolver(send.host, 'AAAA'));
      if (!first) throw new Error('no address');
      address = first;
    } catch (err) {
      const text = `cannot resolve ${send.host}: ${oneLine((err as Error).message)}`;
      return { accepted: false, check: failureCheck({ kind: 'unreachable', code: 'EDNS', text }, relay) };
    }
  }
  let built: { raw: string; messageId: string };
  try {
    built = await buildMessage(send, message, credentials.dkimKey);
  } catch (err) {
    const text = `DKIM signing failed: ${oneLine((err as Error).message)}`;
    return { accepted: false, check: failureCheck({ kind: 'unreachable', code: 'EDKIM', text }, relay) };
  }
  try {
    const sent = await deliver(
      send,
      { address, relay, raw: built.raw, credentials, signal: io.signal, log: io.log },
      { from: message.from, to: message.to },
    );
    const response = replyLine(sent.reply);
    io.log(`canary ${message.token} accepted by ${relay}: ${response}`);
    return {
      accepted: true,
      check: {
        id: 'send',
        status: 'pass',
        message: `canary ${message.token} accepted by ${relay}${send.dkim ? ' (DKIM-signed)' : ''}`,
        details: {
          relay,
          reply: response,
          messageId: oneLine(built.messageId),
          ...(sent.mechanism ? { auth: sent.mechanism } : {}),
        },
      },
    };
  } catch (err) {
    if (!(err instanceof SendFailed)) throw err;
    const check = failureCheck(err.failure, relay);
    io.log(`canary ${message.token} not accepted by ${relay}: ${check.message}`);
    return { accepted: false, check };
  }
}
