import type { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { Check, JsonObject } from '../../model/result';
import { formatDuration } from '../../util/duration';
import { bounded, printable } from './wire';

const DAY_MS = 86_400_000;

/**
 * Verification results that are not about the chain: dates are judged against the probe clock, the host name with
 * checkServerIdentity (node reports its own mismatch as ERR_TLS_CERT_ALTNAME_INVALID).
 */
const NOT_CHAIN_ERRORS = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);

/** OpenSSL's verdicts for "the issuer of the last certificate sent is neither in the chain nor trusted". */
const ISSUER_MISSING = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** The first value of `key` in a distinguished name as X509Certificate prints it, one `KEY=value` per line. */
function dnField(dn: string, key: string): string | undefined {
  const line = dn.split('\n').find((l) => l.startsWith(`${key}=`));
  return line?.slice(key.length + 1);
}

function name(dn: string): string | undefined {
  return dnField(dn, 'CN') ?? dnField(dn, 'O');
}

/** The presented chain, leaf first, bounded and free of binary fields. */
function chainOf(cert: X509Certificate): JsonObject[] {
  const out: JsonObject[] = [];
  let c: X509Certificate | undefined = cert;
  const seen = new Set<string>();
  while (c && !seen.has(c.fingerprint256) && out.length < 6) {
    seen.add(c.fingerprint256);
    out.push({
      subject: bounded(name(c.subject) ?? '', 200),
      issuer: bounded(name(c.issuer) ?? '', 200),
      validTo: c.validTo,
    });
    c = c.issuerCertificate;
  }
  return out;
}

/** Where the certificate says its issuer can be fetched (AIA "CA Issuers"), bounded and printable. */
function caIssuersOf(cert: X509Certificate): string | undefined {
  const uri = /^CA Issuers - URI:(\S+)/m.exec(cert.infoAccess ?? '')?.[1];
  return uri === undefined ? undefined : printable(uri, 200);
}

/**
 * Why the chain is not trusted, in words, from OpenSSL's verdict and the chain as sent: a self-signed certificate,
 * a root the probe does not trust, or a last certificate whose issuer is neither sent nor trusted.
 */
function untrustedReason(verify: string, chain: JsonObject[]): string {
  const top = chain[chain.length - 1] ?? {};
  if (verify === 'DEPTH_ZERO_SELF_SIGNED_CERT') return 'the certificate is self-signed';
  if (verify === 'SELF_SIGNED_CERT_IN_CHAIN')
    return `the chain ends at the root "${top.subject}", which is not trusted`;
  if (ISSUER_MISSING.has(verify)) {
    const sent =
      chain.length === 1
        ? 'the server sends only its own certificate'
        : `the chain sent ends at "${top.subject}"`;
    return `${sent}, issued by "${top.issuer}", which is neither sent nor trusted (an intermediate the server must send, or a private CA to give with tls.caFile)`;
  }
  return 'certificate chain not trusted';
}

/**
 * Judges the server certificate the way a verifying mail client would (chain against the system CAs or the
 * configured CA, dates, host name) and adds the time to expiry (in hours and minutes below two days). `socket` must come from a handshake made with
 * `rejectUnauthorized: false` and the same `ca` option, so the chain verdict is in `authorizationError`.
 */
export function certificateCheck(
  socket: TLSSocket,
  hostname: string,
  now: Date,
  warnDays: number,
  // The X509Certificate view: fields are decoded when read, where getPeerCertificate(true) converts the whole
  // chain (DER, public keys, three fingerprints per certificate) into objects on every session. Node returns it
  // only once per socket, so a caller that needs it too passes it in.
  cert: X509Certificate | undefined = socket.getPeerX509Certificate(),
): Check {
  if (!cert) {
    return {
      id: 'tls.certificate',
      status: 'fail',
      cause: 'smtp.tls.cert-untrusted',
      message: 'the server presented no certificate',
    };
  }
  const notAfter = new Date(cert.validTo);
  const notBefore = new Date(cert.validFrom);
  const msLeft = notAfter.getTime() - now.getTime();
  const daysLeft = Math.floor(msLeft / DAY_MS);
  const hoursLeft = Math.round(msLeft / 360_000) / 10;
  const altNames = (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter(Boolean)
    .slice(0, 20)
    .map((n) => bounded(n, 200));
  const details: JsonObject = {
    subject: bounded(name(cert.subject) ?? '', 200),
    issuer: bounded(name(cert.issuer) ?? '', 200),
    altNames,
    validFrom: notBefore.toISOString(),
    validTo: notAfter.toISOString(),
    daysLeft,
    hoursLeft,
    fingerprint256: cert.fingerprint256,
    chain: chainOf(cert),
  };
  if (socket.authorizationError) details.verifyError = String(socket.authorizationError);
  const base = { id: 'tls.certificate', details, observed: { daysLeft, hoursLeft } };

  if (notAfter.getTime() <= now.getTime()) {
    return {
      ...base,
      status: 'fail',
      cause: 'smtp.tls.cert-expired',
      message: `certificate expired ${formatDuration(-msLeft)} ago (${details.validTo})`,
    };
  }
  if (notBefore.getTime() > now.getTime()) {
    return {
      ...base,
      status: 'fail',
      cause: 'smtp.tls.cert-not-yet-valid',
      message: `certificate is not valid before ${details.validFrom}, ${formatDuration(notBefore.getTime() - now.getTime())} from now`,
    };
  }
  const verify = socket.authorizationError ? String(socket.authorizationError) : '';
  if (verify && !NOT_CHAIN_ERRORS.has(verify)) {
    // A leaf sent alone that names where its issuer lives (AIA): the intermediate of a CA, which browsers fetch and
    // MTAs do not. The same leaf without AIA may as well come from a private CA the probe was not given.
    const caIssuers = caIssuersOf(cert);
    if (ISSUER_MISSING.has(verify) && !cert.issuerCertificate && caIssuers) {
      return {
        ...base,
        details: { ...details, caIssuers },
        status: 'fail',
        cause: 'smtp.tls.chain-incomplete',
        message:
          `incomplete certificate chain: the server sends only its own certificate, not the intermediate ` +
          `"${details.issuer}" that issued it (${verify}); browsers fetch it from ${caIssuers}, MTAs do not`,
      };
    }
    return {
      ...base,
      status: 'fail',
      cause: 'smtp.tls.cert-untrusted',
      message: `${untrustedReason(verify, details.chain as JsonObject[])} (${verify})`,
    };
  }
  // checkServerIdentity reads only the subject CN and the subjectAltName string.
  const cn = dnField(cert.subject, 'CN');
  const identity = checkServerIdentity(isIP(hostname) ? hostname : hostname.replace(/\.$/, ''), {
    subject: cn === undefined ? {} : { CN: cn },
    subjectaltname: cert.subjectAltName ?? '',
  } as PeerCertificate);
  if (identity) {
    return {
      ...base,
      status: 'fail',
      cause: 'smtp.tls.hostname-mismatch',
      message: `certificate does not cover ${hostname} (it names ${altNames.join(', ') || details.subject})`,
      expected: hostname,
    };
  }
  if (daysLeft < warnDays) {
    return {
      ...base,
      status: 'warn',
      cause: 'smtp.tls.cert-expiring',
      message: `certificate expires in ${formatDuration(msLeft)} (${details.validTo})`,
      expected: { daysLeftAtLeast: warnDays },
    };
  }
  return {
    ...base,
    status: 'pass',
    message: `certificate valid for ${formatDuration(msLeft)} more, issued by "${details.issuer}"`,
  };
}
