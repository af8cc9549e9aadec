import { request } from 'node:https';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import type { DnsResolver } from '../../dns/resolver';
import type { CauseId } from '../../model/causes/index';
import type { Status } from '../../model/status';
import { cachedSecureContext } from '../../util/secure-contexts';
import type { MtaStsFetchOptions } from './config';
import { addresses, type Lookup, lookupCause } from './lookup';

const MTA_STS_PATH = '/.well-known/mta-sts.txt';

export type PolicyFetch =
  | { ok: true; body: string; url: string; address: string; contentType: string | undefined }
  | { ok: false; status: Extract<Status, 'fail' | 'unknown'>; cause: CauseId; message: string; url: string };

/** Fetches a policy body: returns the outcome, never throws for network, TLS or HTTP failures. */
export type PolicyFetcher = (
  domain: string,
  resolve: DnsResolver,
  signal: AbortSignal,
) => Promise<PolicyFetch>;

/** The system roots and one more CA (building it parses every root, some 17 ms: once per process). */
function withExtraCa(pem: string): SecureContext {
  return cachedSecureContext(`mta-sts ${pem}`, () => createSecureContext({ ca: [...rootCertificates, pem] }));
}

/**
 * RFC 8461 3.3: GET https://mta-sts.<domain>/.well-known/mta-sts.txt. The host is resolved with the probe's resolver
 * (never the system one) and the connection goes to that address with SNI and certificate identity set to the host.
 * Redirects are not followed, only 200 counts, the body is bounded, and the whole exchange has one deadline.
 */
export function httpsPolicyFetcher(options: MtaStsFetchOptions): PolicyFetcher {
  const secureContext = options.extraCaPem ? withExtraCa(options.extraCaPem) : undefined;
  return async (domain, resolve, signal) => {
    const host = `mta-sts.${domain}`;
    const url = `https://${host}${options.port === 443 ? '' : `:${options.port}`}${MTA_STS_PATH}`;
    const failed = (status: 'fail' | 'unknown', cause: CauseId, message: string): PolicyFetch => ({
      ok: false,
      status,
      cause,
      message,
      url,
    });

    // One address is all the fetch needs: AAAA is asked only when A gives none.
    const a = await addresses(resolve, host, 'A');
    const aaaa = first(a) ? undefined : await addresses(resolve, host, 'AAAA');
    const address = first(a) ?? (aaaa && first(aaaa));
    if (!address) {
      const unknown = [a, aaaa].find((l) => l?.kind === 'unknown');
      if (unknown?.kind === 'unknown') {
        return failed(
          'unknown',
          lookupCause(unknown.error),
          `${host} could not be resolved: ${unknown.error.message}`,
        );
      }
      return failed('fail', 'dns.mta-sts.policy-host-missing', `${host} has no A or AAAA record`);
    }

    return new Promise<PolicyFetch>((resolvePromise) => {
      let settled = false;
      const finish = (outcome: PolicyFetch) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        req.destroy();
        resolvePromise(outcome);
      };
      const timer = setTimeout(
        () =>
          finish(
            failed(
              'unknown',
              'dns.mta-sts.policy-timeout',
              `no complete answer within ${options.timeoutMs} ms`,
            ),
          ),
        options.timeoutMs,
      );
      const onAbort = () =>
        finish(failed('unknown', 'dns.mta-sts.policy-timeout', 'the probe ran out of time'));
      signal.addEventListener('abort', onAbort);

      const req = request(
        {
          host: address,
          port: options.port,
          servername: host,
          path: MTA_STS_PATH,
          method: 'GET',
          headers: { host, 'user-agent': 'mailprobe (MTA-STS check)' },
          rejectUnauthorized: true,
          ...(secureContext ? { secureContext } : {}),
          agent: false,
        },
        (res) => {
          const code = res.statusCode ?? 0;
          if (code !== 200) {
            const where = res.headers.location
              ? ` (redirect to ${String(res.headers.location).slice(0, 200)}, not followed)`
              : '';
            finish(
              failed(
                'fail',
                'dns.mta-sts.policy-http-status',
                `HTTP ${code}${where}; RFC 8461 accepts only 200`,
              ),
            );
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > options.maxBytes) {
              finish(
                failed(
                  'fail',
                  'dns.mta-sts.policy-too-large',
                  `the policy is larger than ${options.maxBytes} bytes`,
                ),
              );
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () =>
            finish({
              ok: true,
              body: Buffer.concat(chunks).toString('utf8'),
              url,
              address,
              contentType: res.headers['content-type'],
            }),
          );
          res.on('error', (err) => finish(failed('fail', 'dns.mta-sts.policy-unreachable', err.message)));
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => finish(classify(err, failed, host)));
      req.end();
    });
  };
}

function first(found: Lookup<string[]>): string | undefined {
  return found.kind === 'records' ? found.records[0] : undefined;
}

const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);

function classify(
  err: NodeJS.ErrnoException,
  failed: (status: 'fail' | 'unknown', cause: CauseId, message: string) => PolicyFetch,
  host: string,
): PolicyFetch {
  const code = err.code ?? '';
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) {
    return failed(
      'fail',
      'dns.mta-sts.policy-tls',
      `certificate not valid for ${host}: ${err.message.slice(0, 200)}`,
    );
  }
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return failed('unknown', 'dns.mta-sts.policy-timeout', `${host}: ${code}`);
  }
  return failed('fail', 'dns.mta-sts.policy-unreachable', `${host}: ${err.message.slice(0, 200)}`);
}
