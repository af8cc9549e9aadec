import { isIPv4, isIPv6, type Socket } from 'node:net';
import dns2 from 'dns2';
import { canonicalName } from '../../shared/dns/resolver';

const { Packet } = dns2;

/** One resource record of the loopback zone. Names are the keys of `ZoneRecords`. */
export type ZoneRecord =
  | { type: 'A' | 'AAAA'; address: string; ttl?: number }
  | { type: 'TXT'; data: string[]; ttl?: number }
  | { type: 'MX'; exchange: string; priority: number; ttl?: number }
  | { type: 'CNAME' | 'PTR' | 'NS'; target: string; ttl?: number };

/** Records by lowercase fully qualified name, without the trailing dot. */
export type ZoneRecords = Record<string, ZoneRecord[]>;

/** What to do with one query instead of answering it from the zone. */
export type Misbehaviour = undefined | 'refused' | 'servfail' | 'drop' | { delayMs: number };
type Behaviour = (name: string, type: string) => Misbehaviour;

export interface DnsServerOptions {
  records?: ZoneRecords;
  /** Lets a test turn chosen queries into REFUSED, SERVFAIL, silence (timeouts) or slow answers. */
  behaviour?: Behaviour;
}

export interface DnsServer {
  /** `127.0.0.1:<port>`, as `dns.promises.Resolver.setServers` and `resolver.servers` take it. */
  server: string;
  port: number;
  /** Adds records; names that already exist keep their records and gain the new ones. */
  add(records: ZoneRecords): void;
  /** Replaces the records of the names given (a key rotation, a record edited mid-run). */
  replace(records: ZoneRecords): void;
  close(): Promise<void>;
}

const DEFAULT_TTL = 60;
const MAX_CNAME_CHAIN = 8;
const TXT_STRING_MAX = 255;
const BIND_ATTEMPTS = 10;

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code, name]));

function validate(name: string, record: ZoneRecord): void {
  const bad = (why: string) => new TypeError(`dns-server: record ${record.type} ${name}: ${why}`);
  if (record.type === 'A' && !isIPv4(record.address)) throw bad(`"${record.address}" is not an IPv4 address`);
  // dns2's AAAA encoder only understands colon-hex groups.
  if (record.type === 'AAAA' && (!isIPv6(record.address) || record.address.includes('.'))) {
    throw bad(`"${record.address}" is not an IPv6 address in colon-hex form`);
  }
  if (record.type === 'TXT') {
    for (const s of record.data) {
      if (Buffer.byteLength(s) > TXT_STRING_MAX) throw bad('a TXT string is longer than 255 bytes: split it');
    }
  }
}

/** The zone as a lookup table, with every ancestor of a name known so empty non-terminals answer NODATA, not NXDOMAIN. */
class Zone {
  private readonly records = new Map<string, ZoneRecord[]>();
  private readonly names = new Set<string>();

  add(records: ZoneRecords, replace = false): void {
    for (const [rawName, list] of Object.entries(records)) {
      const name = canonicalName(rawName);
      for (const record of list) validate(name, record);
      this.records.set(name, [...(replace ? [] : (this.records.get(name) ?? [])), ...list]);
      const labels = name.split('.');
      for (let i = 0; i < labels.length; i++) this.names.add(labels.slice(i).join('.'));
    }
  }

  exists(name: string): boolean {
    return this.names.has(name);
  }

  get(name: string): ZoneRecord[] {
    return this.records.get(name) ?? [];
  }
}

function toResource(name: string, record: ZoneRecord): Record<string, unknown> {
  const base = {
    name,
    type: Packet.TYPE[record.type],
    class: Packet.CLASS.IN,
    ttl: record.ttl ?? DEFAULT_TTL,
  };
  switch (record.type) {
    case 'A':
    case 'AAAA':
      return { ...base, address: record.address };
    case 'TXT':
      return { ...base, data: record.data };
    case 'MX':
      return { ...base, exchange: record.exchange, priority: record.priority };
    case 'NS':
      return { ...base, ns: record.target };
    case 'CNAME':
    case 'PTR':
      return { ...base, domain: record.target };
  }
}

/**
 * The SOA a negative answer carries (RFC 2308 3), owned by the name's last two labels: the server's stand-in for
 * the apex of the zone it answers for.
 */
function negativeSoa(name: string): Record<string, unknown> {
  const apex = name.split('.').slice(-2).join('.');
  return {
    name: apex,
    type: Packet.TYPE.SOA,
    class: Packet.CLASS.IN,
    ttl: DEFAULT_TTL,
    primary: `ns.${apex}`,
    admin: `hostmaster.${apex}`,
    serial: 1,
    refresh: 3600,
    retry: 600,
    expiration: 86_400,
    minimum: DEFAULT_TTL,
  };
}

/** Answers one question from the zone: records of the type, a CNAME chain to them, NODATA or NXDOMAIN. */
function answer(zone: Zone, request: dns2.Packet): dns2.Packet {
  const response = Packet.createResponseFromRequest(request);
  response.header.aa = 1;
  const question = request.questions[0];
  if (!question) {
    response.header.rcode = 1; // FORMERR
    return response;
  }
  let name = canonicalName(question.name);
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    if (!zone.exists(name)) {
      // A name reached through a CNAME that does not exist still answers NXDOMAIN, with the chain so far.
      response.header.rcode = 3;
      response.authorities.push(negativeSoa(name) as never);
      return response;
    }
    const records = zone.get(name);
    const matching = records.filter((r) => Packet.TYPE[r.type] === question.type);
    const cname = records.find((r) => r.type === 'CNAME');
    if (matching.length > 0 || !cname || question.type === Packet.TYPE.CNAME) {
      for (const r of matching) response.answers.push(toResource(name, r) as never);
      if (matching.length === 0) response.authorities.push(negativeSoa(name) as never); // NODATA
      return response;
    }
    response.answers.push(toResource(name, cname) as never);
    name = canonicalName((cname as { target: string }).target);
  }
  response.header.rcode = 2; // a CNAME loop: SERVFAIL, as a recursive server would
  return response;
}

/**
 * A small authoritative DNS server on 127.0.0.1 (UDP, and TCP on the same port for truncated answers), serving a
 * zone object. Used by the integration tests and by the `npm start` demo; never listens beyond loopback.
 */
export async function startDnsServer(options: DnsServerOptions = {}): Promise<DnsServer> {
  const zone = new Zone();
  zone.add(options.records ?? {});
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closed = false;

  const handle = (request: dns2.Packet, send: (response: dns2.Packet) => Promise<Buffer>) => {
    const question = request.questions[0];
    const what = question
      ? options.behaviour?.(
          canonicalName(question.name),
          TYPE_NAMES.get(question.type) ?? `TYPE${question.type}`,
        )
      : undefined;
    const reply = (response: dns2.Packet) => {
      // The client may have gone away (a dropped TCP connection, a closed server): nothing to do then.
      if (!closed) send(response).catch(() => {});
    };
    if (what === 'drop') return;
    if (what === 'refused' || what === 'servfail') {
      const response = Packet.createResponseFromRequest(request);
      response.header.rcode = what === 'refused' ? 5 : 2;
      reply(response);
      return;
    }
    if (what && typeof what === 'object') {
      const timer = setTimeout(() => {
        timers.delete(timer);
        reply(answer(zone, request));
      }, what.delayMs);
      timers.add(timer);
      return;
    }
    reply(answer(zone, request));
  };

  const { udp, tcp } = await bindPair(handle, sockets);
  const port = (udp.address() as { port: number }).port;

  return {
    server: `127.0.0.1:${port}`,
    port,
    add: (records) => zone.add(records),
    replace: (records) => zone.add(records, true),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
}

type Handler = (request: dns2.Packet, send: (response: dns2.Packet) => Promise<Buffer>) => void;

/** UDP on an ephemeral port, then TCP on the same port number (retrying when another process holds it). */
async function bindPair(
  handle: Handler,
  sockets: Set<Socket>,
): Promise<{ udp: dns2.UDPServer; tcp: dns2.TCPServer }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const udp = dns2.createUDPServer((request, send) => handle(request, send));
    await udp.listen(0, '127.0.0.1');
    const port = (udp.address() as { port: number }).port;
    const tcp = dns2.createTCPServer((request, send) => handle(request, send));
    tcp.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', () => {
          tcp.off('error', reject);
          resolve();
        });
      });
      return { udp, tcp };
    } catch (err) {
      lastError = err;
      await new Promise<void>((resolve) => udp.close(() => resolve()));
    }
  }
  throw new Error(`dns-server: no port free for both UDP and TCP after ${BIND_ATTEMPTS} attempts`, {
    cause: lastError,
  });
}
