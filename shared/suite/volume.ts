import type { ConfigIssue } from '../config/errors';
import { parseSchedule, runsPerMinute } from '../config/schedule';
import { manifestOf } from './manifests';
import type { MailprobeConfig } from './schema';

interface GroupLoad {
  path: string;
  name: string;
  targets: number;
  perMinute: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** The targets of each enabled group, counted without expanding them, and the probes a minute they make. */
function groupLoads(config: MailprobeConfig): GroupLoad[] {
  return config.probes.flatMap((group, i) => {
    if (!group.enabled) return [];
    const manifest = manifestOf(group.kind);
    const all = manifest.size?.(config.targets, group) ?? manifest.targets(config.targets, group).length;
    const targets = group.targets ? Math.min(all, group.targets.length) : all;
    const schedule = parseSchedule(group.schedule);
    if (typeof schedule === 'string') return [];
    return [
      { path: `probes[${i}]`, name: group.name, targets, perMinute: targets * runsPerMinute(schedule) },
    ];
  });
}

/**
 * What the schema alone cannot see, found before any target list is expanded: each kind's target problems (a
 * range over its cap) and the ceiling on probes a minute across the enabled groups. Runs on every config load,
 * so `validate`, the CLI and `cdk synth` give the same verdict, and fast on a config that would expand to millions.
 */
export function suiteIssues(config: MailprobeConfig): ConfigIssue[] {
  const targetIssues = config.probes.flatMap((group) =>
    group.enabled ? (manifestOf(group.kind).targetIssues?.(config.targets, group) ?? []) : [],
  );
  const unique = [...new Map(targetIssues.map((i) => [`${i.path}\n${i.message}`, i])).values()];
  if (unique.length > 0) return unique;

  const loads = groupLoads(config);
  const total = loads.reduce((n, g) => n + g.perMinute, 0);
  if (total <= config.maxProbesPerMinute) return [];
  const biggest = [...loads]
    .sort((a, b) => b.perMinute - a.perMinute)
    .slice(0, 3)
    .map((g) => `${g.path} "${g.name}" ${count(g.perMinute)} (${count(g.targets)} targets)`)
    .join(', ');
  return [
    {
      path: 'probes',
      message:
        `the enabled groups run ${count(total)} probes a minute, more than maxProbesPerMinute ` +
        `(${count(config.maxProbesPerMinute)}): ${biggest}. List fewer addresses or smaller ranges, run large ` +
        'groups less often, sweep a range once with `mailprobe dnsbl-sweep`, or raise maxProbesPerMinute',
    },
  ];
}
