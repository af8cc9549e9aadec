import type { ResolverSettings } from '../../config/resolver';
import type { DnsResolver } from '../../dns/resolver';
import type { Check, JsonObject, ProbeOutcome } from '../../model/result';
import type { Transcript } from '../../model/transcript';
import type { ProbeContext, ProbeDefinition } from '../types';
import type { Subject } from './address';
import type { DnsblGroup, DnsblOptions } from './config';
import { DnsblEngine, type ZoneResult } from './engine';
import { FAILURE_TEXT } from './lookup';
import { activateZones, type PlannedZone, planZones } from './plan';
import type { QueryLog } from './self-test';
import type { ZoneKeyOption } from './zones';

/** A key is one DNS label: anything else would change which zone is queried. */
const KEY_LABEL = /^[A-Za-z0-9-]{1,63}$/;

export function resolverKey(settings: Pick<ResolverSettings, 'servers'>): string {
  return settings.servers.length > 0 ? settings.servers.join(',') : 'system';
}

/**
 * The self-test cache key of a resolver the runner handed out. The runner's factory returns one resolver per
 * distinct settings for the life of the process, so the identity of the resolver stands for its settings.
 */
const resolverIds = new WeakMap<DnsResolver, string>();
let resolversSeen = 0;
function keyOfResolver(resolve: DnsResolver): string {
  let id = resolverIds.get(resolve);
  if (!id) {
    resolversSeen += 1;
    id = `resolver-${resolversSeen}`;
    resolverIds.set(resolve, id);
  }
  return id;
}

function zoneLabel(spec: { zone: string; label?: string }): string {
  return spec.label ? `${spec.label} (${spec.zone})` : spec.zone;
}

interface KeyProblem {
  cause: 'probe.secret-unavailable' | 'dnsbl.zone.misconfigured';
  message: string;
}

/**
 * The keys the planned zones need (the runner resolved them and registered them for redaction); problems are
 * reported per zone without the value.
 */
function resolveKeys(
  planned: PlannedZone[],
  options: DnsblOptions,
  secret: ProbeContext['secret'],
): { keys: Partial<Record<ZoneKeyOption, string>>; problems: Map<ZoneKeyOption, KeyProblem> } {
  const keys: Partial<Record<ZoneKeyOption, string>> = {};
  const problems = new Map<ZoneKeyOption, KeyProblem>();
  const needed = new Set(planned.flatMap((p) => (p.keyed ? [p.keyed.option] : [])));
  for (const option of needed) {
    const ref = options[option];
    if (!ref) continue;
    try {
      const value = secret(ref).trim();
      if (KEY_LABEL.test(value)) keys[option] = value;
      else
        problems.set(option, {
          cause: 'dnsbl.zone.misconfigured',
          message: `${option} is not a single DNS label`,
        });
    } catch {
      problems.set(option, { cause: 'probe.secret-unavailable', message: `${option} could not be read` });
    }
  }
  return { keys, problems };
}

/** How much of a TXT reason goes into the one-line message (all of it, up to its own bound, stays in details). */
const MESSAGE_REASON_MAX = 160;

function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function toCheck(result: ZoneResult): Check {
  const { spec } = result.zone;
  const id = `zone:${spec.zone}`;
  const label = zoneLabel(spec);
  const details: JsonObject = { zone: spec.zone, query: result.shownQuery };
  if (spec.infoUrl) details.infoUrl = spec.infoUrl;
  const v = result.verdict;
  switch (v.kind) {
    case 'clean':
      return { id, status: 'pass', message: `not listed on ${label}`, details };
    case 'allowlisted':
      return {
        id,
        status: 'pass',
        message: `on the allowlist ${label} (${v.answers.join(', ')})`,
        details: { ...details, answers: v.answers },
      };
    case 'listed': {
      const meanings = v.meanings.map((m) => m.meaning).join('; ');
      const { reason } = v;
      return {
        id,
        status: v.severity,
        cause: v.cause,
        // Alerts quote the message only: it carries the list's own reason (bounded, cleaned) and where to delist.
        message:
          `listed on ${label}: ${meanings} (${v.answers.join(', ')})` +
          (reason ? `; reason: "${shorten(reason, MESSAGE_REASON_MAX)}"` : '') +
          (spec.delistUrl ? `; delist: ${spec.delistUrl}` : ''),
        observed: v.answers,
        details: {
          ...details,
          answers: v.answers,
          codes: v.meanings.map((m) => ({ code: m.code, meaning: m.meaning, category: m.category })),
          ...(reason ? { reason } : {}),
          ...(spec.delistUrl ? { delistUrl: spec.delistUrl } : {}),
        },
      };
    }
    case 'unknown':
      return {
        id,
        status: 'unknown',
        cause: v.cause,
        message: v.unhealthyZone
          ? `${label} is not trusted, no verdict: ${v.detail}`
          : `${label} gave no verdict: ${v.detail}`,
        details: { ...details, ...(v.unhealthyZone ? { zoneHealthy: false } : {}) },
      };
  }
}

const KIND_TEXT: Record<Subject['kind'], string> = {
  ip4: 'IPv4 addresses',
  ip6: 'IPv6 addresses',
  domain: 'domains',
};

/** The check for a target no configured zone covers: a coverage gap, never a silent pass. */
export function noZonesCheck(target: Subject): Check {
  return {
    id: 'zones',
    status: 'unknown',
    cause: 'dnsbl.coverage.no-zones',
    message: `no configured blocklist zone lists ${KIND_TEXT[target.kind]}: ${target.value} was not checked`,
  };
}

function transcriptLog(transcript: Transcript): QueryLog {
  return (name, outcome) => {
    const type = outcome.kind === 'records' && Array.isArray(outcome.records[0]) ? 'TXT' : 'A';
    const text =
      outcome.kind === 'records'
        ? outcome.records.map((r) => (Array.isArray(r) ? JSON.stringify(r.join('')) : r)).join(', ')
        : outcome.kind === 'absent'
          ? 'not listed (NXDOMAIN/NODATA)'
          : FAILURE_TEXT[outcome.failure];
    transcript.add(`${type} ${name} -> ${text}`);
  };
}

/** The group's resolver overrides, without the fields it leaves to the top-level settings. */
function definedOnly(o: DnsblOptions['resolver']): Partial<ResolverSettings> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * Checks one address or domain against every configured zone that lists its kind. `resolve` is injectable for
 * tests; by default it is a resolver on the configured servers (group overrides on top of the top-level ones).
 */
export async function checkTarget(
  target: Subject,
  group: DnsblGroup,
  ctx: ProbeContext,
  resolve?: DnsResolver,
): Promise<ProbeOutcome> {
  const { options } = group;
  const planned = planZones(options).filter((p) => p.spec.kinds.includes(target.kind));
  const { keys, problems } = resolveKeys(planned, options, ctx.secret);
  const dns = resolve ?? ctx.dns(definedOnly(options.resolver));
  const engine = new DnsblEngine({
    resolve: dns,
    zones: activateZones(planned, keys),
    concurrency: options.concurrency,
    resolverKey: keyOfResolver(dns),
    selfTestTtlMs: options.selfTestCacheFor,
    now: () => ctx.now().getTime(),
    signal: ctx.signal,
    onQuery: transcriptLog(ctx.transcript),
  });
  const results = await ctx.timings.measure('dns', () => engine.check(target));
  const keyChecks = planned.flatMap((p): Check[] => {
    const problem = p.keyed && problems.get(p.keyed.option);
    if (!problem) return [];
    return [
      {
        id: `zone:${p.spec.zone}`,
        status: 'unknown',
        cause: problem.cause,
        message: `${zoneLabel(p.spec)} not queried: ${problem.message}`,
        details: { zone: p.spec.zone },
      },
    ];
  });
  const checks = [...results.map((r) => toCheck(r)), ...keyChecks];
  return { checks: checks.length > 0 ? checks : [noZonesCheck(target)] };
}

export const dnsblProbe: ProbeDefinition<DnsblGroup, Subject> = {
  kind: 'dnsbl',
  run: (target, group, ctx) => checkTarget(target, group, ctx),
};
