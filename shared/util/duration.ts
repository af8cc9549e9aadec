/**
 * Durations in the units a person reads: seconds with decimals below a minute (`0.25 s`, `4.2 s`, `38 s`),
 * minutes and seconds below an hour (`3 min 20 s`), hours and minutes below two days (`23 h 54 min`, the window
 * in which a certificate's "0 days" would hide a day's work), days and hours beyond (`12 days 4 h`).
 * Negative durations are formatted by their size; callers say "ago" themselves.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const abs = Math.abs(ms);
  if (abs < 10_000) return `${trim((abs / 1000).toFixed(abs < 1000 ? 3 : 2))} s`;
  if (abs < 60_000) return `${trim((abs / 1000).toFixed(1))} s`;
  const totalSeconds = Math.round(abs / 1000);
  if (totalSeconds < 3600) return pair(Math.floor(totalSeconds / 60), 'min', totalSeconds % 60, 's');
  const totalMinutes = Math.round(abs / 60_000);
  if (totalMinutes < 48 * 60) return pair(Math.floor(totalMinutes / 60), 'h', totalMinutes % 60, 'min');
  const totalHours = Math.round(abs / 3_600_000);
  const days = Math.floor(totalHours / 24);
  return pair(days, days === 1 ? 'day' : 'days', totalHours % 24, 'h');
}

/** `0.250` -> `0.25`, `4.00` -> `4`: decimals only where they say something. */
function trim(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function pair(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor > 0 ? `${major} ${majorUnit} ${minor} ${minorUnit}` : `${major} ${majorUnit}`;
}
