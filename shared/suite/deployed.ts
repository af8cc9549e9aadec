import type { NamedTarget } from '../probes/types';
import { manifestOf } from './manifests';
import type { MailprobeConfig } from './schema';

/**
 * What the stack bundles with every function as `mailprobe.config.json`: the config validated at synth (defaults
 * filled, durations in ms) and each enabled group's targets as its manifest expanded them. Functions read it as
 * is (importing only this type), so they carry neither the config schema nor the manifests.
 */
export interface DeployedSuite {
  config: MailprobeConfig;
  /** The targets each enabled group covers, by group name (ranges expanded, the group's own `targets` applied). */
  targets: Record<string, NamedTarget[]>;
}

/** Expands every enabled group of a validated config: at synth, so a bad expansion fails there, with its path. */
export function deployedSuite(config: MailprobeConfig): DeployedSuite {
  const groups = config.probes.filter((g) => g.enabled);
  return {
    config,
    targets: Object.fromEntries(
      groups.map((g) => {
        const all = manifestOf(g.kind).targets(config.targets, g);
        return [g.name, g.targets ? all.filter((t) => g.targets?.includes(t.name)) : all];
      }),
    ),
  };
}
