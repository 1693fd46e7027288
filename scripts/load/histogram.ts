export interface HistogramBucket {
  /** Inclusive lower bound. */
  readonly from: number;
  /** Exclusive upper bound (the last bucket includes it). */
  readonly to: number;
  readonly count: number;
}

/**
 * Equal-width buckets from 0 to a "nice" upper bound covering the maximum, so the
 * axis reads in round numbers (1, 2, 2.5, 5 × 10^k per bucket).
 */
export function histogram(values: readonly number[], bucketCount = 20): HistogramBucket[] {
  if (values.length === 0 || bucketCount < 1) return [];
  const max = values.reduce((m, v) => Math.max(m, v), 0);
  const width = niceWidth(max / bucketCount);
  const counts = new Array<number>(bucketCount).fill(0);
  for (const v of values) {
    const index = Math.min(bucketCount - 1, Math.max(0, Math.floor(v / width)));
    counts[index]! += 1;
  }
  // Trailing empty buckets only stretch the axis.
  let last = bucketCount - 1;
  while (last > 0 && counts[last] === 0) last--;
  return counts.slice(0, last + 1).map((count, i) => ({ from: round(i * width), to: round((i + 1) * width), count }));
}

function niceWidth(raw: number): number {
  if (!(raw > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (raw <= step * magnitude) return step * magnitude;
  }
  return 10 * magnitude;
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
