import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { Check } from '../../model/result';
import { errorMeaning } from '../../util/net-error';
import type { SessionPlan } from './plan';
import { bounded, handshake, SmtpWire, SmtpWireError, TlsHandshakeError, tcpConnect } from './wire';

/** How one extra handshake with restricted client options ended. */
type Offer =
  | { kind: 'accepted'; protocol: string; cipher: string }
  | { kind: 'refused'; reason: string }
  /** The connection never got to the handshake (refused, no STARTTLS, a 4xx greeting): says nothing about TLS. */
  | { kind: 'inconclusive'; reason: string };

/** OpenSSL 3 refuses TLS 1.0/1.1 and SHA-1 suites above security level 0: the scan lowers it for itself only. */
const LEGACY = 'ALL:@SECLEVEL=0';
/**
 * Suites a server should no longer accept (RFC 9325 4.1-4.2): RSA key exchange (no forward secrecy), 3DES (64-bit
 * blocks, Sweet32), RC4, NULL encryption, export grades. Anonymous suites (aNULL) are left out: Postfix accepts them
 * on purpose for opportunistic TLS, and a client that verifies certificates never offers them, so accepting them
 * weakens nothing.
 */
const WEAK_SUITES = 'kRSA:3DES:RC4:eNULL:EXPORT:@SECLEVEL=0';

const quietLog = { add: () => {} };

/** One more connection to the endpoint, up to the end of a TLS handshake made with `options`, then QUIT. */
async function tryHandshake(
  plan: SessionPlan,
  options: ConnectionOptions,
  signal: AbortSignal,
): Promise<Offer> {
  const timeout = plan.replyTimeoutMs;
  let socket: Socket;
  try {
    socket = await tcpConnect(plan.address, plan.port, plan.connectTimeoutMs, signal);
  } catch (err) {
    return { kind: 'inconclusive', reason: `connect: ${(err as NodeJS.ErrnoException).code ?? 'failed'}` };
  }
  let wire: SmtpWire | undefined;
  let tlsSocket: TLSSocket | undefined;
  // Versions and suites are options of a TLS context: the session's context (its private CA) would override them,
  // and the scan judges no certificate, so it only keeps the name it sends.
  const tls: ConnectionOptions = {
    ...(plan.tls.servername ? { servername: plan.tls.servername } : {}),
    ...options,
  };
  try {
    if (plan.mode === 'implicit-tls') {
      tlsSocket = await handshake({ ...tls, socket }, timeout, signal);
    } else {
      const w = new SmtpWire(socket, quietLog, signal);
      wire = w;
      for (const [command, want] of [
        [undefined, 220],
        [`EHLO ${plan.ehloName}`, 250],
        ['STARTTLS', 220],
      ] as const) {
        const reply = command ? await w.command(command, timeout) : await w.readReply(timeout);
        if (reply.code !== want) {
          return { kind: 'inconclusive', reason: `${command ?? 'greeting'} answered ${reply.code}` };
        }
      }
      tlsSocket = await w.startTls(tls, timeout);
    }
    const offer: Offer = {
      kind: 'accepted',
      protocol: tlsSocket.getProtocol() ?? 'unknown',
      cipher: tlsSocket.getCipher().name,
    };
    if (wire) await wire.command('QUIT', Math.min(timeout, 2000)).catch(() => undefined);
    return offer;
  } catch (err) {
    if (err instanceof TlsHandshakeError) {
      if (err.code === 'ABORT_ERR') return { kind: 'inconclusive', reason: 'probe time budget spent' };
      return { kind: 'refused', reason: bounded(errorMeaning(err.message, err.code).meaning, 200) };
    }
    if (err instanceof SmtpWireError) return { kind: 'inconclusive', reason: bounded(err.message, 200) };
    throw err;
  } finally {
    wire?.close();
    tlsSocket?.destroy();
    socket.destroy();
  }
}

/** What a weak suite lacks, by OpenSSL name. */
function weakness(cipher: string): string {
  if (/NULL/.test(cipher)) return 'no encryption';
  if (/RC4/.test(cipher)) return 'RC4, broken (RFC 7465)';
  if (/DES-CBC3|3DES/.test(cipher)) return '3DES, 64-bit blocks (Sweet32)';
  if (/EXP/.test(cipher)) return 'export grade';
  return 'RSA key exchange: no forward secrecy';
}

/**
 * After a session that negotiated TLS: which protocol versions below TLS 1.2 the server still accepts, and whether it
 * accepts a suite without forward secrecy or with a broken cipher, each asked on a connection of its own (what a
 * downgrading attacker or an old client would offer), so the answer is what the server offers, not only what the
 * probe negotiated.
 */
export async function scanTls(plan: SessionPlan, negotiated: string, signal: AbortSignal): Promise<Check[]> {
  const [tls10, tls11, weak] = await Promise.all([
    tryHandshake(plan, { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: LEGACY }, signal),
    tryHandshake(plan, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: LEGACY }, signal),
    tryHandshake(plan, { minVersion: 'TLSv1', maxVersion: 'TLSv1.2', ciphers: WEAK_SUITES }, signal),
  ]);
  const versions = { TLSv1: tls10, 'TLSv1.1': tls11 };
  const legacy = Object.entries(versions)
    .filter(([, o]) => o.kind === 'accepted')
    .map(([v]) => v);
  const unsure = Object.entries(versions).flatMap(([v, o]) =>
    o.kind === 'inconclusive' ? [{ version: v, reason: o.reason }] : [],
  );
  const protocolDetails = {
    negotiated,
    accepted: [...legacy, negotiated],
    refused: Object.entries(versions)
      .filter(([, o]) => o.kind === 'refused')
      .map(([v]) => v),
  };
  const protocols: Check =
    legacy.length > 0
      ? {
          id: 'tls.protocols',
          status: 'warn',
          cause: 'smtp.tls.legacy-protocol',
          message: `accepts ${legacy.join(' and ')} besides ${negotiated}: RFC 8996 retired TLS 1.0 and 1.1`,
          details: protocolDetails,
        }
      : unsure.length > 0
        ? {
            id: 'tls.protocols',
            status: 'unknown',
            cause: 'smtp.tls.scan-inconclusive',
            message: `could not ask for ${unsure.map((u) => u.version).join(' and ')}: ${unsure[0]?.reason ?? ''}`,
            details: protocolDetails,
          }
        : {
            id: 'tls.protocols',
            status: 'pass',
            message: `${negotiated}; TLS 1.0 and 1.1 refused`,
            details: protocolDetails,
          };
  const ciphers: Check =
    weak.kind === 'accepted'
      ? {
          id: 'tls.ciphers',
          status: 'warn',
          cause: 'smtp.tls.weak-cipher',
          message: `accepts ${weak.cipher} over ${weak.protocol} (${weakness(weak.cipher)}) when a client offers only weak suites`,
          details: { accepted: weak.cipher, protocol: weak.protocol },
        }
      : weak.kind === 'inconclusive'
        ? {
            id: 'tls.ciphers',
            status: 'unknown',
            cause: 'smtp.tls.scan-inconclusive',
            message: `could not ask for weak cipher suites: ${weak.reason}`,
          }
        : {
            id: 'tls.ciphers',
            status: 'pass',
            message: 'refuses suites without forward secrecy and 3DES, RC4, NULL or export suites',
          };
  return [protocols, ciphers];
}

/**
 * After a failed handshake: does the server speak only TLS 1.0/1.1? Then the failure is the server's protocol
 * floor, not a broken certificate or a middlebox, and it says which version and suite it would have used.
 */
export async function legacyOnly(
  plan: SessionPlan,
  signal: AbortSignal,
): Promise<{ protocol: string; cipher: string } | undefined> {
  const offer = await tryHandshake(
    plan,
    { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: LEGACY },
    signal,
  );
  return offer.kind === 'accepted' ? { protocol: offer.protocol, cipher: offer.cipher } : undefined;
}
