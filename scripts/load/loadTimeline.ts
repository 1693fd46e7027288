import { percentile } from './latencyStats';
import type { OrderResult } from './sendOrder';

export interface TimelinePoint {
  /** Seconds from the start of sending to the start of this interval. */
  readonly atS: number;
  /** Requests answered in the interval, per second. */
  readonly answeredPerS: number;
  /** Failed requests answered in the interval, per second. */
  readonly errorsPerS: number;
  /** Latency of the requests answered in the interval (ms); NaN when none. */
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Throughput and latency over time, by when each request was answered, in equal
 * intervals: 1 s, widened so a long run has at most `maxPoints` of them. Pure.
 */
export function loadTimeline(results: readonly OrderResult[], startedAt: number, endedAt: number, maxPoints = 120): TimelinePoint[] {
  if (results.length === 0) return [];
  const spanS = Math.max(0.001, (endedAt - startedAt) / 1000);
  const stepS = Math.max(1, Math.ceil(spanS / maxPoints));
  // A short tail joins the last interval: a 0.2 s interval's rate would read as a spike.
  const count = Math.max(1, Math.floor(spanS / stepS));
  const buckets = Array.from({ length: count }, () => ({ latencies: [] as number[], errors: 0 }));
  for (const r of results) {
    const answeredS = (r.startedAt + r.latencyMs - startedAt) / 1000;
    const bucket = buckets[Math.min(count - 1, Math.max(0, Math.floor(answeredS / stepS)))]!;
    bucket.latencies.push(r.latencyMs);
    if (r.error) bucket.errors++;
  }
  return buckets.map((b, i) => {
    const sorted = b.latencies.sort((x, y) => x - y);
    // The last interval runs to the end (up to two steps): rates are per second of it.
    const widthS = i === count - 1 ? Math.max(stepS, spanS - i * stepS) : stepS;
    return {
      atS: i * stepS,
      answeredPerS: sorted.length / widthS,
      errorsPerS: b.errors / widthS,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
    };
  });
}
