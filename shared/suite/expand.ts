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

/** How a kind's targets are found: its manifest's `targets`, or (in a Lambda) the list the stack computed at synth. */
export type TargetsOf = (group: ProbeGroup) => { name: string; target: unknown }[];

/** The probes of one group: one per target it covers (a group's own `targets` list picks among them). */
export function expandGroup(
  config: MailprobeConfig,
  group: ProbeGroup,
  targetsOf: TargetsOf,
  definition: ProbeDefinition<ProbeGroup, unknown>,
): ProbeSpec[] {
  const all = targetsOf(group);
  const chosen = group.targets ? all.filter((t) => group.targets?.includes(t.name)) : all;
  return chosen.map((t) => ({
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
