import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { getServers } from 'node:dns';
import { isIP, Socket } from 'node:net';
import * as packet from 'dns-packet';
import type { ResolverSettings } from '../config/resolver';
import { canonicalName, DnsLookupError, type RrType } from './resolver';

/** Types asked here: DANE's TLSA, the apex records whose validation state stands for a zone, the probes' records. */
export type SecureRrType = RrType | 'TLSA' | 'SOA' | 'DNSKEY' | 'DS';

/** RFC 8914 extended DNS error codes, by number. */
const EDE_NAMES: Record<number, string> = {
  0: 'Other',
  1: 'Unsupported DNSKEY Algorithm',
  2: 'Unsupported DS Digest Type',
  3: 'Stale Answer',
  4: 'Forged Answer',
  5: 'DNSSEC Indeterminate',
  6: 'DNSSEC Bogus',
  7: 'Signature Expired',
  8: 'Signature Not Yet Valid',
  9: 'DNSKEY Missing',
  10: 'RRSIGs Missing',
  11: 'No Zone Key Bit Set',
  12: 'NSEC Missing',
  13: 'Cached Error',
  14: 'Not Ready',
  15: 'Blocked',
  16: 'Censored',
  17: 'Filtered',
  18: 'Prohibited',
  19: 'Stale NXDOMAIN Answer',
  20: 'Not Authoritative',
  21: 'Not Supported',
  22: 'No Reachable Authority',
  23: 'Network Error',
  24: 'Invalid Data',
};
const EDE_OPTION = 15;
/** The EDNS buffer size of DNS Flag Day 2020; larger answers come over TCP. */
const UDP_PAYLOAD = 1232;
/** Longest EXTRA-TEXT kept from a resolver (untrusted text). */
const MAX_EDE_TEXT = 200;
/** CNAME records kept from one answer: a chain longer than any resolver follows (Unbound 11, Knot 13). */
const MAX_ALIASES_KEPT = 32;

export interface ExtendedError {
  code: number;
  name: string;
  text: string;
}

/** A CNAME record of an answer section, names lower-cased without the final dot. */
interface AnsweredAlias {
  name: string;
  target: string;
}

export interface SecureAnswer {
  rcode: string;
  /** The AD bit: the resolver validated the answer (meaningful only from a validating resolver). */
  authenticated: boolean;
  /** Records of the asked type in the answer section (CNAMEs followed by the resolver). */
  records: packet.Answer[];
  /** The CNAME records of the answer section: the chain the server followed from the name asked (at most 32). */
  aliases: AnsweredAlias[];
  /**
   * The authority section holds an SOA: the answer is a cacheable negative one (RFC 2308), about the last name of
   * the chain. Without it, an empty NOERROR after a CNAME may be a server that did not follow the alias.
   */
  negativeSoa: boolean;
  /** RFC 8914 extended errors the resolver attached (why validation failed, say). */
  extendedErrors: ExtendedError[];
  server: string;
}

interface QueryOptions {
  /** Set CD: the resolver answers without validating (what is behind a validation failure). */
  checkingDisabled?: boolean;
  /**
   * Set DO (the default): the resolver adds the DNSSEC records and its validation state. Off for plain record
   * queries, whose answers then carry no signatures (smaller, rarely truncated to TCP).
   */
  dnssecOk?: boolean;
}

/**
 * DNS queries that keep whole answers: DO set (unless asked not to), the AD bit, CNAMEs and extended errors read
 * back, CD on request.
 */
export interface SecureResolver {
  /** The configured servers validate DNSSEC (`resolver.validating`): their AD bit and SERVFAIL are verdicts. */
  validating: boolean;
  query(name: string, type: SecureRrType, options?: QueryOptions): Promise<SecureAnswer>;
}

function parseServer(server: string): { host: string; port: number } {
  if (isIP(server)) return { host: server, port: 53 };
  const v6 = /^\[([^\]]+)\]:(\d+)$/.exec(server);
  if (v6) return { host: v6[1] as string, port: Number(v6[2]) };
  const at = server.lastIndexOf(':');
  return { host: server.slice(0, at), port: Number(server.slice(at + 1)) };
}

function extendedErrors(response: packet.DecodedPacket): ExtendedError[] {
  const out: ExtendedError[] = [];
  for (const rr of response.additionals ?? []) {
    if (rr.type !== 'OPT') continue;
    for (const option of rr.options as unknown as { code: number; data?: Buffer }[]) {
      if (option.code !== EDE_OPTION || !option.data || option.data.length < 2) continue;
      const code = option.data.readUInt16BE(0);
      const text = option.data
        .subarray(2, 2 + MAX_EDE_TEXT)
        .toString('utf8')
        .replace(/[^\x20-\x7e]/g, '?');
      out.push({ code, name: EDE_NAMES[code] ?? `code ${code}`, text });
      if (out.length >= 8) return out;
    }
  }
  return out;
}

/** A DNS message (at least a header) with the query's id. */
function carriesId(message: Buffer, id: number): boolean {
  return message.length >= 12 && message.readUInt16BE(0) === id;
}

function udpExchange(
  query: Buffer,
  id: number,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIP(host) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => finish(new Error('ETIMEOUT')), timeoutMs);
    const finish = (err: Error | undefined, data?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (err) reject(err);
      else resolve(data as Buffer);
    };
    socket.on('error', (err) => finish(err));
    socket.on('message', (msg, from) => {
      // Answers that are not ours (another sender, another id, too short) are ignored, as a stub resolver must.
      if (from.address !== host || from.port !== port) return;
      if (carriesId(msg, id)) finish(undefined, msg);
    });
    socket.send(query, port, host, (err) => {
      if (err) finish(err);
    });
  });
}

function tcpExchange(
  query: Buffer,
  id: number,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => finish(new Error('ETIMEOUT')), timeoutMs);
    const finish = (err: Error | undefined, data?: Buffer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(data as Buffer);
    };
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 2 && received.length >= 2 + received.readUInt16BE(0)) {
        const message = received.subarray(2, 2 + received.readUInt16BE(0));
        if (carriesId(message, id)) finish(undefined, message);
        else finish(new Error('EBADRESP'));
      }
    });
    socket.on('close', () => finish(new Error('ECONNRESET')));
    socket.connect(port, host, () => {
      const framed = Buffer.alloc(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      query.copy(framed, 2);
      socket.write(framed);
    });
  });
}

/** A response as dns-packet reads it; one it cannot read is a bad response (EBADRESP). */
function decode(raw: Buffer): packet.DecodedPacket & { rcode: string } {
  try {
    return packet.decode(raw) as packet.DecodedPacket & { rcode: string };
  } catch {
    throw new Error('EBADRESP');
  }
}

/** The response is about the question asked (RFC 5452 9.1): an answer to anything else is not believed. */
function aboutQuestion(response: packet.DecodedPacket, name: string, type: string): boolean {
  const [question, ...more] = response.questions ?? [];
  return (
    more.length === 0 &&
    question !== undefined &&
    question.type === type &&
    canonicalName(question.name) === canonicalName(name)
  );
}

const RCODE_FAILURE: Record<string, DnsLookupError['failure']> = {
  SERVFAIL: 'servfail',
  REFUSED: 'refused',
};

/** A query with a fresh unpredictable id (RFC 5452 4.3); with EDNS0 (DO unless asked not to) or plain. */
function encodeQuery(
  name: string,
  type: SecureRrType,
  options: QueryOptions,
  edns: boolean,
): { id: number; query: Buffer } {
  const id = randomInt(65_536);
  const flags = options.dnssecOk === false ? 0 : packet.DNSSEC_OK;
  const query = packet.encode({
    type: 'query',
    id,
    flags: packet.RECURSION_DESIRED | (options.checkingDisabled ? packet.CHECKING_DISABLED : 0),
    questions: [{ type, name, class: 'IN' }],
    additionals: edns
      ? [{ type: 'OPT', name: '.', udpPayloadSize: UDP_PAYLOAD, flags, options: [] } as never]
      : [],
  });
  return { id, query };
}

/** One question to one server: UDP, then TCP when the answer is truncated. */
async function exchange(
  name: string,
  type: SecureRrType,
  options: QueryOptions,
  edns: boolean,
  server: { host: string; port: number },
  timeoutMs: number,
): Promise<packet.DecodedPacket & { rcode: string }> {
  const { id, query } = encodeQuery(name, type, options, edns);
  const response = decode(await udpExchange(query, id, server.host, server.port, timeoutMs));
  if (!response.flag_tc) return response;
  return decode(await tcpExchange(query, id, server.host, server.port, timeoutMs));
}

/** A server that does not speak EDNS0 answers FORMERR or NOTIMP without an OPT record (RFC 6891 7). */
function refusesEdns(response: packet.DecodedPacket & { rcode: string }): boolean {
  return (
    (response.rcode === 'FORMERR' || response.rcode === 'NOTIMP') &&
    !(response.additionals ?? []).some((a) => a.type === 'OPT')
  );
}

/**
 * A SecureResolver on the configured servers (the system's when none), with the settings' timeout and tries; UDP
 * with EDNS0 (and DO unless asked not to), TCP when the answer is truncated, and the question asked again without
 * EDNS0 of a server that does not speak it (node's c-ares asks without it). SERVFAIL is returned as an answer (its
 * extended errors are the point); REFUSED, timeouts and network errors throw DnsLookupError.
 */
export function createSecureResolver(settings: ResolverSettings): SecureResolver {
  const servers = settings.servers.length > 0 ? settings.servers : getServers();
  return {
    validating: settings.validating,
    async query(name, type, options = {}) {
      let lastError: unknown;
      for (let attempt = 0; attempt < settings.tries * servers.length; attempt++) {
        const server = servers[attempt % servers.length] as string;
        const address = parseServer(server);
        try {
          let response = await exchange(name, type, options, true, address, settings.timeoutMs);
          if (refusesEdns(response))
            response = await exchange(name, type, options, false, address, settings.timeoutMs);
          if (!aboutQuestion(response, name, type)) throw new Error('EBADRESP');
          const failure = RCODE_FAILURE[response.rcode];
          if (failure === 'refused') throw new DnsLookupError(failure, { name, type }, 'EREFUSED');
          const answers = response.answers ?? [];
          return {
            rcode: response.rcode,
            authenticated: response.flag_ad,
            records: answers.filter((a) => a.type === type),
            aliases: answers
              .flatMap((a) => (a.type === 'CNAME' && type !== 'CNAME' ? [a] : []))
              .slice(0, MAX_ALIASES_KEPT)
              .map((a) => ({ name: canonicalName(a.name), target: canonicalName(a.data) })),
            negativeSoa: (response.authorities ?? []).some((a) => a.type === 'SOA'),
            extendedErrors: extendedErrors(response),
            server,
          };
        } catch (err) {
          if (err instanceof DnsLookupError) throw err;
          lastError = err;
        }
      }
      const message = (lastError as Error | undefined)?.message;
      const code = message === 'ETIMEOUT' || message === 'EBADRESP' ? message : 'ECONNREFUSED';
      throw new DnsLookupError(code === 'ETIMEOUT' ? 'timeout' : 'error', { name, type }, code, {
        cause: lastError,
      });
    },
  };
}

/** Why a name fails DNSSEC validation, as a validating resolver tells it. */
export interface ValidationFailure {
  errors: ExtendedError[];
  /** What a checking-disabled query returns: the data is there (NOERROR) or not (the rcode). */
  behind: string;
}

/**
 * When a validating resolver answers SERVFAIL for `name`, asks again with checking disabled: if the data comes back,
 * DNSSEC validation is what fails, and the extended errors say why. Undefined when the resolver does not validate,
 * or the failure is not a validation failure.
 */
export async function validationFailure(
  resolver: SecureResolver,
  name: string,
  type: SecureRrType,
): Promise<ValidationFailure | undefined> {
  if (!resolver.validating) return undefined;
  try {
    const checked = await resolver.query(name, type);
    if (checked.rcode !== 'SERVFAIL') return undefined;
    const unchecked = await resolver.query(name, type, { checkingDisabled: true });
    if (unchecked.rcode === 'SERVFAIL') return undefined;
    const behind =
      unchecked.records.length > 0 ? `${unchecked.records.length} ${type} record(s)` : unchecked.rcode;
    return { errors: checked.extendedErrors, behind };
  } catch (err) {
    if (err instanceof DnsLookupError) return undefined;
    throw err;
  }
}

/** `EDE 7 Signature Expired: <text>; ...` for a message. */
export function describeExtendedErrors(errors: ExtendedError[]): string {
  return errors.length === 0
    ? 'no extended error given'
    : errors.map((e) => `EDE ${e.code} ${e.name}${e.text ? `: ${e.text}` : ''}`).join('; ');
}
