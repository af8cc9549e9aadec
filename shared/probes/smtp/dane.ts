import { createHash, type X509Certificate } from 'node:crypto';
import type { Answer, TlsaAnswer, TlsaData } from 'dns-packet';
import { DnsLookupError } from '../../dns/resolver';
import { describeExtendedErrors, type ExtendedError, type SecureResolver } from '../../dns/secure-query';
import type { Check, JsonObject } from '../../model/result';

/** How far the TLSA records can be trusted: as the validating resolver said, or not known without one. */
type DnssecState = 'secure' | 'insecure' | 'unverifiable';

/** What the TLSA lookup found, before the connection (RFC 7672 2.2: `_<port>._tcp.<MX host>`). */
export type DaneLookup =
  | { kind: 'records'; name: string; records: TlsaData[]; dnssec: DnssecState }
  | { kind: 'none'; name: string; dnssec: DnssecState }
  | { kind: 'bogus'; name: string; errors: ExtendedError[]; behind: TlsaData[] | undefined }
  | { kind: 'unknown'; name: string; error: DnsLookupError };

export interface DanePlan {
  lookup: DaneLookup;
  /** `required`: no usable, DNSSEC-secure TLSA record is a failure. */
  required: boolean;
}

/** Records asked for at most; a real TLSA RRset has one to four. */
const MAX_RECORDS = 16;
const USAGE = { 0: 'PKIX-TA', 1: 'PKIX-EE', 2: 'DANE-TA', 3: 'DANE-EE' } as Record<number, string>;
const DIGEST_LENGTH: Record<number, number> = { 1: 32, 2: 64 };

const tlsaOf = (answer: Answer): TlsaData => (answer as TlsaAnswer).data;

const stateOf = (resolver: SecureResolver, authenticated: boolean): DnssecState =>
  resolver.validating ? (authenticated ? 'secure' : 'insecure') : 'unverifiable';

/**
 * Looks up the TLSA records of an SMTP host. With a validating resolver, SERVFAIL is a validation failure: the
 * extended errors say why, and a checking-disabled query shows the records behind it.
 */
export async function lookupTlsa(host: string, port: number, resolver: SecureResolver): Promise<DaneLookup> {
  const name = `_${port}._tcp.${host.replace(/\.$/, '')}`;
  try {
    const answer = await resolver.query(name, 'TLSA');
    if (answer.rcode === 'SERVFAIL') {
      if (!resolver.validating) {
        return {
          kind: 'unknown',
          name,
          error: new DnsLookupError('servfail', { name, type: 'TLSA' }, 'ESERVFAIL'),
        };
      }
      let behind: TlsaData[] | undefined;
      try {
        const unchecked = await resolver.query(name, 'TLSA', { checkingDisabled: true });
        behind = unchecked.records.slice(0, MAX_RECORDS).map(tlsaOf);
      } catch (err) {
        if (!(err instanceof DnsLookupError)) throw err;
      }
      return { kind: 'bogus', name, errors: answer.extendedErrors, behind };
    }
    if (answer.rcode !== 'NOERROR' && answer.rcode !== 'NXDOMAIN') {
      return {
        kind: 'unknown',
        name,
        error: new DnsLookupError('error', { name, type: 'TLSA' }, answer.rcode),
      };
    }
    const dnssec = stateOf(resolver, answer.authenticated);
    if (answer.records.length === 0) return { kind: 'none', name, dnssec };
    const records = answer.records.slice(0, MAX_RECORDS).map(tlsaOf);
    return { kind: 'records', name, records, dnssec };
  } catch (err) {
    if (!(err instanceof DnsLookupError)) throw err;
    return { kind: 'unknown', name, error: err };
  }
}

const hex = (b: Buffer) => b.toString('hex');
const show = (r: TlsaData) =>
  `${r.usage} ${r.selector} ${r.matchingType} ${hex(r.certificate).slice(0, 16)}…`;

/** RFC 7672 3.1: only DANE-TA(2) and DANE-EE(3), with a known selector and matching type, count for SMTP. */
function usable(r: TlsaData): boolean {
  if (r.usage !== 2 && r.usage !== 3) return false;
  if (r.selector !== 0 && r.selector !== 1) return false;
  if (r.matchingType === 0) return r.certificate.length > 0;
  return DIGEST_LENGTH[r.matchingType] === r.certificate.length;
}

function association(cert: X509Certificate, selector: number, matchingType: number): Buffer {
  const data = selector === 0 ? cert.raw : (cert.publicKey.export({ type: 'spki', format: 'der' }) as Buffer);
  if (matchingType === 1) return createHash('sha256').update(data).digest();
  if (matchingType === 2) return createHash('sha512').update(data).digest();
  return data;
}

/**
 * The chain the server sent, leaf first (node links a peer certificate only to the certificates of the presented
 * chain, never to the probe's trust store), which is what DANE-TA needs: RFC 7671 5.2.2 asks the server to send
 * the trust anchor.
 */
function chainOf(peer: X509Certificate | undefined): X509Certificate[] {
  const out: X509Certificate[] = [];
  const seen = new Set<string>();
  let c: X509Certificate | undefined = peer;
  while (c && !seen.has(c.fingerprint256) && out.length < 8) {
    seen.add(c.fingerprint256);
    out.push(c);
    c = c.issuerCertificate;
  }
  return out;
}

function dnssecNote(state: DnssecState): string {
  return state === 'unverifiable' ? ' (DNSSEC unverifiable: no validating resolver configured)' : '';
}

/**
 * Judges DANE for one SMTP host on the connection the probe made: the TLSA records against the certificate chain
 * actually served (DANE-EE: the leaf, names and dates ignored; DANE-TA: a certificate of the chain, with the leaf
 * naming the host). `served` is undefined when the session ended before TLS; its `peer` is the one X509Certificate
 * of the socket (node hands it out once: `getPeerX509Certificate()` answers undefined the second time).
 */
export function daneCheck(
  plan: DanePlan,
  served: { peer: X509Certificate | undefined } | undefined,
  host: string,
): Check {
  const id = 'tls.dane';
  const { lookup, required } = plan;
  if (lookup.kind === 'unknown') {
    return {
      id,
      status: 'unknown',
      cause: 'smtp.dane.lookup-failed',
      message: `TLSA ${lookup.name}: no answer (${lookup.error.failure}, ${lookup.error.code})`,
      details: { query: `TLSA ${lookup.name}`, failure: lookup.error.failure },
    };
  }
  if (lookup.kind === 'bogus') {
    const why = describeExtendedErrors(lookup.errors);
    return {
      id,
      status: 'fail',
      cause: 'smtp.dane.tlsa-bogus',
      message:
        `TLSA ${lookup.name} fails DNSSEC validation (${why}): ` +
        'DANE senders defer every message to this host',
      details: {
        extendedErrors: lookup.errors.map((e) => ({ code: e.code, name: e.name, text: e.text })),
        behindCheckingDisabled: lookup.behind ? lookup.behind.map(show) : null,
      },
    };
  }
  const base: JsonObject = { name: lookup.name, dnssec: lookup.dnssec };
  if (lookup.kind === 'none') {
    return required
      ? {
          id,
          status: 'fail',
          cause: 'smtp.dane.missing',
          message: `no TLSA records at ${lookup.name}, and DANE is required for this endpoint`,
          details: base,
        }
      : {
          id,
          status: 'pass',
          message: `no TLSA records at ${lookup.name}: DANE not published`,
          details: base,
        };
  }
  const details: JsonObject = { ...base, records: lookup.records.map(show) };
  if (lookup.dnssec === 'insecure') {
    return {
      id,
      status: required ? 'fail' : 'warn',
      cause: 'smtp.dane.insecure',
      message: `TLSA records at ${lookup.name} are not DNSSEC-signed: DANE senders ignore them (RFC 7672 2.2)`,
      details,
    };
  }
  const candidates = lookup.records.filter(usable);
  if (candidates.length === 0) {
    return {
      id,
      status: required ? 'fail' : 'warn',
      cause: 'smtp.dane.unusable',
      message:
        `no usable TLSA record at ${lookup.name} (${lookup.records.map(show).join(', ')}): SMTP senders accept only ` +
        'DANE-TA(2) and DANE-EE(3) with a known selector and matching type (RFC 7672 3.1.3), so they encrypt ' +
        'without authenticating',
      details,
    };
  }
  if (!served) {
    return {
      id,
      status: 'fail',
      cause: 'smtp.dane.no-tls',
      message: `TLSA records at ${lookup.name} oblige DANE senders to use TLS, but the session ended before TLS`,
      details,
    };
  }
  const chain = chainOf(served.peer);
  const leaf = chain[0];
  if (!leaf) {
    return {
      id,
      status: 'fail',
      cause: 'smtp.dane.mismatch',
      message: 'the server presented no certificate',
      details,
    };
  }
  const presented = {
    leafSpkiSha256: hex(association(leaf, 1, 1)),
    leafCertSha256: hex(association(leaf, 0, 1)),
    chain: chain.map((c) => c.subject.replace(/\n/g, ', ').slice(0, 200)),
  };
  let nameProblem: string | undefined;
  for (const r of candidates) {
    const targets = r.usage === 3 ? [leaf] : chain.slice(1);
    const hit = targets.find((c) => association(c, r.selector, r.matchingType).equals(r.certificate));
    if (!hit) continue;
    if (r.usage === 2) {
      if (leaf.checkHost(host.replace(/\.$/, '')) === undefined) {
        nameProblem = `DANE-TA record ${show(r)} matches "${hit.subject.replace(/\n/g, ', ')}", but the certificate does not name ${host}`;
        continue;
      }
    }
    return {
      id,
      status: 'pass',
      message:
        `${USAGE[r.usage]} record ${show(r)} at ${lookup.name} matches the ${r.usage === 3 ? 'server key' : 'chain'}` +
        dnssecNote(lookup.dnssec),
      details: { ...details, matched: show(r), presented },
    };
  }
  // A leaf sent alone can match no DANE-TA record, whatever anchor it names: the anchor is not in the chain.
  if (!nameProblem && chain.length === 1 && candidates.every((r) => r.usage === 2)) {
    return {
      id,
      status: 'fail',
      cause: 'smtp.dane.anchor-not-sent',
      message:
        `DANE-TA record ${candidates.map(show).join(', ')} at ${lookup.name} cannot match: the server sends only its ` +
        `own certificate (issued by "${leaf.issuer.replace(/\n/g, ', ').slice(0, 200)}"), not the trust anchor, which ` +
        `must be in the chain it serves (RFC 7671 5.2.2): DANE senders defer every message to this host` +
        dnssecNote(lookup.dnssec),
      details: { ...details, presented },
    };
  }
  return {
    id,
    status: 'fail',
    cause: 'smtp.dane.mismatch',
    message:
      (nameProblem ??
        `no TLSA record at ${lookup.name} (${candidates.map(show).join(', ')}) matches the certificate served ` +
          `(its key is 3 1 1 ${presented.leafSpkiSha256.slice(0, 16)}…` +
          (candidates.some((r) => r.usage === 2)
            ? `; a DANE-TA anchor must be sent in the chain (RFC 7671 5.2.2), the server sends ${chain.length} certificate(s))`
            : ')')) + `: DANE senders defer every message to this host${dnssecNote(lookup.dnssec)}`,
    details: { ...details, presented },
  };
}
