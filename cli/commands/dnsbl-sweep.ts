import { readFileSync, statSync } from 'node:fs';
import { MultiBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, type ConfigIssue } from '../../shared/config/errors';
import { resolverSettings } from '../../shared/config/resolver';
import { cause } from '../../shared/model/causes/index';
import { dnsblOptions } from '../../shared/probes/dnsbl/config';
import { parseSweepTargets, runSweep, type SweepRow, type SweepStats } from '../../shared/probes/dnsbl/sweep';
import { ZONE_CATALOG } from '../../shared/probes/dnsbl/zones';
import { jsonText, terminalText } from '../../shared/util/sanitize';
import {
  EXIT_CODES,
  exitCodeFor,
  outputSettings,
  progressAllowed,
  type Style,
  statusTag,
  styleFor,
} from '../output';

/** A target file (`@file`) is read whole: bound it so a wrong path (a disk image) fails fast. */
const TARGET_FILE_MAX_BYTES = 8 * 1024 * 1024;

interface SweepFlags {
  zones?: string[];
  defaultZones: boolean;
  resolver?: string[];
  timeout: number;
  tries: number;
  concurrency: number;
  maxTargets: number;
  dqsKeyEnv?: string;
  abusixKeyEnv?: string;
  json?: boolean;
  progress: boolean;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`must be an integer from ${min} to ${max}`);
    return n;
  };
}

/** Expands `@file` arguments: one target per line (or separated by spaces/commas), `#` comments allowed. */
function readTokens(args: string[]): string[] {
  return args.flatMap((arg) => {
    if (!arg.startsWith('@')) return [arg];
    const path = arg.slice(1);
    if (statSync(path).size > TARGET_FILE_MAX_BYTES) {
      throw new ConfigError(arg, [{ path: '(file)', message: `larger than ${TARGET_FILE_MAX_BYTES} bytes` }]);
    }
    return readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => line.replace(/#.*/, ''))
      .flatMap((line) => line.split(/[\s,]+/))
      .filter((t) => t !== '');
  });
}

/** One line per target; zones that failed their self-test are named once in the summary, not on every line. */
function rowLine(row: SweepRow, style: Style): string {
  const untrusted = row.checks.filter((c) => c.details?.zoneHealthy === false).length;
  const bad = row.checks.filter((c) => c.status !== 'pass' && c.details?.zoneHealthy !== false);
  const trusted = row.checks.length - untrusted;
  const parts =
    bad.length === 0
      ? [`clean on ${trusted} zone${trusted === 1 ? '' : 's'}`]
      : bad.map((c) => terminalText(c.message, { max: 300 }));
  if (untrusted > 0) parts.push(`${untrusted} untrusted zone${untrusted === 1 ? '' : 's'} (see summary)`);
  return `${statusTag(row.status, style)} ${row.target}  ${parts.join('; ')}`;
}

function summaryLines(stats: SweepStats): string[] {
  const seconds = stats.elapsedMs / 1000;
  const { pass, warn, fail, unknown } = stats.byStatus;
  const lines = [
    `${stats.targets} targets: ${fail} listed (fail), ${warn} warn, ${unknown} unknown, ${pass} clean; ` +
      `${stats.queries} queries in ${seconds.toFixed(1)} s (${Math.round(stats.queries / Math.max(seconds, 0.001))}/s)`,
  ];
  for (const [zone, z] of stats.untrustedZones) {
    lines.push(
      `zone ${zone} not trusted, all its verdicts are unknown: ${terminalText(z.message, { max: 200 })}`,
    );
    lines.push(`  fix: ${cause(z.cause).remediation}`);
  }
  return lines;
}

function envKey(name: string | undefined, flag: string): string | undefined {
  if (!name) return undefined;
  const value = process.env[name];
  if (!value)
    throw new ConfigError(flag, [{ path: flag, message: `environment variable ${name} is empty or unset` }]);
  return value.trim();
}

/**
 * `mailprobe dnsbl-sweep`: thousands of addresses against every zone in one run, one line (or JSON object) per
 * target, a progress bar on a terminal. Exit code as `run`: 1 when something is listed, 3 when only unknowns.
 */
export function sweepCommand(): Command {
  return new Command('dnsbl-sweep')
    .description('Check IP addresses, CIDR ranges and domains against DNS blocklists in one run')
    .argument('<targets...>', 'IP addresses, CIDR ranges, domains, or @file with one per line')
    .addOption(
      new Option('--zones <zone...>', 'catalog zones to query in addition to the default set').argParser(
        (v: string, prev: string[] = []) => [...prev, ...v.split(',').filter(Boolean)],
      ),
    )
    .option('--no-default-zones', 'query only the zones named with --zones')
    .option(
      '--resolver <server...>',
      'DNS servers to query (ip, ip:port, [v6]:port); default: the system resolver',
    )
    .option('--timeout <ms>', 'per-try timeout of one query', integer(50, 30_000), 1500)
    .option('--tries <n>', 'tries per query', integer(1, 5), 2)
    .option('--concurrency <n>', 'queries in flight at once', integer(1, 512), 64)
    .option('--max-targets <n>', 'refuse to run for more targets than this', integer(1, 1_048_576), 65_536)
    .option('--dqs-key-env <name>', 'environment variable holding a Spamhaus DQS key (enables ZEN and DBL)')
    .option('--abusix-key-env <name>', 'environment variable holding an Abusix Mail Intelligence key')
    .option('--json', 'one JSON object per target on stdout (NDJSON), summary on stderr')
    .option('--no-progress', 'no progress bar, even on a terminal')
    .addHelpText(
      'after',
      `\nCatalog zones: ${ZONE_CATALOG.map((z) => z.spec.zone).join(', ')}\n` +
        'Example: mailprobe dnsbl-sweep 192.0.2.0/24 @senders.txt --resolver 127.0.0.1:5353 --json',
    )
    .action(async (args: string[], flags: SweepFlags) => {
      const input = parseSweepTargets(readTokens(args), flags.maxTargets);
      if ('errors' in input) {
        throw new ConfigError(
          'dnsbl-sweep',
          input.errors.map((message): ConfigIssue => ({ path: '<targets>', message })),
        );
      }
      const dqsKey = envKey(flags.dqsKeyEnv, '--dqs-key-env');
      const abusixKey = envKey(flags.abusixKeyEnv, '--abusix-key-env');
      const parsedOptions = dnsblOptions.safeParse({
        defaultZones: flags.defaultZones,
        zones: flags.zones ?? [],
        concurrency: flags.concurrency,
        ...(dqsKey ? { dqsKey: { env: flags.dqsKeyEnv } } : {}),
        ...(abusixKey ? { abusixKey: { env: flags.abusixKeyEnv } } : {}),
      });
      const parsedResolver = resolverSettings.safeParse({
        servers: flags.resolver ?? [],
        timeoutMs: flags.timeout,
        tries: flags.tries,
      });
      const issues = [
        ...(parsedOptions.error?.issues ?? []).map((i) => ({
          path: `--${String(i.path[0] ?? 'zones')}`,
          message: i.message,
        })),
        ...(parsedResolver.error?.issues ?? []).map((i) => ({ path: '--resolver', message: i.message })),
      ];
      if (!parsedOptions.success || !parsedResolver.success) throw new ConfigError('dnsbl-sweep', issues);

      const out = process.stdout;
      const style = styleFor(out);
      const showBar = flags.progress && progressAllowed();
      const bars = showBar
        ? new MultiBar(
            {
              stream: process.stderr,
              format: ' {bar} {value}/{total} targets | {eta_formatted} left',
              hideCursor: true,
            },
            Presets.shades_classic,
          )
        : undefined;
      const bar = bars?.create(input.total, 0);
      const print = (line: string) => (bars && out.isTTY ? bars.log(`${line}\n`) : out.write(`${line}\n`));

      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      try {
        const stats = await runSweep(input, {
          options: parsedOptions.data,
          resolver: parsedResolver.data,
          keys: { ...(dqsKey ? { dqsKey } : {}), ...(abusixKey ? { abusixKey } : {}) },
          signal: controller.signal,
          onRow: (row) => {
            bar?.increment();
            if (outputSettings.quiet && row.status === 'pass') return;
            if (flags.json) {
              const notPass = row.checks.filter((c) => c.status !== 'pass');
              print(jsonText({ target: row.target, kind: row.kind, status: row.status, checks: notPass }));
            } else {
              print(rowLine(row, style));
            }
          },
        });
        bars?.stop();
        process.stderr.write(`${summaryLines(stats).join('\n')}\n`);
        const statuses = (Object.keys(stats.byStatus) as Array<keyof typeof stats.byStatus>).filter(
          (s) => stats.byStatus[s] > 0,
        );
        process.exitCode = controller.signal.aborted ? EXIT_CODES.interrupted : exitCodeFor(statuses);
      } finally {
        bars?.stop();
        process.off('SIGINT', stop);
      }
    });
}
