import type { StoredSpan } from './storedSpan';
import { nanosToMicros } from './toJaegerTrace';

export interface TraceQuery {
  readonly service?: string;
  readonly operation?: string;
  readonly startMicros: number;
  readonly endMicros: number;
  readonly minDurationMicros?: number;
  readonly maxDurationMicros?: number;
  readonly tags?: Readonly<Record<string, string>>;
  readonly limit: number;
  /** Matches to skip (paging past `limit`). */
  readonly offset?: number;
  /** Order of the matches; `-` first means descending. Default `-start`, latest first. */
  readonly sort?: TraceSort;
  /** Traces whose spans all belong to these services are left out. */
  readonly hiddenServices?: readonly string[];
}

export const TRACE_SORTS = ['start', '-start', 'duration', '-duration', 'errors', '-errors', 'spans', '-spans'] as const;
export type TraceSort = (typeof TRACE_SORTS)[number];

export interface TraceSearch {
  /** One page of matches. */
  readonly traces: (readonly StoredSpan[])[];
  /** Matches before paging. */
  readonly total: number;
}

export interface Operation {
  readonly name: string;
  readonly spanKind: string;
}

interface Entry {
  readonly spans: StoredSpan[];
  readonly spanIds: Set<string>;
  startMicros: number;
}

const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/**
 * Recent traces in memory, grouped by trace id. Spans of one trace may come in
 * many batches from many services; a span id seen twice (an exporter retry) is
 * kept once. Traces are ordered by when they last received a span, and the one
 * that has waited longest is evicted beyond `maxTraces`. The service and
 * operation index outlives eviction, as in Jaeger, so names stay selectable.
 */
export class TraceStore {
  private readonly traces = new Map<string, Entry>();
  private readonly operationsByService = new Map<string, Map<string, string>>();

  constructor(private readonly maxTraces: number) {}

  get size(): number {
    return this.traces.size;
  }

  /** Adds spans; returns those that were new. */
  add(spans: readonly StoredSpan[]): StoredSpan[] {
    const added: StoredSpan[] = [];
    for (const span of spans) {
      let entry = this.traces.get(span.traceId);
      if (entry) {
        this.traces.delete(span.traceId); // re-insert below: most recently touched goes last
      } else {
        entry = { spans: [], spanIds: new Set(), startMicros: Number.POSITIVE_INFINITY };
      }
      this.traces.set(span.traceId, entry);
      if (entry.spanIds.has(span.spanId)) continue;
      entry.spanIds.add(span.spanId);
      entry.spans.push(span);
      entry.startMicros = Math.min(entry.startMicros, nanosToMicros(span.startTimeUnixNano));
      added.push(span);
      let operations = this.operationsByService.get(span.serviceName);
      if (!operations) {
        operations = new Map();
        this.operationsByService.set(span.serviceName, operations);
      }
      operations.set(span.name, SPAN_KINDS[span.kind] ?? 'unspecified');
    }
    for (const oldest of this.traces.keys()) {
      if (this.traces.size <= this.maxTraces) break;
      this.traces.delete(oldest);
    }
    return added;
  }

  get(traceId: string): readonly StoredSpan[] | undefined {
    return this.traces.get(traceId)?.spans;
  }

  services(): string[] {
    return [...this.operationsByService.keys()].sort();
  }

  operations(service: string, spanKind?: string): Operation[] {
    const operations = this.operationsByService.get(service) ?? new Map<string, string>();
    return [...operations]
      .map(([name, kind]) => ({ name, spanKind: kind }))
      .filter((op) => !spanKind || op.spanKind === spanKind)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Traces with at least one span matching every criterion, latest start first. */
  find(query: TraceQuery): (readonly StoredSpan[])[] {
    return this.search(query).traces;
  }

  /** As `find`, in the query's order, one page of it, with the number of matches. */
  search(query: TraceQuery): TraceSearch {
    const found: Entry[] = [];
    const hidden = new Set(query.hiddenServices ?? []);
    for (const entry of this.traces.values()) {
      if (hidden.size > 0 && entry.spans.every((span) => hidden.has(span.serviceName))) continue;
      if (entry.spans.some((span) => spanMatches(span, query))) found.push(entry);
    }
    const sort = query.sort ?? '-start';
    const key = SORT_KEYS[sort.replace(/^-/, '') as keyof typeof SORT_KEYS];
    const direction = sort.startsWith('-') ? -1 : 1;
    // Ties fall back to latest first, so pages are stable.
    found.sort((a, b) => direction * (key(a) - key(b)) || b.startMicros - a.startMicros);
    const offset = Math.max(0, query.offset ?? 0);
    return { traces: found.slice(offset, offset + Math.max(0, query.limit)).map((entry) => entry.spans), total: found.length };
  }
}

const SORT_KEYS = {
  start: (e: Entry) => e.startMicros,
  duration: (e: Entry) => Math.max(...e.spans.map((s) => nanosToMicros(s.endTimeUnixNano))) - e.startMicros,
  errors: (e: Entry) => e.spans.filter((s) => s.status.code === 2).length,
  spans: (e: Entry) => e.spans.length,
};

function spanMatches(span: StoredSpan, query: TraceQuery): boolean {
  if (query.service !== undefined && span.serviceName !== query.service) return false;
  if (query.operation !== undefined && span.name !== query.operation) return false;
  const start = nanosToMicros(span.startTimeUnixNano);
  if (start < query.startMicros || start > query.endMicros) return false;
  const duration = nanosToMicros(span.endTimeUnixNano) - start;
  if (query.minDurationMicros !== undefined && duration < query.minDurationMicros) return false;
  if (query.maxDurationMicros !== undefined && duration > query.maxDurationMicros) return false;
  for (const [key, value] of Object.entries(query.tags ?? {})) {
    if (!tagValues(span, key).includes(value)) return false;
  }
  return true;
}

function tagValues(span: StoredSpan, key: string): string[] {
  const values = [...span.attributes, ...span.resource].filter((kv) => kv.key === key).map((kv) => String(kv.value));
  if (key === 'span.kind') values.push(SPAN_KINDS[span.kind] ?? '');
  if (key === 'error' && span.status.code === 2) values.push('true');
  return values;
}
