import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildReport } from '../../shared/report/build';
import { runProbes } from '../../shared/run/run-group';
import { parseConfig } from '../../shared/suite/load';
import type { MailprobeConfigInput } from '../../shared/suite/schema';
import { DEFAULT_DATA_DIR, openLocal } from '../context';
import { exitCodeFor, formatRun, styleFor } from '../output';
import { canaryDemo } from './canary';
import { dnsDemo } from './dns';
import { startDnsServer } from './dns-server';
import { dnsblDemo } from './dnsbl';
import { smtpDemo } from './smtp';
import type { DemoPart, DemoPartFactory } from './types';

/** The demo's report covers the last day: every run the data directory holds from recent demos. */
const REPORT_WINDOW_MS = 86_400_000;

const PARTS: DemoPartFactory[] = [smtpDemo, dnsDemo, dnsblDemo, canaryDemo];

type Targets = NonNullable<MailprobeConfigInput['targets']>;

/** Each part's target lists, concatenated per kind. */
function mergeTargets(parts: DemoPart[]): Targets {
  const merged: Record<string, unknown[]> = {};
  for (const part of parts) {
    for (const [kind, list] of Object.entries(part.targets ?? {}))
      merged[kind] = [...(merged[kind] ?? []), ...(list as unknown[])];
  }
  return merged as Targets;
}

/** Starts the demo lab in-process, runs every probe once against it, stores and prints the results. */
async function runDemo(dataDir: string): Promise<number> {
  const dns = await startDnsServer({});
  const parts: DemoPart[] = [];
  try {
    for (const factory of PARTS) parts.push(await factory({ dns, dataDir }));
    const input: MailprobeConfigInput = {
      name: 'demo',
      resolver: { servers: [dns.server], timeoutMs: 1000, tries: 1 },
      targets: mergeTargets(parts),
      probes: parts.flatMap((p) => p.probes),
      alerts: { console: true },
    };
    const config = parseConfig(input, 'demo config');
    const local = await openLocal(config, dataDir);
    try {
      const style = styleFor(process.stdout);
      process.stdout.write(
        `mailprobe demo: ${local.specs.length} probes against an in-process lab on 127.0.0.1\n\n`,
      );
      const reports = await runProbes(local.specs, new Date(), local.deps);
      process.stdout.write(`\n${formatRun(reports, style)}\n\n`);
      const example = reports[0]?.result.probeId ?? '<probe>';
      process.stdout.write(`stored in ${dataDir}/ — try: npx mailprobe history ${example}\n`);
      const reportPath = resolve(dataDir, 'report.html');
      const html = await buildReport(local.deps.store, { since: new Date(Date.now() - REPORT_WINDOW_MS) });
      await writeFile(reportPath, html);
      process.stdout.write(`report: ${reportPath}\n`);
      return exitCodeFor(reports.map((r) => r.result.status));
    } finally {
      await local.close();
    }
  } finally {
    await Promise.allSettled(parts.map((p) => p.close()));
    await dns.close();
  }
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('Start a demo lab on loopback (healthy and broken targets) and run every probe against it')
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .action(async (opts: { dataDir: string }) => {
      await runDemo(opts.dataDir);
      // The demo always has broken targets on purpose: its exit code reports that it ran, not their health.
      process.exitCode = 0;
    });
}
