import { getAlignment } from 'mailauth/lib/tools';
import type { DnsLookupError, DnsResolver } from '../../dns/resolver';
import { tagList, txt } from './lookup';

/** RFC 9989 4.10: a walk queries the start domain and then at most 7 shorter names (8 queries in all). */
const MAX_WALK_LABELS = 7;

export const isDmarc = (r: string) => /^v\s*=\s*DMARC1\s*(;|$)/i.test(r);

/** What one `_dmarc.<name>` query of the walk found. */
export type WalkStep =
  | { domain: string; kind: 'record'; record: string; psd: 'y' | 'n' | undefined }
  | { domain: string; kind: 'none' }
  | { domain: string; kind: 'multiple'; records: string[] }
  | { domain: string; kind: 'unknown'; error: DnsLookupError };

export interface TreeWalk {
  steps: WalkStep[];
  /** The first single valid record of the walk: the DMARC policy record (RFC 9989 4.10.1). */
  policy: Extract<WalkStep, { kind: 'record' }> | undefined;
  /** The first lookup that failed before a policy record was found: discovery is then unknown. */
  blockedBy: DnsLookupError | undefined;
  /** RFC 9989 4.10.2, from the records found (a failed lookup is named in `orgReason`). */
  orgDomain: string;
  /** Why the organisational domain is what it is, for the result's details. */
  orgReason: string;
}

/** The names a walk from `domain` queries, longest first (RFC 9989 4.10 steps 4-8). */
export function walkTargets(domain: string): string[] {
  const labels = domain.split('.');
  const targets = [domain];
  for (let count = Math.min(labels.length - 1, MAX_WALK_LABELS); count >= 1; count--)
    targets.push(labels.slice(labels.length - count).join('.'));
  return targets;
}

function psdOf(record: string): 'y' | 'n' | undefined {
  const value = tagList(record).tags.get('psd')?.toLowerCase();
  return value === 'y' || value === 'n' ? value : undefined;
}

/**
 * The DNS tree walk of RFC 9989 4.10 from `domain` up to its top-level domain, stopping at a record with `psd=n`.
 * It yields both the policy record (the first one found) and the organisational domain (4.10.2), which replaces the
 * Public Suffix List of RFC 7489.
 */
export async function treeWalk(domain: string, resolve: DnsResolver): Promise<TreeWalk> {
  const steps: WalkStep[] = [];
  for (const target of walkTargets(domain)) {
    const found = await txt(resolve, `_dmarc.${target}`);
    if (found.kind === 'unknown') {
      steps.push({ domain: target, kind: 'unknown', error: found.error });
      continue;
    }
    const records = found.kind === 'records' ? found.records.filter(isDmarc) : [];
    if (records.length > 1) {
      steps.push({ domain: target, kind: 'multiple', records });
      continue;
    }
    const record = records[0];
    if (record === undefined) {
      steps.push({ domain: target, kind: 'none' });
      continue;
    }
    const psd = psdOf(record);
    steps.push({ domain: target, kind: 'record', record, psd });
    if (psd === 'n') break;
  }
  const firstRecord = steps.findIndex((s) => s.kind === 'record');
  const firstUnknown = steps.findIndex((s) => s.kind === 'unknown');
  const blocked = firstUnknown !== -1 && (firstRecord === -1 || firstUnknown < firstRecord);
  const policy = blocked
    ? undefined
    : (steps[firstRecord] as Extract<WalkStep, { kind: 'record' }> | undefined);
  const blockedBy = blocked
    ? (steps[firstUnknown] as Extract<WalkStep, { kind: 'unknown' }>).error
    : undefined;
  return { steps, policy, blockedBy, ...organisationalDomain(domain, steps) };
}

/** RFC 9989 4.10.2: psd=n wins, then the name below a psd=y record, then the shortest name with a record. */
function organisationalDomain(domain: string, steps: WalkStep[]): { orgDomain: string; orgReason: string } {
  const failed = steps.find((s) => s.kind === 'unknown');
  const caveat = failed
    ? ` (the lookup of _dmarc.${failed.domain} failed, so a record there could change this)`
    : '';
  let shortest: string | undefined;
  for (const [i, step] of steps.entries()) {
    if (step.kind !== 'record') continue;
    if (step.psd === 'n') return { orgDomain: step.domain, orgReason: `_dmarc.${step.domain} has psd=n` };
    if (step.psd === 'y' && i > 0) {
      const below = (steps[i - 1] as WalkStep).domain;
      return {
        orgDomain: below,
        orgReason: `${step.domain} declares itself a public suffix (psd=y)${caveat}`,
      };
    }
    shortest = step.domain;
  }
  if (shortest !== undefined) {
    return { orgDomain: shortest, orgReason: `the highest DMARC record is at _dmarc.${shortest}${caveat}` };
  }
  return { orgDomain: domain, orgReason: `no DMARC record on the walk: the domain is its own${caveat}` };
}

/** RFC 7489 3.2: the organisational domain from the Public Suffix List (mailauth's copy). */
export function pslOrgDomain(domain: string): string {
  const labels = domain.split('.');
  for (let i = labels.length - 2; i >= 0; i--) {
    const candidate = labels.slice(i).join('.');
    if (getAlignment(domain, [candidate], false)) return candidate;
  }
  return domain;
}
