import { authenticate } from 'mailauth';
import type { DnsResolver, RrType } from '../../dns/resolver';
import { connectingAddress, type Header, headerValues } from './headers';
import type { Verdicts } from './ledger';

export interface Reverification {
  verdicts: Verdicts;
  /** Per DKIM signature: `d=`/`s=` and the result, with mailauth's comment (bounded). */
  dkim: { domain: string; selector?: string; result: string; comment?: string }[];
  /** The client address SPF was evaluated for, when one was found in the Received chain. */
  ip?: string;
}

/**
 * The probe's resolver in the shape mailauth's `resolver` option takes: node's record shapes, and errors that
 * carry node's codes (ENOTFOUND, ENODATA...), so its own servers and timeouts answer mailauth's queries.
 */
export function mailauthResolver(resolve: DnsResolver): (name: string, type: string) => Promise<never> {
  return (name, type) => resolve(name, type as RrType) as Promise<never>;
}

/** Bounded plain text: control characters replaced. */
function clean(s: string | undefined, max = 200): string | undefined {
  return s === undefined ? undefined : s.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}

/**
 * Verifies the raw message again with mailauth: DKIM over the bytes as delivered, SPF for the client address in
 * the Received chain and the Return-Path, DMARC from both. Independent of what the receiver claimed.
 */
export async function reverify(
  raw: Buffer,
  headers: Header[],
  resolver: (name: string, type: string) => Promise<never>,
): Promise<Reverification> {
  const client = connectingAddress(headers);
  const sender = /<([^<>\s]{1,254})>/.exec(headerValues(headers, 'return-path')[0] ?? '')?.[1];
  const result = await authenticate(raw, {
    resolver,
    disableArc: true,
    disableBimi: true,
    mta: 'mailprobe',
    ...(client ? { ip: client.ip, ...(client.helo ? { helo: client.helo } : {}) } : {}),
    ...(sender ? { sender } : {}),
  });
  const dkim = result.dkim.results.slice(0, 5).map((r) => {
    const entry: Reverification['dkim'][number] = {
      domain: clean(r.signingDomain, 253) ?? '',
      result: r.status.result,
    };
    const selector = clean(r.selector, 63);
    const comment = clean(r.status.comment);
    if (selector) entry.selector = selector;
    if (comment) entry.comment = comment;
    return entry;
  });
  const verdicts: Verdicts = {
    dkim: dkim.some((d) => d.result === 'pass') ? 'pass' : (dkim[0]?.result ?? 'none'),
  };
  if (client && result.spf) verdicts.spf = result.spf.status.result;
  if (result.dmarc) verdicts.dmarc = result.dmarc.status.result;
  return client ? { verdicts, dkim, ip: client.ip } : { verdicts, dkim };
}
