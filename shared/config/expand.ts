import type { ProbeKind } from '../model/result';
import type { ProbeDefinition, ProbeRegistry } from '../probes/types';
import type { MailprobeConfig, ProbeGroup } from './schema';
import type { Thresholds } from './thresholds';

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

export function probeId(group: string, targetName: string): string {
  return `${group}/${targetName}`;
}

/** The probes of one group: one per target it covers. */
export function expandGroup(
  config: MailprobeConfig,
  group: ProbeGroup,
  definition: ProbeDefinition<ProbeGroup, unknown>,
): ProbeSpec[] {
  const all = definition.targets(group, config);
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

/**
 * Every enabled probe of the config, in config order. The registry is passed in, never imported here, so a
 * Lambda bundle holds only the probe kinds its handler names.
 */
export function expandProbes(config: MailprobeConfig, registry: ProbeRegistry): ProbeSpec[] {
  return config.probes
    .filter((group) => group.enabled)
    .flatMap((group) =>
      expandGroup(config, group, registry[group.kind] as ProbeDefinition<ProbeGroup, unknown>),
    );
}
