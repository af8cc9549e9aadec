/**
 * The most likely root cause of an incident, from the cause relations (data, shared/model/causes/relations.ts):
 * the finding that explains the most other members through a resource they share, the earliest on a tie.
 */
import { causes, isCauseId } from '../model/causes/index';
import { type CauseRelation, causeRelations, matchesAny } from '../model/causes/relations';
import { COVERAGE_CHECK_ID } from './evaluate';
import { resourceKind, resourceValue } from './resources';
import type { IncidentMember } from './types';

type Finding = IncidentMember['findings'][number];

export interface RootCause {
  relation: CauseRelation;
  root: IncidentMember;
  finding: Finding;
  /** The shared resource of a `shared` relation, or the one root and effect share. */
  resource: string;
  explained: IncidentMember[];
  sentence: string;
}

/** The member's finding that matches, the specific reason before the generic coverage-gap summary. */
const findingFor = (m: IncidentMember, patterns: readonly string[], checks?: readonly string[]) => {
  const matching = m.findings.filter(
    (f) => matchesAny(f.cause, patterns) && (!checks || matchesAny(f.check, checks)),
  );
  return matching.find((f) => f.check !== COVERAGE_CHECK_ID) ?? matching[0];
};

function sharedResource(a: IncidentMember, b: IncidentMember, relation: CauseRelation): string | undefined {
  return a.resources.find((r) => relation.via.includes(resourceKind(r)) && b.resources.includes(r));
}

interface Candidate extends Omit<RootCause, 'sentence'> {
  order: number;
}

function candidates(members: IncidentMember[]): Candidate[] {
  const out: Candidate[] = [];
  causeRelations.forEach((relation, order) => {
    if (relation.shared) {
      const byResource = new Map<string, IncidentMember[]>();
      for (const m of members) {
        if (!findingFor(m, relation.cause)) continue;
        for (const r of m.resources) {
          if (relation.via.includes(resourceKind(r))) byResource.set(r, [...(byResource.get(r) ?? []), m]);
        }
      }
      for (const [resource, all] of byResource) {
        // A probe counts once, though its earlier finding and its alert are both members.
        const group = [...all]
          .sort((a, b) => a.since.localeCompare(b.since) || a.probeId.localeCompare(b.probeId))
          .filter((m, i, sorted) => sorted.findIndex((o) => o.probeId === m.probeId) === i);
        if (group.length < 2) continue;
        const root = group[0] as IncidentMember;
        out.push({
          relation,
          root,
          finding: findingFor(root, relation.cause) as Finding,
          resource,
          explained: group,
          order,
        });
      }
      return;
    }
    for (const root of members) {
      const finding = findingFor(root, relation.cause, relation.rootChecks);
      if (!finding) continue;
      let resource: string | undefined;
      const explained = members.filter((m) => {
        if (m === root || m.probeId === root.probeId || !findingFor(m, relation.explains)) return false;
        const shared = sharedResource(root, m, relation);
        resource ??= shared;
        return shared !== undefined;
      });
      if (resource && explained.length > 0) out.push({ relation, root, finding, resource, explained, order });
    }
  });
  return out;
}

/** The best explanation of the members, or undefined when no relation links any two of them. */
export function rootCause(members: IncidentMember[]): RootCause | undefined {
  const best = candidates(members).sort(
    (a, b) =>
      b.explained.length - a.explained.length ||
      a.root.since.localeCompare(b.root.since) ||
      a.order - b.order,
  )[0];
  return best ? { ...best, sentence: sentenceOf(best) } : undefined;
}

/** `10 minutes after`, `at the same time as`, `25 minutes before the probe saw`. */
function delayPhrase(rootAt: string, effectAt: string): string {
  const minutes = Math.round((Date.parse(effectAt) - Date.parse(rootAt)) / 60_000);
  const span = (n: number) => (n >= 120 ? `${Math.round(n / 60)} hours` : `${n} minute${n === 1 ? '' : 's'}`);
  if (minutes === 0) return 'at the same time as';
  return minutes > 0 ? `${span(minutes)} after` : `${span(-minutes)} before the probe saw`;
}

/** `auth.dkim` -> `DKIM`. */
const checkName = (id: string) => (id.split('.').pop() ?? id).toUpperCase();

function sentenceOf(c: Candidate): string {
  const effect = c.explained.find((m) => m !== c.root) ?? c.root;
  const effectFinding = findingFor(effect, c.relation.explains) ?? effect.findings[0];
  const unchanged = (c.relation.unchanged ?? []).filter((id) => effect.passing.includes(id)).map(checkName);
  const title = isCauseId(c.finding.cause) ? causes[c.finding.cause].title : c.finding.cause;
  const values: Record<string, string> = {
    effect: `${effectFinding?.message ?? effect.probeId} (${effect.probeId})`,
    root: `${c.root.target}: ${c.finding.message}`,
    delay: delayPhrase(c.root.since, effect.since),
    rootAt: `${c.root.since.slice(11, 16)} UTC`,
    resource: resourceValue(c.resource),
    count: String(c.explained.length),
    rootTitle: title,
    unchanged: unchanged.length > 0 ? `; ${unchanged.join(' and ')} unchanged` : '',
  };
  return c.relation.says.replace(/\{(\w+)\}/g, (_m, key: string) => values[key] ?? '');
}

/** Resource kinds worth correlating on for these causes: every `via` of a relation that names one of them. */
export function correlatedKinds(causeIds: readonly string[]): Set<string> {
  const kinds = new Set<string>();
  for (const r of causeRelations) {
    if (causeIds.some((id) => matchesAny(id, r.cause) || matchesAny(id, r.explains))) {
      for (const v of r.via) kinds.add(v);
    }
  }
  return kinds;
}
