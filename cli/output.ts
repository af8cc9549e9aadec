import type { ProbeState } from '../shared/alert/types';
import type { ConfigError } from '../shared/config/errors';
import { cause } from '../shared/model/causes/index';
import type { Check, ProbeResult } from '../shared/model/result';
import type { Status } from '../shared/model/status';
import type { RunReport } from '../shared/run/run-probe';
import { csvCell, terminalText } from '../shared/util/sanitize';

/**
 * One exit-code table for every command (README "Exit codes"): 1 only for a real failure; 3 (as in the monitoring
 * plugins) when the worst news is "could not tell"; 2 for anything the operator typed or wrote wrong; 4 when
 * mailprobe itself could not do its job (store, network, a bug); 130 when interrupted before finishing.
 */
export const EXIT_CODES = { ok: 0, fail: 1, config: 2, unknown: 3, error: 4, interrupted: 130 } as const;

/** A mistake in the command line (an argument, a flag value): exit 2, like a config error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Global output settings, set once from `--quiet` / `--no-color` before a command runs. */
export const outputSettings = { quiet: false, colour: true };

export function exitCodeFor(statuses: Status[]): number {
  if (statuses.includes('fail')) return EXIT_CODES.fail;
  if (statuses.includes('unknown')) return EXIT_CODES.unknown;
  return EXIT_CODES.ok;
}

export interface Style {
  colour: boolean;
}

/** Colour only on a terminal, never with NO_COLOR set (https://no-color.org: any non-empty value) or --no-color. */
export function styleFor(stream: NodeJS.WriteStream): Style {
  const noColor = (process.env.NO_COLOR ?? '') !== '';
  return { colour: stream.isTTY === true && !noColor && outputSettings.colour };
}

/** Informational lines on stderr (what a command is doing); `--quiet` drops them, problems are never dropped. */
export function info(line: string): void {
  if (!outputSettings.quiet) process.stderr.write(`${line}\n`);
}

/** True when a progress display may be drawn on stderr: a terminal, and not `--quiet`. */
export function progressAllowed(): boolean {
  return process.stderr.isTTY === true && !outputSettings.quiet;
}

const COLOUR: Record<Status, string> = { pass: '32', warn: '33', fail: '31', unknown: '35' };
const MARK: Record<Status, string> = { pass: '✔', warn: '!', fail: '✖', unknown: '?' };

function paint(style: Style, code: string, text: string): string {
  return style.colour ? `\x1b[${code}m${text}\x1b[0m` : text;
}

export function statusTag(status: Status, style: Style): string {
  return paint(style, COLOUR[status], `${MARK[status]} ${status.toUpperCase().padEnd(7)}`);
}

function checkLines(check: Check, style: Style): string[] {
  const lines = [
    `    ${paint(style, COLOUR[check.status], MARK[check.status])} ${check.id}: ${terminalText(check.message)}`,
  ];
  if (check.cause) {
    const c = cause(check.cause);
    lines.push(`      cause: ${c.title} [${check.cause}]`, `      fix:   ${c.remediation}`);
  }
  return lines;
}

/** One block per probe: the verdict, then every non-pass check with its diagnosis and fix. */
function formatResult(result: ProbeResult, style: Style, verbose = false): string {
  const head = `${statusTag(result.status, style)} ${terminalText(result.probeId)}  (${result.kind}, ${result.durationMs} ms)`;
  const checks = result.checks.filter((c) => verbose || c.status !== 'pass');
  return [head, ...checks.flatMap((c) => checkLines(c, style))].join('\n');
}

/** Every result (or with `--quiet`, only those that are not pass), then a summary line. */
export function formatRun(reports: RunReport[], style: Style): string {
  const shown = outputSettings.quiet ? reports.filter((r) => r.result.status !== 'pass') : reports;
  const blocks = shown.map(
    (r) =>
      formatResult(r.result, style) +
      (r.stored === 'duplicate' ? '\n    (slot already recorded: not stored again)' : ''),
  );
  const counts = new Map<Status, number>();
  for (const r of reports) counts.set(r.result.status, (counts.get(r.result.status) ?? 0) + 1);
  const summary = (['pass', 'warn', 'fail', 'unknown'] as const)
    .map((s) => `${counts.get(s) ?? 0} ${s}`)
    .join(', ');
  const alerts = reports.flatMap((r) => r.alertErrors.map((e) => `alert not delivered: ${terminalText(e)}`));
  return [
    ...blocks,
    ...(blocks.length > 0 ? [''] : []),
    `${reports.length} probes: ${summary}`,
    ...alerts,
  ].join('\n');
}

export function formatHistory(
  results: ProbeResult[],
  format: 'table' | 'json' | 'csv',
  style: Style,
): string {
  if (format === 'json') return JSON.stringify(results, null, 2);
  const rows = results.map((r) => ({
    scheduledAt: r.scheduledAt,
    probe: r.probeId,
    status: r.status,
    durationMs: String(r.durationMs),
    causes: [...new Set(r.checks.flatMap((c) => (c.cause ? [c.cause] : [])))].join(' '),
  }));
  if (format === 'csv') {
    const header = 'scheduled_at,probe,status,duration_ms,causes';
    return [
      header,
      ...rows.map((r) =>
        [r.scheduledAt, r.probe, r.status, r.durationMs, r.causes].map((cell) => csvCell(cell)).join(','),
      ),
    ].join('\n');
  }
  if (rows.length === 0) return 'no results in this window';
  return rows
    .map(
      (r, i) =>
        `${r.scheduledAt}  ${statusTag(results[i]?.status ?? 'unknown', style)} ${terminalText(r.probe)}  ${r.durationMs} ms  ${r.causes}`,
    )
    .join('\n');
}

export function formatStates(states: ProbeState[], style: Style): string {
  if (states.length === 0) return 'no probe has run yet';
  return states
    .map((s) => {
      const since = s.phase === 'failing' && s.failingSince ? `  failing since ${s.failingSince}` : '';
      return `${statusTag(s.lastStatus, style)} ${terminalText(s.probeId)}  last run ${s.lastScheduledAt}${since}`;
    })
    .join('\n');
}

export function printConfigError(err: ConfigError): void {
  process.stderr.write(`${terminalText(err.message, { multiline: true, max: 20_000 })}\n`);
}
