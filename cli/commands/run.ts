import { Command, Option } from 'commander';
import { runProbes } from '../../shared/run/run-group';
import { jsonText } from '../../shared/util/sanitize';
import { DEFAULT_DATA_DIR, loadConfigFrom, openLocal } from '../context';
import { exitCodeForRun, formatRun, progressAllowed, styleFor, UsageError } from '../output';
import { gracefulStop } from '../signals';

/** A progress bar on stderr while probes run, only on a terminal (a canary may wait for minutes). */
async function runProgress(total: number): Promise<{ tick(): void; stop(): void }> {
  if (!progressAllowed() || total < 2) return { tick: () => {}, stop: () => {} };
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    stream: process.stderr,
    format: ' {bar} {value}/{total} probes | {duration_formatted}',
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}

export function runCommand(): Command {
  return new Command('run')
    .description('Run every probe once now, store the results, evaluate alerts')
    .option('-c, --config <file>', 'config file (default: ./mailprobe.config.{ts,json,yaml})')
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .addOption(new Option('--only <selector...>', 'only probes of this kind, group, target or probe id'))
    .option('--json', 'print the results as JSON')
    .action(async (opts: { config?: string; dataDir: string; only?: string[]; json?: boolean }) => {
      const config = await loadConfigFrom(opts.config);
      // With --json, stdout carries the JSON document only: console alerts go to stderr.
      const local = await openLocal(config, opts.dataDir, {
        alertStream: opts.json ? process.stderr : process.stdout,
        ...(opts.only ? { only: opts.only } : {}),
      });
      const { specs } = local;
      // Ctrl-C lets the probes in flight finish and be stored; nothing new starts after the run anyway.
      const stop = gracefulStop(() => `the ${specs.length} probe(s) of this run`);
      let progress = await runProgress(0);
      try {
        if (specs.length === 0) throw new UsageError(`no probe matches --only ${opts.only?.join(' ')}`);
        progress = await runProgress(specs.length);
        const reports = await runProbes(specs, new Date(), local.deps, () => progress.tick());
        progress.stop();
        process.stdout.write(
          `${
            opts.json
              ? jsonText(
                  reports.map((r) => r.result),
                  2,
                )
              : formatRun(reports, styleFor(process.stdout))
          }\n`,
        );
        process.exitCode = exitCodeForRun(reports);
      } finally {
        progress.stop();
        await local.close();
        stop.dispose();
      }
    });
}
