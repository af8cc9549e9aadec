import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import type { Presence } from './config';
import { clip, tagList, txt, unknownCheck } from './lookup';

export interface BimiFindings {
  checks: Check[];
  records: string[] | undefined;
}

function isHttps(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

/** BIMI (default selector): one v=BIMI1 record whose logo (and certificate) URLs are https. */
export async function checkBimi(
  domain: string,
  presence: Presence,
  resolve: DnsResolver,
): Promise<BimiFindings> {
  const id = 'bimi';
  const name = `default._bimi.${domain}`;
  const found = await txt(resolve, name);
  if (found.kind === 'unknown')
    return { checks: [unknownCheck(id, found.error, 'BIMI record')], records: undefined };
  const records = found.kind === 'records' ? found.records.filter((r) => /^v=BIMI1\s*(;|$)/i.test(r)) : [];
  const one = (check: Check) => ({ checks: [check], records });
  if (records.length === 0) {
    return one(
      presence === 'required'
        ? { id, status: 'fail', cause: 'dns.bimi.missing', message: `no v=BIMI1 record at ${name}` }
        : { id, status: 'pass', message: `no BIMI record at ${name} (optional)` },
    );
  }
  const record = records[0] as string;
  const invalid = (message: string) =>
    one({
      id,
      status: 'fail',
      cause: 'dns.bimi.invalid',
      message: `${name}: ${message}`,
      observed: clip(record),
    });
  if (records.length > 1) return invalid(`${records.length} v=BIMI1 records`);
  const { tags, malformed } = tagList(record);
  if (malformed.length > 0) return invalid(`malformed tag "${clip(malformed[0] as string, 40)}"`);
  const logo = tags.get('l') ?? '';
  const authority = tags.get('a') ?? '';
  if (logo === '' && authority === '') {
    return one({ id, status: 'pass', message: 'BIMI declined (empty l= and a=)', observed: clip(record) });
  }
  if (logo === '' || !isHttps(logo)) {
    return one({
      id,
      status: 'fail',
      cause: 'dns.bimi.logo-not-https',
      message: `${name}: logo "l=${clip(logo, 120)}" must be an https: URL`,
      observed: clip(record),
    });
  }
  if (authority !== '' && !isHttps(authority))
    return invalid(`certificate "a=${clip(authority, 120)}" must be an https: URL`);
  return one({ id, status: 'pass', message: `logo ${clip(logo, 200)}`, observed: clip(record) });
}
