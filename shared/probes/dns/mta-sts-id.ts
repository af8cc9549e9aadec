import { createHash } from 'node:crypto';
import type { MTASTSPolicy } from 'mailauth';
import type { Check, JsonObject, JsonValue } from '../../model/result';
import { clip } from './lookup';

/** What one run saw: the `_mta-sts` record's id and the policy it announces. */
export interface PublishedPolicy {
  id: string;
  /** The policy as senders apply it (canonicalPolicy): a reformatted file is not a change. */
  policy: string;
  /** max_age of that policy, seconds. */
  maxAge: number;
}

/**
 * Kept in the probe's memo between runs: the policy first seen under an id (what senders that fetched it then have
 * cached), as a hash with a bounded copy for the message, and since when a different policy is served under it.
 */
interface Remembered {
  id: string;
  fp: string;
  policy: string;
  maxAge: number;
  changedAt?: string;
}

const MAX_STORED_POLICY = 500;

/** The fields senders act on, in a fixed order with the mx patterns sorted: `mode`, `max_age`, `mx`. */
export function canonicalPolicy(policy: MTASTSPolicy): string {
  const mx = [...(policy.mx ?? [])].map((m) => m.toLowerCase()).sort();
  return [`mode: ${policy.mode}`, `max_age: ${policy.maxAge ?? ''}`, ...mx.map((m) => `mx: ${m}`)].join('\n');
}

function fingerprint(policy: string): string {
  return createHash('sha256').update(policy).digest('hex').slice(0, 16);
}

function read(raw: JsonValue | undefined): Remembered | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const { id, fp, policy, maxAge, changedAt } = raw;
  if (typeof id !== 'string' || typeof fp !== 'string' || typeof policy !== 'string') return undefined;
  if (typeof maxAge !== 'number') return undefined;
  return { id, fp, policy, maxAge, ...(typeof changedAt === 'string' ? { changedAt } : {}) };
}

function baseline(seen: PublishedPolicy): Remembered {
  return {
    id: seen.id,
    fp: fingerprint(seen.policy),
    policy: clip(seen.policy, MAX_STORED_POLICY),
    maxAge: seen.maxAge,
  };
}

/**
 * RFC 8461 3.3 and 5.1: senders refetch a cached policy only when the record's id changes or the policy's max_age
 * runs out. A policy that changed while the id stayed is a warning until the id changes or the max_age of the
 * policy senders cached has passed since the change was first seen. Without a policy this run, the memo is kept
 * and no check is made.
 */
export function checkPolicyId(
  seen: PublishedPolicy | undefined,
  previous: JsonValue | undefined,
  now: Date,
): { check?: Check; memo?: JsonObject } {
  const before = read(previous);
  if (!seen) return before ? { memo: before as unknown as JsonObject } : {};
  const id = 'mta-sts.id';
  const fp = fingerprint(seen.policy);
  const keep = (memo: Remembered, check: Check) => ({ check, memo: memo as unknown as JsonObject });
  if (!before || before.id !== seen.id) {
    const message = before
      ? `id changed from ${clip(before.id, 40)} to ${clip(seen.id, 40)}: senders fetch the policy again`
      : `policy recorded under id ${clip(seen.id, 40)}`;
    return keep(baseline(seen), { id, status: 'pass', message });
  }
  if (before.fp === fp) {
    return keep(
      { id: before.id, fp: before.fp, policy: before.policy, maxAge: before.maxAge },
      { id, status: 'pass', message: `policy unchanged under id ${clip(seen.id, 40)}` },
    );
  }
  const changedAt = before.changedAt ?? now.toISOString();
  const cachedUntil = new Date(Date.parse(changedAt) + before.maxAge * 1000);
  if (now >= cachedUntil) {
    return keep(baseline(seen), {
      id,
      status: 'pass',
      message:
        `the policy changed under the same id ${clip(seen.id, 40)} at ${changedAt}, but its old max_age ` +
        `(${before.maxAge} s) has passed since: every sender has fetched it again`,
    });
  }
  return keep(
    { ...before, changedAt },
    {
      id,
      status: 'warn',
      cause: 'dns.mta-sts.id-unchanged',
      message:
        `the policy changed (first seen ${changedAt}) but _mta-sts still says id=${clip(seen.id, 40)}: senders ` +
        `that cached the old policy keep applying it until at most ${cachedUntil.toISOString()} (its max_age ${before.maxAge} s)`,
      observed: clip(seen.policy, MAX_STORED_POLICY),
      expected: before.policy,
      details: { policyId: clip(seen.id, 40), changedAt, cachedUntil: cachedUntil.toISOString() },
    },
  );
}
