import { Command } from 'commander';
import { flushIncidents } from '../../shared/alert/flush';
import { nextFireTime, parseSchedule, type Schedule } from '../../shared/config/schedule';
import { runProbes } from '../../shared/run/run-group';
import type { RunDeps } from '../../shared/run/run-probe';
import { DEFAULT_DATA_DIR, loadConfigFrom, openLocal } from '../context';
import { flushTimer, MAX_TIMER_MS } from '../flush-timer';
import { formatRun, info, styleFor } from '../output';
import { gracefulStop } from '../signals';

/**
 * The local stand-in for EventBridge Scheduler: fires each group at the slots its schedule defines and passes
 * the slot time as the scheduled time, exactly as the deployed schedules do. An incident message whose group wait
 * or interval ends between runs goes out then, from a timer (the stack's one-time flush schedules). A first
 * SIGINT/SIGTERM stops it after the runs in flight are stored (see cli/signals.ts).
 */
export function watchCommand(): Command {
  return new Command('watch')
    .description('Run the probes on their schedules until interrupted (the local EventBridge Scheduler)')
    .option('-c, --config <file>', 'config file (default: ./mailprobe.config.{ts,json,yaml})')
    .option('--data-dir <dir>', 'where the embedded DynamoDB keeps its data', DEFAULT_DATA_DIR)
    .action(async (opts: { config?: string; dataDir: string }) => {
      const config = await loadConfigFrom(opts.config);
      const local = await openLocal(config, opts.dataDir);
      const { specs } = local;
      const timer = flushTimer(
        () => flushIncidents(deps),
        (err) => process.stderr.write(`mailprobe: incident delivery failed: ${err.message}\n`),
      );
      const deps: RunDeps = { ...local.deps, wake: timer.wake };
      const groups = config.probes
        .filter((g) => g.enabled)
        .map((g) => ({
          group: g,
          schedule: parseSchedule(g.schedule) as Schedule,
          specs: specs.filter((s) => s.group.name === g.name),
        }));
      let running = 0;
      const stop = gracefulStop(() =>
        running === 0 ? 'nothing in flight' : `the ${running} probe group run(s) in flight`,
      );
      const style = styleFor(process.stdout);
      info(`watching ${specs.length} probes in ${groups.length} groups; Ctrl-C stops`);
      try {
        let now = new Date();
        const next = new Map(
          groups.map((g) => [g.group.name, nextFireTime(g.schedule, now, config.timezone)]),
        );
        for (const g of groups)
          info(nextRunLine(g.group.name, g.group.schedule, next.get(g.group.name) as Date));
        while (!stop.signal.aborted) {
          const due = Math.min(...[...next.values()].map((d) => d?.getTime() ?? Number.POSITIVE_INFINITY));
          await sleep(due - Date.now(), stop.signal);
          if (stop.signal.aborted) break;
          now = new Date();
          const firing = groups.filter(
            (g) => (next.get(g.group.name)?.getTime() ?? Number.POSITIVE_INFINITY) <= now.getTime(),
          );
          await Promise.all(
            firing.map(async (g) => {
              const slot = next.get(g.group.name) as Date;
              next.set(g.group.name, nextFireTime(g.schedule, now, config.timezone));
              running += 1;
              const started = Date.now();
              const reports = await runProbes(g.specs, slot, deps).finally(() => {
                running -= 1;
              });
              const seconds = ((Date.now() - started) / 1000).toFixed(1);
              process.stdout.write(
                `\n${slot.toISOString()} ${g.group.name} (${seconds} s)\n${formatRun(reports, style)}\n`,
              );
              info(nextRunLine(g.group.name, g.group.schedule, next.get(g.group.name) as Date));
            }),
          );
        }
      } finally {
        await timer.stop();
        await local.close();
        stop.dispose();
      }
    });
}

/** When a group runs next (UTC, as the schedule slots are stored). */
function nextRunLine(group: string, schedule: string, at: Date): string {
  return `next ${group} (${schedule}) at ${at.toISOString()}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.min(MAX_TIMER_MS, Math.max(0, ms)));
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
