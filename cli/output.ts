import type { ProbeState, SuppressedAlert } from '../shared/alert/types';
import type { ConfigError } from '../shared/config/errors';
import { cause } from '../shared/model/causes/index';
import type { Check, ProbeResult } from '../shared/model/result';
import type { Status } from '../shared/model/status';
import type { ProbeStats } from '../shared/report/stats';
import type { RunReport } from '../shared/run/run-probe';
import type { ResultSummary } from '../shared/store/result-item';
import { humanDuration, relativeTime } from '../shared/util/duration-text';
import { csvCell, terminalText } from '../shared/util/sanitize';

/**
 * One exit-code table for every command (README "Exit codes"): 1 only for a real failure; 3 (as in the monitoring
 * plugins) when the worst news is "could not tell"; 2 for anything the operator typed or wrote wrong; 4 when
 * mailprobe itself could not do its job (network, a bug); 5 when a verdict could not be recorded (store failure; it is still printed); 130 when interrupted before finishing.
 */
export const EXIT_CODES = {
  ok: 0,
  fail: 1,
  config: 2,
  unknown: 3,
  error: 4,
  unrecorded: 5,
  interrupted: 130,
} as const;

/** A mistake in the command line (an argument, a flag value): exit 2, like a config error. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Global output settings, set once from `--quiet` / `--no-color` before a command runs. */
export const outputSettings = { quiet: false, colour: true };

/** The exit code of a run: a verdict that could not be recorded wins over every status. */
export function exitCodeForRun(reports: RunReport[]): number {
  if (reports.some((r) => r.stored === 'failed')) return EXIT_CODES.unrecorded;
  return exitCodeFor(reports.map((r) => r.result.status));
}

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
      (r.stored === 'duplicate' ? '\n    (slot already recorded: not stored again)' : '') +
      (r.stored === 'failed'
        ? `\n    NOT RECORDED: ${terminalText(r.storeError ?? 'the store failed')}`
        : ''),
  );
  const counts = new Map<Status, number>();
  for (const r of reports) counts.set(r.result.status, (counts.get(r.result.status) ?? 0) + 1);
  const summary = (['pass', 'warn', 'fail', 'unknown'] as const)
    .map((s) => `${counts.get(s) ?? 0} ${s}`)
    .join(', ');
  return [...blocks, ...(blocks.length > 0 ? [''] : []), `${reports.length} probes: ${summary}`].join('\n');
}

/**
 * Aligned columns with a header row. Cells are plain text (already escaped); `paint` colours a cell after it is
 * padded, so escape codes never count towards a column's width.
 */
function formatColumns(
  headers: string[],
  rows: string[][],
  paint: (column: number, row: number, padded: string) => string = (_c, _r, padded) => padded,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[], row: number) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0);
        return row < 0 ? padded : paint(i, row, padded);
      })
      .join('  ')
      .trimEnd();
  return [line(headers, -1), ...rows.map((r, i) => line(r, i))].join('\n');
}

/** History as a table or CSV, from summaries (whole results are read only for `--format json`). */
export function formatHistory(
  results: ResultSummary[],
  format: 'table' | 'csv',
  style: Style,
  now: Date = new Date(),
): string {
  if (format === 'csv') {
    const header = 'scheduled_at,probe,target,status,duration_ms,causes';
    return [
      header,
      ...results.map((r) =>
        [r.scheduledAt, r.probeId, r.target, r.status, r.durationMs, r.failing.join(', ')]
          .map((cell) => csvCell(cell))
          .join(','),
      ),
    ].join('\n');
  }
  if (results.length === 0) return 'no results in this window';
  const rows = results.map((r) => [
    relativeTime(r.scheduledAt, now),
    `${r.scheduledAt.slice(0, 16).replace('T', ' ')}Z`,
    terminalText(r.probeId, { max: 80 }),
    r.status.toUpperCase(),
    `${r.durationMs} ms`,
    terminalText(r.failing.join(', '), { max: 300 }) || '-',
  ]);
  return formatColumns(
    ['WHEN', 'SCHEDULED (UTC)', 'PROBE', 'STATUS', 'DURATION', 'FAILING CHECKS'],
    rows,
    (column, row, padded) =>
      column === 3 ? paint(style, COLOUR[results[row]?.status ?? 'unknown'], padded) : padded,
  );
}

const msText = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} ms`);
const rateText = (rate: number | undefined) => (rate === undefined ? '-' : `${(rate * 100).toFixed(2)}%`);

/** `history --stats`: one row per probe (table, CSV) or the full aggregates (JSON), then the phases. */
export function formatStats(stats: ProbeStats[], format: 'table' | 'json' | 'csv', style: Style): string {
  if (format === 'json') return JSON.stringify(stats, null, 2);
  const phases = [...new Set(stats.flatMap((s) => s.phases.map((p) => p.phase)))];
  if (format === 'csv') {
    const header = [
      'probe,kind,target,status,runs,pass_rate,p50_ms,p95_ms,incidents,time_in_failure_ms,mttr_ms',
      ...phases.flatMap((p) => [`${p}_p50_ms`, `${p}_p95_ms`].map((h) => h.replace(/[^a-z0-9_-]/gi, '_'))),
    ].join(',');
    return [
      header,
      ...stats.map((s) => {
        const byPhase = new Map(s.phases.map((p) => [p.phase, p]));
        return [
          s.probeId,
          s.kind,
          s.target,
          s.status,
          s.runs,
          s.passRate,
          s.durationP50,
          s.durationP95,
          s.incidents.length,
          s.timeInFailureMs,
          s.mttrMs === undefined ? undefined : Math.round(s.mttrMs),
          ...phases.flatMap((p) => [byPhase.get(p)?.p50, byPhase.get(p)?.p95]),
        ]
          .map((cell) => csvCell(cell))
          .join(',');
      }),
    ].join('\n');
  }
  if (stats.length === 0) return 'no results in this window';
  const main = formatColumns(
    ['PROBE', 'STATUS', 'RUNS', 'PASS RATE', 'P50', 'P95', 'INCIDENTS', 'TIME IN FAILURE', 'MTTR'],
    stats.map((s) => [
      terminalText(s.probeId, { max: 80 }),
      s.status.toUpperCase(),
      String(s.runs),
      rateText(s.passRate),
      msText(s.durationP50),
      msText(s.durationP95),
      String(s.incidents.length),
      s.timeInFailureMs > 0 ? humanDuration(s.timeInFailureMs) : '-',
      s.mttrMs === undefined ? '-' : humanDuration(s.mttrMs),
    ]),
    (column, row, padded) =>
      column === 1 ? paint(style, COLOUR[stats[row]?.status ?? 'unknown'], padded) : padded,
  );
  const phaseRows = stats.flatMap((s) =>
    s.phases.map((p) => [
      terminalText(s.probeId, { max: 80 }),
      terminalText(p.phase, { max: 40 }),
      msText(p.p50),
      msText(p.p95),
      msText(p.mean),
    ]),
  );
  if (phaseRows.length === 0) return main;
  return `${main}\n\n${formatColumns(['PROBE', 'PHASE', 'P50', 'P95', 'MEAN'], phaseRows)}`;
}

/** Alerts silences held back, newest first: they were recorded, not sent. */
export function formatSuppressed(records: SuppressedAlert[]): string {
  const lines = records
    .sort((a, b) => b.alert.scheduledAt.localeCompare(a.alert.scheduledAt))
    .map(
      (r) =>
        `${r.alert.scheduledAt}  ${r.alert.type} ${terminalText(r.alert.probeId)}  silenced by ${r.silenceId}: ${terminalText(r.reason)}`,
    );
  return ['', 'Alerts held back by silences:', ...lines].join('\n');
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
