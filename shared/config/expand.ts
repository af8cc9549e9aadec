import type { ProbeKind } from '../model/result';
import { probes as defaultRegistry } from '../probes/registry';
import type { ProbeRegistry } from '../probes/types';
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
}

export function probeId(group: string, targetName: string): string {
  return `${group}/${targetName}`;
}

/** Every enabled probe of the config, in config order. */
export function expandProbes(
  config: MailprobeConfig,
  registry: ProbeRegistry = defaultRegistry,
): ProbeSpec[] {
  return config.probes
    .filter((group) => group.enabled)
    .flatMap((group) => {
      const all = registry[group.kind].targets(group as never, config);
      const chosen = group.targets ? all.filter((t) => group.targets?.includes(t.name)) : all;
      return chosen.map((t) => ({
        id: probeId(group.name, t.name),
        kind: group.kind,
        group,
        targetName: t.name,
        target: t.target,
        thresholds: { ...config.thresholds, ...group.thresholds },
        timeoutMs: group.timeoutSeconds * 1000,
      }));
    });
}
