import { getPublicKey } from 'mailauth/lib/tools';
import type { DnsResolver } from '../../dns/resolver';
import type { Check } from '../../model/result';
import { clip, tagList, txt, unknownCheck } from './lookup';

const DKIM_RSA_FAIL_BITS = 1024;
const DKIM_RSA_WARN_BITS = 2048;

export interface DkimFindings {
  checks: Check[];
  /** Key records per selector (`dkim:<selector>`), undefined where the lookup got no answer. */
  records: Record<string, string[] | undefined>;
}

/** DKIM (RFC 6376, RFC 8463): for each configured selector, a single valid key record, strong enough, not in test mode. */
export async function checkDkim(
  domain: string,
  selectors: string[],
  resolve: DnsResolver,
): Promise<DkimFindings> {
  const records: Record<string, string[] | undefined> = {};
  const checks = await Promise.all(
    selectors.map(async (selector) => {
      const { check, found } = await checkSelector(domain, selector, resolve);
      records[selector] = found;
      return check;
    }),
  );
  return { checks, records };
}

async function checkSelector(
  domain: string,
  selector: string,
  resolve: DnsResolver,
): Promise<{ check: Check; found: string[] | undefined }> {
  const id = `dkim:${selector}`;
  const name = `${selector}._domainkey.${domain}`;
  const found = await txt(resolve, name);
  if (found.kind === 'unknown')
    return { check: unknownCheck(id, found.error, `DKIM key ${name}`), found: undefined };
  if (found.kind === 'none') {
    return {
      check: { id, status: 'fail', cause: 'dns.dkim.missing', message: `no DKIM key record at ${name}` },
      found: [],
    };
  }
  const fail = (cause: Check['cause'], message: string): { check: Check; found: string[] } => ({
    check: { id, status: 'fail', cause, message, observed: found.records.map((r) => clip(r)) },
    found: found.records,
  });
  if (found.records.length > 1) {
    return fail(
      'dns.dkim.multiple',
      `${found.records.length} TXT records at ${name}: verifiers pick one at random`,
    );
  }
  const record = found.records[0] as string;
  const { tags, order } = tagList(record);
  const version = tags.get('v');
  if (version !== undefined && (version !== 'DKIM1' || order[0] !== 'v')) {
    return fail(
      'dns.dkim.invalid-record',
      `${name}: "v=${clip(version, 20)}" must be "v=DKIM1" and come first`,
    );
  }
  const p = tags.get('p');
  if (p === undefined) return fail('dns.dkim.invalid-record', `${name}: the record has no "p=" tag`);
  if (p.replace(/\s+/g, '') === '') {
    return fail(
      'dns.dkim.revoked',
      `${name}: "p=" is empty: the key is revoked and every signature with it fails`,
    );
  }
  const k = (tags.get('k') ?? 'rsa').toLowerCase();
  if (k !== 'rsa' && k !== 'ed25519') {
    return fail('dns.dkim.invalid-record', `${name}: unsupported key type "k=${clip(k, 20)}"`);
  }

  let bits: number | undefined;
  try {
    // mailauth parses the key exactly as its verifier will; the minimum length is graded here, not there.
    const key = await getPublicKey('DKIM', name, 1, async () => [[record]]);
    bits = key.modulusLength;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'error';
    return fail('dns.dkim.invalid-key', `${name}: the public key does not parse as a ${k} key (${code})`);
  }
  const flags = (tags.get('t') ?? '').split(':').map((f) => f.trim().toLowerCase());
  const details = { keyType: k, ...(bits ? { bits } : {}), flags: flags.filter((f) => f !== '') };
  const keyText = k === 'rsa' ? `RSA ${bits ?? '?'} bits` : 'Ed25519';
  const result = (status: Check['status'], cause: Check['cause'], message: string) => ({
    check: { id, status, ...(cause ? { cause } : {}), message, details },
    found: found.records,
  });
  if (k === 'rsa' && bits !== undefined && bits < DKIM_RSA_FAIL_BITS) {
    return result(
      'fail',
      'dns.dkim.key-too-short',
      `${name}: ${keyText}; receivers reject keys under ${DKIM_RSA_FAIL_BITS} bits`,
    );
  }
  if (k === 'rsa' && bits !== undefined && bits < DKIM_RSA_WARN_BITS) {
    return result(
      'warn',
      'dns.dkim.key-weak',
      `${name}: ${keyText}; ${DKIM_RSA_WARN_BITS} bits is the current minimum advice`,
    );
  }
  if (flags.includes('y')) {
    return result(
      'warn',
      'dns.dkim.testing',
      `${name}: ${keyText}, but "t=y" tells receivers to ignore failures`,
    );
  }
  return result('pass', undefined, `${name}: ${keyText}`);
}
