import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { Command, Option } from 'commander';
import type { Silence, SilenceMatcher } from '../../shared/alert/types';
import { parseDuration } from '../../shared/config/duration';
import { findConfigFile, loadConfig } from '../../shared/suite/file';
import { manifestOf } from '../../shared/suite/manifests';
import { terminalText } from '../../shared/util/sanitize';
import { openReadStore, type StoreOptions, withStoreOptions } from '../context';

const SCOPES = ['probe', 'target', 'group'] as const;
const REASON_MAX = 500;
/** Longest silence accepted: a forgotten maintenance window must not mute a probe for good. */
const MAX_SILENCE_MS = 90 * 86_400_000;

/** Which scope a name has in the config: a probe id, a group name or a target name (in that order). */
async function inferScope(value: string, configOption: string | undefined): Promise<SilenceMatcher['scope']> {
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(findConfigFile(configOption));
  } catch (err) {
    if (configOption) throw err;
    throw new Error(`no config file to tell what "${value}" is: give --scope probe|target|group`);
  }
  const probes = config.probes.flatMap((g) =>
    manifestOf(g.kind)
      .targets(config.targets, g)
      .map((t) => ({ id: `${g.name}/${t.name}`, target: t.name })),
  );
  if (probes.some((p) => p.id === value)) return 'probe';
  if (config.probes.some((g) => g.name === value)) return 'group';
  if (probes.some((p) => p.target === value)) return 'target';
  throw new Error(
    `"${value}" is no probe id, probe group or target name in the config (see mailprobe status)`,
  );
}

function remaining(endsAt: string, now: number): string {
  const minutes = Math.max(0, Math.round((Date.parse(endsAt) - now) / 60_000));
  if (minutes === 0) return 'ended';
  return minutes >= 120 ? `${Math.round(minutes / 60)}h left` : `${minutes}m left`;
}

function formatSilences(silences: Silence[], now: number): string {
  if (silences.length === 0) return 'no silences';
  return silences
    .map(
      (s) =>
        `${s.id}  ${s.matcher.scope} ${terminalText(s.matcher.value)}  ${s.startsAt} -> ${s.endsAt} (${remaining(s.endsAt, now)})  by ${terminalText(s.createdBy)}: ${terminalText(s.reason)}`,
    )
    .join('\n');
}

export function silenceCommand(): Command {
  const silence = new Command('silence').description(
    'Maintenance windows: alerts of matching probes are recorded as suppressed instead of sent, until the silence ends',
  );
  silence.addCommand(
    withStoreOptions(new Command('add').description('Silence a probe, a target or a group for a while'))
      .argument('<probe|target|group>', 'a probe id (group/target), a target name or a probe group name')
      .requiredOption('--for <duration>', 'how long: 30m, 2h, 1d')
      .requiredOption('--reason <text>', 'why (shown in silence list and in the suppressed alerts)')
      .addOption(
        new Option('--scope <scope>', 'what the name is (default: looked up in the config)').choices(SCOPES),
      )
      .option('--starts <time>', 'start later, at this ISO 8601 time (a planned maintenance window)')
      .option('-c, --config <file>', 'config file used to tell what the name is')
      .option('--json', 'print the silence as JSON')
      .action(
        async (
          value: string,
          opts: StoreOptions & {
            for: string;
            reason: string;
            scope?: SilenceMatcher['scope'];
            starts?: string;
            config?: string;
            json?: boolean;
          },
        ) => {
          const forMs = parseDuration(opts.for);
          if (forMs === undefined || forMs <= 0)
            throw new Error(`--for "${opts.for}" is not a duration such as 30m, 2h or 1d`);
          if (forMs > MAX_SILENCE_MS)
            throw new Error(`--for ${opts.for} is longer than the 90 days a silence may last`);
          const reason = opts.reason.trim();
          if (reason.length === 0 || reason.length > REASON_MAX)
            throw new Error(`--reason must say why, in 1 to ${REASON_MAX} characters`);
          const starts = opts.starts ? Date.parse(opts.starts) : Date.now();
          if (Number.isNaN(starts)) throw new Error(`--starts "${opts.starts}" is not an ISO 8601 time`);
          const scope = opts.scope ?? (await inferScope(value, opts.config));
          const created: Silence = {
            id: randomUUID().slice(0, 8),
            matcher: { scope, value },
            startsAt: new Date(starts).toISOString(),
            endsAt: new Date(starts + forMs).toISOString(),
            reason,
            createdBy: userInfo().username,
            createdAt: new Date().toISOString(),
          };
          const opened = await openReadStore(opts);
          try {
            await opened.store.alerting.putSilence(created);
          } finally {
            await opened.close();
          }
          process.stdout.write(
            `${opts.json ? JSON.stringify(created, null, 2) : `silenced: ${formatSilences([created], Date.now())}`}\n`,
          );
        },
      ),
  );
  silence.addCommand(
    withStoreOptions(new Command('list').description('Silences in force or planned'))
      .option('--all', 'include silences that ended (kept 30 days)')
      .option('--json', 'print the silences as JSON')
      .action(async (opts: StoreOptions & { all?: boolean; json?: boolean }) => {
        const opened = await openReadStore(opts);
        try {
          const list = await opened.store.alerting.listSilences(new Date(), opts.all === true);
          process.stdout.write(
            `${opts.json ? JSON.stringify(list, null, 2) : formatSilences(list, Date.now())}\n`,
          );
        } finally {
          await opened.close();
        }
      }),
  );
  silence.addCommand(
    withStoreOptions(new Command('rm').description('End a silence now'))
      .argument('<id>', 'the silence id (see silence list)')
      .action(async (id: string, opts: StoreOptions) => {
        const opened = await openReadStore(opts);
        try {
          if (!(await opened.store.alerting.deleteSilence(id))) throw new Error(`no silence with id ${id}`);
        } finally {
          await opened.close();
        }
        process.stdout.write(`silence ${id} removed\n`);
      }),
  );
  return silence;
}
