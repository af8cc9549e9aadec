import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { parseDuration } from '../../shared/config/duration';
import { buildReport } from '../../shared/report/build';
import { openReadStore, type StoreOptions, withStoreOptions } from '../context';
import { UsageError } from '../output';

export function reportCommand(): Command {
  return withStoreOptions(
    new Command('report').description(
      'Write one self-contained HTML report (charts, incidents, listings, drift) that opens with no network',
    ),
  )
    .option('--since <duration>', 'how far back: 24h, 7d, 30d', '30d')
    .option('--only <key...>', 'only these probes, targets, groups or kinds')
    .option('--out <file>', 'where to write the report', 'report.html')
    .action(async (opts: StoreOptions & { since: string; only?: string[]; out: string }) => {
      const since = sinceDate(opts.since);
      const path = resolve(opts.out);
      const bytes = await writeStoreReport(opts, { since, only: opts.only }, path);
      process.stdout.write(`report written to ${path} (${Math.ceil(bytes / 1024)} KiB)\n`);
    });
}

/** The `--since` option as the window's start. */
function sinceDate(since: string): Date {
  const ms = parseDuration(since);
  if (ms === undefined) throw new Error(`--since "${since}" is not a duration such as 90m, 24h or 7d`);
  return new Date(Date.now() - ms);
}

/** Builds the report from the store `opts` names and writes it to `path`; resolves to its size in bytes. */
async function writeStoreReport(
  opts: StoreOptions,
  window: { since: Date; only?: string[] },
  path: string,
): Promise<number> {
  const opened = await openReadStore(opts);
  try {
    if (window.only && window.only.length > 0) {
      const states = await opened.store.listStates();
      const known = (key: string) => states.some((s) => [s.probeId, s.target, s.group, s.kind].includes(key));
      const unknown = window.only.filter((key) => !known(key));
      if (unknown.length > 0)
        throw new UsageError(
          `--only: no probe, target, group or kind named ${unknown
            .map((k) => `"${k.slice(0, 200).replace(/[^\x20-\x7e]/g, '?')}"`)
            .join(', ')} in this store (see mailprobe status)`,
        );
    }
    const html = await buildReport(opened.store, window);
    await writeFile(path, html);
    return Buffer.byteLength(html);
  } finally {
    await opened.close();
  }
}
