import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SuppressedAlert } from '../alert/types';
import { cause } from '../model/causes/index';
import type { Status } from '../model/status';
import { humanDuration } from '../util/duration-text';
import { htmlText, jsonForHtml } from '../util/sanitize';
import type { CollectedHistory } from './collect';
import { type ChartSpec, probeCharts, STATUS_COLOURS } from './series';
import { type ProbeStats, probeStats } from './stats';

/**
 * The report as one self-contained HTML file: tables rendered here with every remote-sourced string escaped
 * (htmlText), charts drawn in the page by uPlot (inlined from node_modules) from a JSON data block, and a
 * Content-Security-Policy that allows no remote resource and only this page's own script and style, by hash.
 */

export interface ReportOptions {
  generatedAt: Date;
  title?: string;
}

const STATUS_RANK: Record<Status, number> = { fail: 0, unknown: 1, warn: 2, pass: 3 };
/** Rows shown per table section; the counts say when there were more. */
const MAX_ROWS = 200;

let assets: { script: string; style: string } | undefined;
function loadAssets(): { script: string; style: string } {
  assets ??= {
    script: `${readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8')}\n${readFileSync(join(__dirname, 'client.js'), 'utf8')}`,
    style: `${readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8')}\n${PAGE_STYLE}`,
  };
  return assets;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function contentSecurityPolicy(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(style)}`,
    "img-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderReport(collected: CollectedHistory, options: ReportOptions): string {
  const { window } = collected;
  const { script, style } = loadAssets();
  const title = options.title ?? 'mailprobe report';
  const all = collected.probes.map((history) => ({ history, stats: probeStats(history, window) }));
  const charts: ChartSpec[] = [];
  const sections = all.map(({ history, stats }, i) => {
    const probeCharts_ = probeCharts(history, window, `c${i}`);
    charts.push(...probeCharts_);
    return probeSection(stats, probeCharts_, `p${i}`, history.suppressed);
  });
  const span = `${window.since.toISOString()} to ${window.until.toISOString()}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(script, style)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${htmlText(title)}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>${htmlText(title)}</h1>
<p class="meta">${htmlText(span)} · ${all.length} probes · ${window.resolution} rollups · generated ${htmlText(options.generatedAt.toISOString())}</p>
</header>
<main>
<section id="overview">
<h2>Overview</h2>
${
  all.length === 0
    ? '<p>No probe has stored a result in this store yet.</p>'
    : overview(
        all.map((a) => a.stats),
        all.map((_, i) => `p${i}`),
      )
}
</section>
${sections.join('\n')}
</main>
<script type="application/json" id="report-data">${jsonForHtml({ charts })}</script>
<script>${script}</script>
</body>
</html>
`;
}

function overview(stats: ProbeStats[], anchors: string[]): string {
  const rows = stats.map((s, i) => {
    const first = s.current.find((c) => c.cause);
    const c = first?.cause ? cause(first.cause) : undefined;
    return `<tr>
<td data-sort="${htmlText(s.probeId)}"><a href="#${anchors[i]}">${htmlText(s.probeId)}</a></td>
<td>${htmlText(s.kind)}</td>
<td data-sort="${STATUS_RANK[s.status]}">${badge(s.status)}</td>
<td data-sort="${s.since ? Date.parse(s.since) : ''}">${s.since ? when(s.since) : '-'}</td>
<td>${c ? `<b>${htmlText(c.title)}</b> <code>${htmlText(first?.cause ?? '')}</code><br><span class="fix">${htmlText(firstSentence(c.remediation))}</span>` : '-'}</td>
<td data-sort="${s.passRate ?? -1}">${percent(s.passRate)}</td>
<td data-sort="${s.timeInFailureMs}">${s.timeInFailureMs > 0 ? humanDuration(s.timeInFailureMs) : '-'}</td>
<td data-sort="${s.incidents.length}">${s.incidents.length}</td>
<td data-sort="${s.runs}">${s.runs}</td>
</tr>`;
  });
  return `<table class="sortable" id="overview-table">
<thead><tr><th>probe</th><th>kind</th><th>status</th><th>since</th><th>cause and fix</th><th>pass rate</th><th>time in failure</th><th>incidents</th><th>runs</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p class="hint">Click a column heading to sort. Pass rate counts pass and warn among the runs that had a verdict.</p>`;
}

function probeSection(
  s: ProbeStats,
  charts: ChartSpec[],
  anchor: string,
  suppressed: readonly SuppressedAlert[],
): string {
  const parts: string[] = [
    `<section class="probe" id="${anchor}">`,
    `<h2>${badge(s.status)} ${htmlText(s.probeId)}</h2>`,
    `<p class="meta">${htmlText(s.kind)} · target ${htmlText(s.target)} · last run ${when(s.lastRun)} · ${s.runs} runs, pass rate ${percent(s.passRate)}, p50 ${ms(s.durationP50)}, p95 ${ms(s.durationP95)}${s.mttrMs !== undefined ? `, mean time to recovery ${humanDuration(s.mttrMs)}` : ''}</p>`,
  ];
  if (s.current.length > 0) {
    parts.push(
      table(
        'Failing now',
        ['check', 'status', 'cause', 'what happened', 'fix'],
        s.current.map((c) => [
          htmlText(c.check),
          badge(c.status),
          c.cause ? `<code>${htmlText(c.cause)}</code>` : '-',
          htmlText(c.message),
          c.cause ? htmlText(cause(c.cause).remediation) : '-',
        ]),
      ),
    );
  }
  for (const chart of charts) {
    parts.push(
      `<figure><figcaption>${htmlText(chart.title)}</figcaption><div class="chart" id="${chart.id}"></div></figure>`,
    );
  }
  if (s.kind === 'dnsbl') {
    parts.push(
      s.listings.length === 0
        ? '<p>No blocklist listing in this window.</p>'
        : table(
            'Blocklist listings',
            ['zone', 'from', 'to', 'code', 'reason'],
            s.listings.map((l) => [
              htmlText(l.zone),
              l.from.startsWith('before') ? htmlText(l.from) : when(l.from),
              l.to ? when(l.to) : 'still listed',
              htmlText(l.codes || '-'),
              htmlText(l.reason ?? '-'),
            ]),
          ),
    );
  }
  if (s.kind === 'dns') {
    parts.push(
      s.drift.length === 0
        ? '<p>No DNS record changed in this window.</p>'
        : table(
            'DNS record changes',
            ['when', 'record', 'before', 'after'],
            s.drift.map((d) => [when(d.at), htmlText(d.record), pre(d.before), pre(d.after)]),
          ),
    );
  }
  parts.push(
    s.incidents.length === 0
      ? '<p>No incident in this window.</p>'
      : table(
          'Incidents',
          ['start', 'end', 'duration', 'causes'],
          s.incidents.map((i) => [
            when(i.start),
            i.end ? when(i.end) : 'ongoing',
            humanDuration(i.durationMs),
            i.causes.map((c) => `<code>${htmlText(c)}</code>`).join(' ') || '-',
          ]),
        ),
  );
  if (suppressed.length > 0) {
    parts.push(
      table(
        'Alerts held back by silences',
        ['run', 'alert', 'causes', 'silence', 'reason'],
        suppressed.map((x) => [
          when(x.alert.scheduledAt),
          htmlText(x.alert.type),
          x.alert.checks
            .flatMap((c) =>
              c.cause && c.change !== 'recovered' ? [`<code>${htmlText(c.cause)}</code>`] : [],
            )
            .join(' ') || '-',
          `<code>${htmlText(x.silenceId)}</code>`,
          htmlText(x.reason),
        ]),
      ),
    );
  }
  if (s.phases.length > 0) {
    parts.push(
      table(
        'Phases',
        ['phase', 'p50', 'p95', 'mean'],
        s.phases.map((p) => [htmlText(p.phase), ms(p.p50), ms(p.p95), ms(p.mean)]),
      ),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

function table(caption: string, headers: string[], rows: string[][]): string {
  const shown = rows.slice(-MAX_ROWS);
  const more = rows.length > shown.length ? ` (newest ${shown.length} of ${rows.length})` : '';
  return `<table><caption>${htmlText(caption)}${more}</caption><thead><tr>${headers.map((h) => `<th>${htmlText(h)}</th>`).join('')}</tr></thead><tbody>
${shown.map((r) => `<tr>${r.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

/** A timestamp to the minute, UTC: `2026-03-01 05:10Z`. */
const when = (iso: string) => htmlText(`${iso.slice(0, 16).replace('T', ' ')}Z`);
const firstSentence = (text: string) => text.match(/^.*?[.;](?=\s|$)/)?.[0] ?? text;
const badge = (status: Status) => `<span class="badge ${status}">${status}</span>`;
const pre = (text: string) => `<pre>${htmlText(text)}</pre>`;
const percent = (rate: number | undefined) => (rate === undefined ? '-' : `${(rate * 100).toFixed(2)}%`);
const ms = (value: number | undefined) => (value === undefined ? '-' : `${Math.round(value)} ms`);

const PAGE_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header h1 { margin: 18px 0 2px; font-size: 22px; }
.meta { color: #5a6272; margin: 2px 0 10px; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 10px 16px; margin: 14px 0; }
h2 { font-size: 17px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eceef2; vertical-align: top; }
th { background: #f0f2f5; cursor: default; }
table.sortable th { cursor: pointer; }
table.sortable th[data-order="asc"]::after { content: " \\25b2"; }
table.sortable th[data-order="desc"]::after { content: " \\25bc"; }
.badge { display: inline-block; min-width: 54px; text-align: center; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; padding: 1px 6px; text-transform: uppercase; }
${(Object.entries(STATUS_COLOURS) as [Status, string][]).map(([s, c]) => `.badge.${s} { background: ${c}; }`).join('\n')}
.fix { color: #5a6272; }
.hint { color: #5a6272; font-size: 12px; }
figure { margin: 10px 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
code { font-size: 12px; background: #f0f2f5; padding: 0 3px; border-radius: 2px; }
`;
