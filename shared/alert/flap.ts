/**
 * Nagios-style flap detection over the recent verdicts of one probe. Each pair of neighbouring verdicts is a
 * possible state change; changes are weighted from 0.8 (oldest) to 1.2 (newest), so recent flapping counts more,
 * and the percent is the weighted share of pairs that changed. A probe starts flapping at or above the high
 * threshold and settles below the low one (hysteresis), like Nagios' `high_flap_threshold` / `low_flap_threshold`.
 */

/** A verdict as flap detection sees it: `ok` (pass or warn) or `fail`; unknown runs are no verdict and skipped. */
export type Verdict = 'ok' | 'fail';

/** Fewer verdicts than this never count as flapping: two or three changes are not a pattern yet. */
export const FLAP_MIN_RUNS = 8;

/** The weighted percent of state changes among `verdicts` (oldest first), 0 when fewer than two. */
export function flapPercent(verdicts: readonly Verdict[]): number {
  const pairs = verdicts.length - 1;
  if (pairs < 1) return 0;
  let changed = 0;
  let total = 0;
  for (let i = 1; i < verdicts.length; i++) {
    const weight = pairs === 1 ? 1 : 0.8 + (0.4 * (i - 1)) / (pairs - 1);
    total += weight;
    if (verdicts[i] !== verdicts[i - 1]) changed += weight;
  }
  return Math.round((changed / total) * 1000) / 10;
}

/** `✓✗✓✗`: the verdicts as a pattern an alert can show. */
export function flapPattern(verdicts: readonly Verdict[]): string {
  return verdicts.map((v) => (v === 'ok' ? '✓' : '✗')).join('');
}
