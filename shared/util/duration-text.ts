const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A duration for people, in its two largest units: `3d 4h`, `12m 5s`, `850 ms`. */
export function humanDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const abs = Math.abs(Math.round(ms));
  if (abs < 1000) return `${abs} ms`;
  const parts: string[] = [];
  let rest = abs;
  for (const [unit, size] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) {
      if (n > 0) parts.push(`${n}${unit}`);
      rest -= n * size;
      if (parts.length > 0 && n === 0) break;
    }
  }
  return parts.join(' ');
}

/** How long ago `iso` was, seen from `now`: `5m ago`, `2d 3h ago`, `in 4m` for a time ahead. */
export function relativeTime(iso: string, now: Date): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '-';
  const delta = now.getTime() - at;
  if (Math.abs(delta) < 1000) return 'just now';
  return delta >= 0 ? `${humanDuration(delta)} ago` : `in ${humanDuration(-delta)}`;
}
