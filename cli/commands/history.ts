import { Command, Option } from 'commander';
import { parseDuration } from '../../shared/config/duration';
import { openReadStore, type StoreOptions, withStoreOptions } from '../context';
import { formatHistory, formatSuppressed, styleFor } from '../output';

export function historyCommand(): Command {
  return withStoreOptions(
    new Command('history').description(
      'Show stored results of a probe (group/target) or of every probe on a target, and alerts silences held back',
    ),
  )
    .argument('<probe-or-target>', 'a probe id such as smtp-5m/submission, or a target name')
    .option('--since <duration>', 'how far back: 90m, 24h, 7d', '7d')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--limit <n>', 'at most this many results, newest first', (v) => Number.parseInt(v, 10))
    .action(
      async (
        key: string,
        opts: StoreOptions & { since: string; format: 'table' | 'json' | 'csv'; limit?: number },
      ) => {
        const sinceMs = parseDuration(opts.since);
        if (sinceMs === undefined)
          throw new Error(`--since "${opts.since}" is not a duration such as 90m, 24h or 7d`);
        const window = { since: new Date(Date.now() - sinceMs), newestFirst: true, limit: opts.limit };
        const embedded = await openReadStore(opts);
        try {
          let results = await embedded.store.historyByProbe(key, window);
          if (results.length === 0) results = await embedded.store.historyByTarget(key, window);
          process.stdout.write(`${formatHistory(results, opts.format, styleFor(process.stdout))}\n`);
          if (opts.format === 'table') {
            const probeIds = [...new Set(results.map((r) => r.probeId))];
            const suppressed = (
              await Promise.all(
                probeIds.map((id) => embedded.store.alerting.suppressedByProbe(id, window.since)),
              )
            ).flat();
            if (suppressed.length > 0) process.stdout.write(`${formatSuppressed(suppressed)}\n`);
          }
        } finally {
          await embedded.close();
        }
      },
    );
}
