import { percentile } from './latencyStats';

export interface SpanTimeStats {
  /** The service that recorded the spans (the load generator's `POST` and createOrder's `POST /` are different rows). */
  readonly service: string;
  readonly name: string;
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Sum over all spans of this name (ms): where the pipeline's time went. */
  readonly totalMs: number;
}

/** p50/p99 of the durations of each service's span name, most total time first. Pure. */
export function spanTimeStats(spans: Iterable<{ readonly service?: string; readonly name: string; readonly ms: number }>): SpanTimeStats[] {
  const byName = new Map<string, { service: string; name: string; values: number[] }>();
  for (const span of spans) {
    const service = span.service ?? '';
    const key = JSON.stringify([service, span.name]);
    const group = byName.get(key) ?? { service, name: span.name, values: [] };
    group.values.push(span.ms);
    byName.set(key, group);
  }
  return [...byName.values()]
    .map(({ service, name, values }) => {
      const sorted = values.sort((a, b) => a - b);
      return { service, name, count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), totalMs: sorted.reduce((a, b) => a + b, 0) };
    })
    .sort((a, b) => b.totalMs - a.totalMs || a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}
