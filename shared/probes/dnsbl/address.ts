import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName } from '../../dns/resolver';

/** What a blocklist is asked about: an IPv4 address, an IPv6 address or a domain. */
type ListedKind = 'ip4' | 'ip6' | 'domain';

/** A target as the blocklist sees it; `value` is canonical (dotted quad, full lowercase IPv6, lowercase domain). */
export interface Subject {
  kind: ListedKind;
  value: string;
}

function ipv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (any textual form node accepts, embedded IPv4 included). */
function ipv6Bytes(text: string): number[] {
  let head = text;
  let tail: number[] = [];
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.', lastColon)) {
    tail = ipv4Bytes(head.slice(lastColon + 1));
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = [...l, ...new Array<number>(8 - l.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function formatIpv6(bytes: number[]): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

/** True for ::ffff:a.b.c.d (and its hex spelling): an IPv4 address carried in IPv6, checked as IPv4. */
function isV4Mapped(bytes: number[]): boolean {
  return bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Canonical subject for an address; `::ffff:a.b.c.d` becomes the IPv4 address. Undefined when not an IP. */
export function ipSubject(text: string): Subject | undefined {
  if (isIPv4(text)) return { kind: 'ip4', value: ipv4Bytes(text).join('.') };
  if (!isIPv6(text)) return undefined;
  const bytes = ipv6Bytes(text);
  if (isV4Mapped(bytes)) return { kind: 'ip4', value: bytes.slice(12).join('.') };
  return { kind: 'ip6', value: compressIpv6(formatIpv6(bytes)) };
}

/** RFC 5952 form: the longest run of two or more zero groups becomes `::`. */
function compressIpv6(full: string): string {
  const groups = full.split(':');
  let best = { at: -1, len: 0 };
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  if (best.len < 2) return full;
  return `${groups.slice(0, best.at).join(':')}::${groups.slice(best.at + best.len).join(':')}`;
}

/** The label sequence placed before the zone: reversed octets (IPv4), 32 reversed nibbles (IPv6), or the domain. */
export function queryLabels(subject: Subject): string {
  switch (subject.kind) {
    case 'ip4':
      return subject.value.split('.').reverse().join('.');
    case 'ip6':
      return ipv6Bytes(subject.value)
        .flatMap((b) => [b >> 4, b & 0xf])
        .map((n) => n.toString(16))
        .reverse()
        .join('.');
    case 'domain':
      return subject.value;
  }
}

/** Number of addresses in an IP or CIDR (`/n`) string, as a bigint (IPv6 ranges are huge). */
export function rangeSize(text: string): bigint {
  const [addr = '', bits] = text.split('/');
  const width = isIPv4(addr) ? 32 : 128;
  return bits === undefined ? 1n : 1n << BigInt(width - Number(bits));
}

/**
 * Every address of an IP or CIDR string, as subjects, generated one at a time (callers bound the total with
 * `rangeSize` first). Host bits set in the base address are ignored, as routers do.
 */
export function* rangeSubjects(text: string): Generator<Subject> {
  const [addr = '', bits] = text.split('/');
  if (bits === undefined) {
    const one = ipSubject(addr);
    if (one) yield one;
    return;
  }
  const v4 = isIPv4(addr);
  const width = v4 ? 32 : 128;
  const bytes = v4 ? ipv4Bytes(addr) : ipv6Bytes(addr);
  const hostBits = BigInt(width - Number(bits));
  const base = (bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) >> hostBits) << hostBits;
  for (let i = 0n; i < 1n << hostBits; i++) {
    const n = base + i;
    const octets = Array.from({ length: width / 8 }, (_, k) =>
      Number((n >> BigInt(width - 8 - 8 * k)) & 0xffn),
    );
    const subject = ipSubject(v4 ? octets.join('.') : formatIpv6(octets));
    if (subject) yield subject;
  }
}

/** At most `max` addresses of an IP or CIDR string. */
export function expandRange(text: string, max: number): Subject[] {
  const out: Subject[] = [];
  for (const s of rangeSubjects(text)) {
    if (out.length >= max) break;
    out.push(s);
  }
  return out;
}

/** Lowercase, no trailing dot: how domains are queried and named. */
export function domainSubject(text: string): Subject {
  return { kind: 'domain', value: canonicalName(text) };
}
