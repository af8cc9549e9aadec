import type { Thresholds } from '../config/thresholds';
import type { ProbeKind } from '../model/result';
import type { ProbeDefinition } from '../probes/types';
import type { MailprobeConfig, ProbeGroup } from './schema';

/** One probe: a group applied to one of its targets. The unit that is run, stored, evaluated and alerted on. */
export interface ProbeSpec {
  /** `<group>/<target name>`: the key of its results and state. */
  id: string;
  kind: ProbeKind;
  group: ProbeGroup;
  targetName: string;
  target: unknown;
  thresholds: Thresholds;
  timeoutMs: number;
  /** The probe that runs it. */
  definition: ProbeDefinition<ProbeGroup, unknown>;
}

function probeId(group: string, targetName: string): string {
  return `${group}/${targetName}`;
}

/** Whether `--only` (probe kinds, group names, target names or probe ids; none: every probe) picks this probe. */
export function selectedBy(
  only: readonly string[] | undefined,
  probe: { kind: string; group: string; targetName: string },
): boolean {
  if (!only || only.length === 0) return true;
  const id = probeId(probe.group, probe.targetName);
  return only.some((o) => o === probe.kind || o === probe.group || o === probe.targetName || o === id);
}

/** How a kind's targets are found: its manifest's `targets`, or (in a Lambda) the list the stack computed at synth. */
export type TargetsOf = (group: ProbeGroup) => { name: string; target: unknown }[];

/** The targets a group covers: its kind's, or those its own `targets` list picks among them. */
export function groupTargets(group: ProbeGroup, targetsOf: TargetsOf): { name: string; target: unknown }[] {
  const all = targetsOf(group);
  return group.targets ? all.filter((t) => group.targets?.includes(t.name)) : all;
}

/** The probes of one group: one per target it covers. */
export function expandGroup(
  config: MailprobeConfig,
  group: ProbeGroup,
  targetsOf: TargetsOf,
  definition: ProbeDefinition<ProbeGroup, unknown>,
): ProbeSpec[] {
  return groupTargets(group, targetsOf).map((t) => ({
    id: probeId(group.name, t.name),
    kind: group.kind,
    group,
    targetName: t.name,
    target: t.target,
    thresholds: { ...config.thresholds, ...group.thresholds },
    timeoutMs: group.timeoutSeconds * 1000,
    definition,
  }));
}
