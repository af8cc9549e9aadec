import type { Status } from '../model/status';
import { quantile } from '../store/histogram';
import type { HistoryWindow, ProbeHistory } from './collect';
import { bucketStatus } from './stats';

/** One chart as the page's script draws it with uPlot: x in epoch seconds, one value per bucket and series. */
export interface ChartSpec {
  id: string;
  title: string;
  /** `bars` draws each series as bars (status bands, counts), `line` as lines. */
  type: 'bars' | 'line';
  unit: string;
  x: number[];
  series: { label: string; color: string; values: (number | null)[] }[];
}

export const STATUS_COLOURS: Record<Status, string> = {
  pass: '#2e9d5b',
  warn: '#d9a21b',
  fail: '#d64541',
  unknown: '#8e6bbf',
};
const PALETTE = [
  '#3b6fd6',
  '#e07b39',
  '#2e9d5b',
  '#b8449b',
  '#5aa7b8',
  '#8c7a3e',
  '#d64541',
  '#6b6bd6',
  '#777',
];
/** The SMTP phases in session order; others a probe records follow them. */
const SMTP_PHASES = ['dns', 'connect', 'banner', 'ehlo', 'starttls', 'tls', 'auth', 'mail', 'rcpt'];
const STATUSES: Status[] = ['pass', 'warn', 'fail', 'unknown'];

/** The charts of one probe: always its status bands, then what its kind measures. */
export function probeCharts(history: ProbeHistory, window: HistoryWindow, prefix: string): ChartSpec[] {
  const buckets = history.rollups;
  if (buckets.length === 0) return [];
  const x = buckets.map((b) => Math.floor(Date.parse(b.start) / 1000));
  const charts: ChartSpec[] = [];
  const chart = (key: string, spec: Omit<ChartSpec, 'id' | 'x'>) => {
    if (spec.series.some((s) => s.values.some((v) => v !== null)))
      charts.push({ id: `${prefix}-${key}`, x, ...spec });
  };
  const status = buckets.map((b) => bucketStatus(b.counters));
  chart('status', {
    title: `Status per ${window.resolution} (worst run)`,
    type: 'bars',
    unit: '',
    series: STATUSES.map((s) => ({
      label: s,
      color: STATUS_COLOURS[s],
      values: status.map((v) => (v === s ? 1 : null)),
    })),
  });

  const kind = history.state.kind;
  if (kind === 'smtp') {
    const recorded = new Set(buckets.flatMap((b) => Object.keys(b.histograms)));
    const phases = [
      ...SMTP_PHASES.filter((p) => recorded.has(`phase:${p}`)),
      ...[...recorded]
        .filter((n) => n.startsWith('phase:') && !SMTP_PHASES.includes(n.slice(6)))
        .map((n) => n.slice(6))
        .sort(),
    ];
    chart('phases', {
      title: 'SMTP latency per phase (mean)',
      type: 'line',
      unit: 'ms',
      series: phases.map((p, i) => ({
        label: p,
        color: PALETTE[i % PALETTE.length] as string,
        values: buckets.map((b) => {
          const h = b.histograms[`phase:${p}`];
          return h && h.n > 0 ? Math.round(h.sum / h.n) : null;
        }),
      })),
    });
    chart('cert', {
      title: 'TLS certificate days left',
      type: 'line',
      unit: 'days',
      series: [
        {
          label: 'days left',
          color: PALETTE[0] as string,
          values: buckets.map((b) => {
            const n = b.counters.certDaysN ?? 0;
            return n > 0 ? Math.round((b.counters.certDaysSum ?? 0) / n) : null;
          }),
        },
      ],
    });
  }
  if (kind === 'canary') {
    const latency = (q: number) =>
      buckets.map((b) => {
        const h = b.histograms.canaryLatency;
        return h ? (quantile(h, q) ?? null) : null;
      });
    chart('latency', {
      title: 'Canary delivery latency',
      type: 'line',
      unit: 'ms',
      series: [
        { label: 'p50', color: PALETTE[0] as string, values: latency(0.5) },
        { label: 'p95', color: PALETTE[1] as string, values: latency(0.95) },
      ],
    });
    chart('placement', {
      title: 'Canary placement (runs)',
      type: 'bars',
      unit: 'runs',
      series: (
        [
          ['inbox', STATUS_COLOURS.pass],
          ['spam', STATUS_COLOURS.fail],
          ['missing', STATUS_COLOURS.unknown],
        ] as const
      ).map(([where, color]) => ({
        label: where,
        color,
        values: buckets.map((b) => b.counters[`placement:${where}`] ?? null),
      })),
    });
  }
  if (kind === 'dnsbl') {
    const zones = [
      ...new Set(
        buckets.flatMap((b) =>
          Object.keys(b.counters)
            .filter((n) => n.startsWith('listed:'))
            .map((n) => n.slice(7)),
        ),
      ),
    ].sort();
    // Each zone on its own row (1, 2, 3...): a bar where at least one run of the bucket found a listing.
    chart('listings', {
      title: 'Blocklist listings per zone',
      type: 'bars',
      unit: 'zone',
      series: zones.map((zone, i) => ({
        label: zone,
        color: PALETTE[i % PALETTE.length] as string,
        values: buckets.map((b) => ((b.counters[`listed:${zone}`] ?? 0) > 0 ? i + 1 : null)),
      })),
    });
  }
  return charts;
}
