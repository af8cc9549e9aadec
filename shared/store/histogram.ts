/**
 * Log-bucketed histograms of milliseconds, the shape rollups store with atomic ADDs: bucket `k` counts values
 * in (2^((k-1)/4), 2^(k/4)] ms, so a percentile read back is within 9% of the true value whatever the scale.
 */
export interface Histogram {
  n: number;
  sum: number;
  /** Count per bucket index. */
  buckets: Record<number, number>;
}

const STEPS_PER_DOUBLING = 4;

export function bucketOf(ms: number): number {
  return Math.max(0, Math.ceil(STEPS_PER_DOUBLING * Math.log2(Math.max(ms, 1))));
}

/** The upper bound of bucket `k` in ms. */
function bucketValue(k: number): number {
  return 2 ** (k / STEPS_PER_DOUBLING);
}

export function emptyHistogram(): Histogram {
  return { n: 0, sum: 0, buckets: {} };
}

export function addTo(target: Histogram, source: Histogram): void {
  target.n += source.n;
  target.sum += source.sum;
  for (const [k, count] of Object.entries(source.buckets)) {
    const key = Number(k);
    target.buckets[key] = (target.buckets[key] ?? 0) + count;
  }
}

/**
 * The q-quantile (0..1) as the geometric middle of the bucket holding it (within 9% of the true value), the
 * value itself for a single sample; undefined when empty.
 */
export function quantile(h: Histogram, q: number): number | undefined {
  if (h.n <= 0) return undefined;
  if (h.n === 1) return Math.round(h.sum);
  const rank = Math.max(1, Math.ceil(q * h.n));
  let seen = 0;
  for (const k of Object.keys(h.buckets)
    .map(Number)
    .sort((a, b) => a - b)) {
    seen += h.buckets[k] ?? 0;
    if (seen >= rank) return Math.round(bucketValue(k - 0.5));
  }
  return undefined;
}

export function mean(h: Histogram): number | undefined {
  return h.n > 0 ? h.sum / h.n : undefined;
}
