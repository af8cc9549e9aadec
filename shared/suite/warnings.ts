import type { ConfigWarning } from '../config/errors';
import { MANIFESTS } from './manifests';
import type { MailprobeConfig } from './schema';

/** Valid but risky settings, from every kind's manifest: shown by `mailprobe validate` and at synth time. */
export function configWarnings(config: MailprobeConfig): ConfigWarning[] {
  const egress = new Set(config.deploy.staticEgress?.groups ?? []);
  return MANIFESTS.flatMap((manifest) => {
    const groups = config.probes.flatMap((group, i) =>
      group.kind === manifest.kind
        ? [{ group, path: `probes[${i}]`, staticEgress: egress.has(group.name) }]
        : [],
    );
    return groups.length > 0 && manifest.warnings
      ? manifest.warnings({ targets: config.targets, groups })
      : [];
  });
}
