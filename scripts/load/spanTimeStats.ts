import { percentile } from './latencyStats';

export interface SpanTimeStats {
  readonly name: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Sum over all spans of this name (ms): where the pipeline's time went. */
  readonly totalMs: number;
}

/** p50/p99 of each span name's duration, most total time first. Pure. */
export function spanTimeStats(spans: Iterable<{ readonly name: string; readonly ms: number }>): SpanTimeStats[] {
  const byName = new Map<string, number[]>();
  for (const span of spans) {
    const list = byName.get(span.name) ?? [];
    list.push(span.ms);
    byName.set(span.name, list);
  }
  return [...byName]
    .map(([name, values]) => {
      const sorted = values.sort((a, b) => a - b);
      return { name, count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), totalMs: sorted.reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
}
