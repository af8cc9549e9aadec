import { randomInt } from 'node:crypto';
import { connect as netConnect } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { formatDuration } from '../../util/duration';
import { handshake, printable } from './wire';

/**
 * What listens on a port that accepted the connection but sent no SMTP greeting. Services that wait for the client
 * to speak first are asked in their own protocol, each on its own short connection, while the SMTP connection
 * keeps waiting for a late greeting: a TLS ClientHello (implicit-TLS SMTP, HTTPS), a DNS query over TCP (a DNS
 * server's port 53 or 5300), an HTTP request (which SSH daemons and other line protocols also answer).
 */
export type SilentService =
  | { service: 'tls'; evidence: string }
  | { service: 'dns'; evidence: string }
  | { service: 'http'; evidence: string }
  | { service: 'ssh'; evidence: string }
  | { service: 'smtp'; evidence: string }
  | { service: 'other'; evidence: string };

/** Per follow-up: what it saw, kept in the check's details when nothing was recognised. */
export type FollowUps = Record<'tls' | 'dns' | 'http', string>;

const MAX_BYTES = 512;

/** Opens a connection, writes `hello`, and collects what comes back until `enough` says so, a close or the time. */
function ask(
  address: string,
  port: number,
  hello: Buffer,
  timeoutMs: number,
  signal: AbortSignal,
  enough: (got: Buffer) => boolean,
): Promise<Buffer | string> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const socket = netConnect({ host: address, port, noDelay: true });
    const done = (result: Buffer | string) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => done('aborted');
    const timer = setTimeout(
      () => done(got.length > 0 ? got : `no answer within ${formatDuration(timeoutMs)}`),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(hello));
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]).subarray(0, MAX_BYTES);
      if (enough(got) || got.length >= MAX_BYTES) done(got);
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done(got.length > 0 ? got : `error ${err.code ?? err.message}`),
    );
    socket.on('close', () => done(got.length > 0 ? got : 'closed without answering'));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A DNS query for the root's SOA over TCP (RFC 1035 4.2.2: two length bytes, then the message). Seventeen fixed
 * bytes: a DNS library would add a dependency for less than what it takes to import it.
 */
function dnsQuery(id: number): Buffer {
  const header = Buffer.from([id >> 8, id & 0xff, 0x00, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
  const question = Buffer.from([0x00, 0x00, 0x06, 0x00, 0x01]); // root name, type SOA, class IN
  const message = Buffer.concat([header, question]);
  const length = Buffer.from([message.length >> 8, message.length & 0xff]);
  return Buffer.concat([length, message]);
}

/** A DNS response to our query: our id and the QR (response) bit, after the two length bytes. */
function isDnsAnswer(got: Buffer, id: number): boolean {
  return got.length >= 6 && got.readUInt16BE(2) === id && ((got[4] ?? 0) & 0x80) !== 0;
}

async function tryTls(
  tls: ConnectionOptions,
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<SilentService | string> {
  try {
    const socket = await handshake({ ...tls, host: address, port }, timeoutMs, signal);
    const protocol = socket.getProtocol() ?? 'TLS';
    socket.destroy();
    return { service: 'tls', evidence: `a TLS handshake succeeded (${protocol})` };
  } catch (err) {
    const text = (err as Error).message;
    // A TLS alert is still a TLS server answering (no common version or cipher, client certificate wanted).
    if (/alert/i.test(text))
      return { service: 'tls', evidence: `the server answered with a TLS alert (${text})` };
    return text;
  }
}

/** What one follow-up's answer says: a recognised service, or the text kept for the details. */
function readDns(got: Buffer | string, id: number): SilentService | string {
  if (typeof got === 'string') return got;
  return isDnsAnswer(got, id)
    ? { service: 'dns', evidence: 'it answered a DNS query over TCP' }
    : `answered ${printable(got, 120)}`;
}

function readHttp(got: Buffer | string): SilentService | string {
  if (typeof got === 'string') return got;
  const first = printable(got, 120).split('\\x0d')[0] ?? '';
  if (first.startsWith('HTTP/')) return { service: 'http', evidence: first };
  if (first.startsWith('SSH-')) return { service: 'ssh', evidence: first };
  if (/^[2-5]\d\d[ -]/.test(first)) return { service: 'smtp', evidence: first };
  return { service: 'other', evidence: printable(got, 120) };
}

/**
 * Asks the silent port in TLS, DNS and HTTP at once. The first follow-up that recognises a service ends the others;
 * when none does, each one's observation is returned for the details.
 */
export async function identifySilentService(
  address: string,
  port: number,
  tls: ConnectionOptions,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ found?: SilentService; followUps: FollowUps }> {
  const id = randomInt(1, 0xffff);
  const stop = new AbortController();
  const both = AbortSignal.any([signal, stop.signal]);
  const followUps: FollowUps = { tls: 'not needed', dns: 'not needed', http: 'not needed' };
  let found: SilentService | undefined;
  const settle = (name: keyof FollowUps) => (result: SilentService | string) => {
    if (typeof result === 'string') {
      if (!found) followUps[name] = result;
      return;
    }
    followUps[name] = result.evidence;
    // SMTP after all (a slow greeting) names nothing: the main connection goes on waiting.
    if (!found && result.service !== 'smtp') {
      found = result;
      stop.abort();
    }
  };
  await Promise.all([
    tryTls(tls, address, port, timeoutMs, both).then(settle('tls')),
    ask(address, port, dnsQuery(id), timeoutMs, both, (got) => got.length >= 6)
      .then((got) => readDns(got, id))
      .then(settle('dns')),
    ask(address, port, Buffer.from('HEAD / HTTP/1.0\r\n\r\n'), timeoutMs, both, (got) => got.includes(10))
      .then(readHttp)
      .then(settle('http')),
  ]);
  return found ? { found, followUps } : { followUps };
}
