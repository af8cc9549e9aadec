import { isIPv4, isIPv6 } from 'node:net';
import { canonicalName, type DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { addresses, clip, unknownCheck } from './lookup';

/** PTR names followed forward; RFC 7208 4.6.4 uses the same bound for the ptr mechanism. */
const MAX_NAMES = 10;

/** The full 32 hex digits of an IPv6 address. */
function ipv6Nibbles(ip: string): string {
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  let h = groups(head);
  let t = groups(tail);
  const last = t.length > 0 ? t : h;
  const v4 = last[last.length - 1];
  if (v4?.includes('.')) {
    const b = v4.split('.').map(Number);
    const hex = [((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0)].map((n) =>
      n.toString(16),
    );
    if (t.length > 0) t = [...t.slice(0, -1), ...hex];
    else h = [...h.slice(0, -1), ...hex];
  }
  const missing = ip.includes('::') ? 8 - h.length - t.length : 0;
  return [...h, ...Array(missing).fill('0'), ...t].map((g) => g.padStart(4, '0')).join('');
}

/** The reverse-DNS name of an address (queried directly: node's `reverse()` may answer from /etc/hosts). */
export function reverseName(ip: string): string {
  if (isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  return `${ipv6Nibbles(ip).split('').reverse().join('.')}.ip6.arpa`;
}

function sameAddress(a: string, b: string): boolean {
  if (isIPv6(a) && isIPv6(b)) return ipv6Nibbles(a) === ipv6Nibbles(b);
  return a === b;
}

/** PTR and forward-confirmed reverse DNS for one sending IP. */
export async function checkPtr(ip: string, resolve: DnsResolver): Promise<Check> {
  const id = `ptr:${ip}`;
  const name = reverseName(ip);
  const found = await addresses(resolve, name, 'PTR');
  if (found.kind === 'unknown') return unknownCheck(id, found.error, `PTR of ${ip}`);
  if (found.kind === 'none') {
    return { id, status: 'fail', cause: 'dns.ptr.missing', message: `${ip} has no PTR record (${name})` };
  }
  const names = found.records.slice(0, MAX_NAMES).map(canonicalName);
  const family = isIPv4(ip) ? 'A' : 'AAAA';
  const forward = await Promise.all(names.map((n) => addresses(resolve, n, family)));
  const confirmed = names.find((_, i) => {
    const f = forward[i];
    return f?.kind === 'records' && f.records.some((addr) => sameAddress(addr, ip));
  });
  if (confirmed) return { id, status: 'pass', message: `${ip} -> ${confirmed} -> ${ip}`, observed: names };
  const unknown = forward.find((f) => f.kind === 'unknown');
  if (unknown?.kind === 'unknown')
    return unknownCheck(id, unknown.error, `forward lookup of the PTR of ${ip}`);
  return {
    id,
    status: 'fail',
    cause: 'dns.ptr.mismatch',
    message: `${ip} -> ${clip(names.join(', '), 200)}, but no such name has ${family} ${ip}: forward-confirmed reverse DNS fails`,
    observed: names,
  };
}
