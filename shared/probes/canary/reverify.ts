import type { AuthStatus, DKIMResult } from 'mailauth';
import type { DnsResolver, RrType } from '../../dns/resolver';
import { authenticateMessage } from './authenticate';
import { connectingAddress, type Header, headerValues } from './headers';
import type { DkimFailure, DkimSignature, Verdicts } from './ledger';

export interface Reverification {
  verdicts: Verdicts;
  /** Per DKIM signature: `d=`/`s=` and the result, with mailauth's comment (bounded) and the failure it means. */
  dkim: DkimSignature[];
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

/** mailauth's DKIM status (result, comment, policy) as one of the failures with their own fix. */
function dkimFailure(status: Pick<AuthStatus, 'result' | 'comment' | 'policy'>): DkimFailure | undefined {
  if (status.result === 'pass' || status.result === 'none') return undefined;
  const comment = typeof status.comment === 'string' ? status.comment : '';
  if (status.policy?.['dkim-rules'] === 'weak-key') return 'weak-key';
  if (/^no key/.test(comment)) return 'key-missing';
  if (/bad signature/.test(comment)) return 'key-mismatch';
  if (/body hash/.test(comment)) return 'body-hash';
  if (/expir/.test(comment)) return 'expired';
  if (/key (version|type)|invalid public key/.test(comment)) return 'key-invalid';
  if (/^DNS failure/.test(comment) || status.result === 'temperror') return 'dns-error';
  return undefined;
}

/** The verifier's result per DKIM signature (the first five), bounded, with the failure each one means. */
export function dkimSignatures(results: DKIMResult[]): DkimSignature[] {
  return results.slice(0, 5).map((r) => {
    const entry: DkimSignature = {
      domain: clean(r.signingDomain, 253) ?? '',
      result: r.status.result,
    };
    const selector = clean(r.selector, 63);
    const comment = clean(r.status.comment);
    const failure = dkimFailure(r.status);
    if (selector) entry.selector = selector;
    if (comment) entry.comment = comment;
    if (failure) entry.failure = failure;
    const extra = r as DKIMResult & { modulusLength?: number; signingHeaders?: { keys?: string } };
    if (typeof extra.modulusLength === 'number') entry.bits = extra.modulusLength;
    const keys = extra.signingHeaders?.keys;
    if (typeof keys === 'string') {
      entry.signedHeaders = keys
        .split(':')
        .map((k) => k.trim().toLowerCase())
        .filter(Boolean)
        .slice(0, 40)
        .map((k) => clean(k, 60) as string);
    }
    return entry;
  });
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
  const result = await authenticateMessage(raw, {
    resolver,
    mta: 'mailprobe',
    ...(client ? { ip: client.ip, ...(client.helo ? { helo: client.helo } : {}) } : {}),
    ...(sender ? { sender } : {}),
  });
  const dkim = dkimSignatures(result.dkim.results);
  const verdicts: Verdicts = {
    dkim: dkim.some((d) => d.result === 'pass') ? 'pass' : (dkim[0]?.result ?? 'none'),
  };
  if (client && result.spf) verdicts.spf = result.spf.status.result;
  if (result.dmarc) verdicts.dmarc = result.dmarc.status.result;
  return client ? { verdicts, dkim, ip: client.ip } : { verdicts, dkim };
}
