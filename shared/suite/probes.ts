import type { ProbePorts } from '../probes/manifest';
import type { ProbeDefinition } from '../probes/types';
import { expandGroup, groupTargets, type ProbeSpec, selectedBy } from './expand';
import { MANIFESTS, manifestOf } from './manifests';
import type { MailprobeConfig, ProbeGroup } from './schema';

export type ProbeDefinitions = ReadonlyMap<string, ProbeDefinition<ProbeGroup, unknown>>;

/**
 * The probes of `kinds` (every kind by default), bound to the platform's services (the CLI runs all kinds in one
 * process). Each kind's probe code is loaded here, only for the kinds asked for.
 */
export async function probeDefinitions(
  ports: ProbePorts,
  kinds: readonly string[] = MANIFESTS.map((m) => m.kind),
): Promise<ProbeDefinitions> {
  const wanted = MANIFESTS.filter((m) => kinds.includes(m.kind));
  const built = await Promise.all(
    wanted.map(
      async (m) => [m.kind, (await m.probe(ports)) as ProbeDefinition<ProbeGroup, unknown>] as const,
    ),
  );
  return new Map(built);
}

/**
 * The kinds of the enabled probes `only` picks (see `selectedBy`), found from the config's targets alone: what a
 * run has to load.
 */
export function selectedKinds(config: MailprobeConfig, only: readonly string[] | undefined): string[] {
  const kinds = new Set<string>();
  for (const group of config.probes.filter((g) => g.enabled)) {
    if (kinds.has(group.kind)) continue;
    const targets = groupTargets(group, (g) => manifestOf(g.kind).targets(config.targets, g));
    if (targets.some((t) => selectedBy(only, { kind: group.kind, group: group.name, targetName: t.name })))
      kinds.add(group.kind);
  }
  return [...kinds];
}

/** Every enabled probe of the config whose kind `definitions` holds, in config order. */
export function expandProbes(config: MailprobeConfig, definitions: ProbeDefinitions): ProbeSpec[] {
  return config.probes
    .filter((group) => group.enabled)
    .flatMap((group) => {
      const definition = definitions.get(group.kind);
      if (!definition) return [];
      const manifest = manifestOf(group.kind);
      return expandGroup(config, group, (g) => manifest.targets(config.targets, g), definition);
    });
}
