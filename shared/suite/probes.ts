import type { ProbePorts } from '../probes/manifest';
import type { ProbeDefinition } from '../probes/types';
import { expandGroup, type ProbeSpec } from './expand';
import { MANIFESTS, manifestOf } from './manifests';
import type { MailprobeConfig, ProbeGroup } from './schema';

export type ProbeDefinitions = ReadonlyMap<string, ProbeDefinition<ProbeGroup, unknown>>;

/** Every kind's probe, bound to the platform's services (the CLI runs all kinds in one process). */
export function probeDefinitions(ports: ProbePorts): ProbeDefinitions {
  return new Map(MANIFESTS.map((m) => [m.kind, m.probe(ports) as ProbeDefinition<ProbeGroup, unknown>]));
}

/** Every enabled probe of the config, in config order. */
export function expandProbes(config: MailprobeConfig, definitions: ProbeDefinitions): ProbeSpec[] {
  return config.probes
    .filter((group) => group.enabled)
    .flatMap((group) => {
      const definition = definitions.get(group.kind);
      if (!definition) throw new Error(`no probe definition for kind "${group.kind}"`);
      const manifest = manifestOf(group.kind);
      return expandGroup(config, group, (g) => manifest.targets(config.targets, g), definition);
    });
}
