import { Command, Option } from 'commander';
import { parseDuration } from '../../shared/config/duration';
import { collectHistory } from '../../shared/report/collect';
import { probeStats } from '../../shared/report/stats';
import type { ResultStore } from '../../shared/store/types';
import { jsonText } from '../../shared/util/sanitize';
import { openReadStore, type StoreOptions, withStoreOptions } from '../context';
import { EXIT_CODES, formatHistory, formatStats, formatSuppressed, styleFor } from '../output';

type Format = 'table' | 'json' | 'csv';

export function historyCommand(): Command {
  return withStoreOptions(
    new Command('history').description(
      'Show stored results of a probe (group/target) or of every probe on a target (and alerts silences held back), or their --stats',
    ),
  )
    .argument('<probe-or-target>', 'a probe id such as smtp-5m/submission, or a target name')
    .option('--since <duration>', 'how far back: 90m, 24h, 7d', '7d')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--limit <n>', 'at most this many results, newest first', (v) => Number.parseInt(v, 10))
    .option('--stats', 'aggregates per probe over the window (from rollups) instead of one row per run')
    .action(
      async (
        key: string,
        opts: StoreOptions & { since: string; format: Format; limit?: number; stats?: boolean },
      ) => {
        const sinceMs = parseDuration(opts.since);
        if (sinceMs === undefined)
          throw new Error(`--since "${opts.since}" is not a duration such as 90m, 24h or 7d`);
        const now = new Date();
        const since = new Date(now.getTime() - sinceMs);
        const opened = await openReadStore(opts);
        try {
          if (!(await exists(opened.store, key))) {
            process.stderr.write(
              `mailprobe: no probe or target named "${key.slice(0, 200).replace(/[^\x20-\x7e]/g, '?')}" in this store (see mailprobe status)\n`,
            );
            process.exitCode = EXIT_CODES.config;
            return;
          }
          const style = styleFor(process.stdout);
          if (opts.stats) {
            const collected = await collectHistory(opened.store, { since, until: now, only: [key] });
            const stats = collected.probes
              .filter((p) => p.state.probeId === key || p.state.target === key)
              .map((p) => probeStats(p, collected.window));
            process.stdout.write(`${formatStats(stats, opts.format, style)}\n`);
            return;
          }
          const window = { since, until: now, newestFirst: true, limit: opts.limit };
          if (opts.format === 'json') {
            let results = await opened.store.historyByProbe(key, window);
            if (results.length === 0) results = await opened.store.historyByTarget(key, window);
            process.stdout.write(`${jsonText(results, 2)}\n`);
            return;
          }
          // Lists need summaries only: checks, timings and transcripts are not read.
          let rows = await opened.store.summaries({ probeId: key }, window);
          if (rows.length === 0) rows = await opened.store.summaries({ target: key }, window);
          process.stdout.write(`${formatHistory(rows, opts.format, style, now)}\n`);
          if (opts.format === 'table') {
            const probeIds = [...new Set(rows.map((r) => r.probeId))];
            const suppressed = (
              await Promise.all(
                probeIds.map((id) => opened.store.alerting.suppressedByProbe(id, window.since)),
              )
            ).flat();
            if (suppressed.length > 0) process.stdout.write(`${formatSuppressed(suppressed)}\n`);
          }
        } finally {
          await opened.close();
        }
      },
    );
}

/** A probe or target exists when a probe state names it, or the probe has results (even if its state was never saved). */
async function exists(store: ResultStore, key: string): Promise<boolean> {
  if (await store.getState(key)) return true;
  // Results without a state item (a run whose state save failed) still make a probe.
  if ((await store.historyByProbe(key, { since: new Date(0), limit: 1 })).length > 0) return true;
  return (await store.listStates()).some((s) => s.target === key);
}
