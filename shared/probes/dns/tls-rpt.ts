import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import type { Presence } from './config';
import { clip, tagList, txt, unknownCheck } from './lookup';

export interface TlsRptFindings {
  checks: Check[];
  records: string[] | undefined;
}

/** RFC 8460 3: `rua` is a comma-separated list of mailto: or https: URIs. */
function validRua(uri: string): boolean {
  if (/^mailto:[^@\s]+@[a-z0-9.-]+\.[a-z0-9-]+\.?$/i.test(uri)) return true;
  try {
    return new URL(uri).protocol === 'https:';
  } catch {
    return false;
  }
}

/** TLS-RPT (RFC 8460): exactly one v=TLSRPTv1 record at `_smtp._tls.<domain>` with a valid `rua`. */
export async function checkTlsRpt(
  domain: string,
  presence: Presence,
  resolve: DnsResolver,
): Promise<TlsRptFindings> {
  const id = 'tls-rpt';
  const name = `_smtp._tls.${domain}`;
  const found = await txt(resolve, name);
  if (found.kind === 'unknown')
    return { checks: [unknownCheck(id, found.error, 'TLS-RPT record')], records: undefined };
  const records = found.kind === 'records' ? found.records.filter((r) => /^v=TLSRPTv1\s*(;|$)/.test(r)) : [];
  const one = (check: Check) => ({ checks: [check], records });
  if (records.length === 0) {
    return one(
      presence === 'required'
        ? { id, status: 'fail', cause: 'dns.tls-rpt.missing', message: `no v=TLSRPTv1 record at ${name}` }
        : { id, status: 'pass', message: `no TLS-RPT record at ${name} (optional)` },
    );
  }
  if (records.length > 1) {
    return one({
      id,
      status: 'fail',
      cause: 'dns.tls-rpt.multiple',
      message: `${records.length} v=TLSRPTv1 records at ${name}: senders then send no reports`,
      observed: records.map((r) => clip(r)),
    });
  }
  const record = records[0] as string;
  const uris = (tagList(record).tags.get('rua') ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  const bad = uris.filter((u) => !validRua(u));
  if (uris.length === 0 || bad.length > 0) {
    return one({
      id,
      status: 'fail',
      cause: 'dns.tls-rpt.invalid',
      message:
        uris.length === 0
          ? `${name}: no "rua=" destination`
          : `${name}: "${clip(bad[0] as string, 80)}" is not a mailto: or https: URI`,
      observed: clip(record),
    });
  }
  return one({
    id,
    status: 'pass',
    message: `reports to ${clip(uris.join(', '), 200)}`,
    observed: clip(record),
  });
}
