import type { KeyValue, StoredSpan } from './storedSpan';

/**
 * Pure mapping from stored OTLP spans to the JSON Jaeger's query service
 * (api_v2 "UI model") returns, following Jaeger's own OTLP translator: parent →
 * CHILD_OF, links → FOLLOWS_FROM, kind/status/scope as tags, events as logs,
 * resource as the process.
 */
export interface JaegerTag {
  readonly key: string;
  readonly type: KeyValue['type'];
  readonly value: string | number | boolean;
}
export interface JaegerReference {
  readonly refType: 'CHILD_OF' | 'FOLLOWS_FROM';
  readonly traceID: string;
  readonly spanID: string;
}
export interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly flags: number;
  readonly operationName: string;
  readonly references: readonly JaegerReference[];
  readonly startTime: number; // µs since epoch
  readonly duration: number; // µs
  readonly tags: readonly JaegerTag[];
  readonly logs: readonly { readonly timestamp: number; readonly fields: readonly JaegerTag[] }[];
  readonly processID: string;
  readonly warnings: null;
}
export interface JaegerProcess {
  readonly serviceName: string;
  readonly tags: readonly JaegerTag[];
}
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly JaegerSpan[];
  readonly processes: Readonly<Record<string, JaegerProcess>>;
  readonly warnings: null;
}

const SPAN_KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS_CODES = ['', 'OK', 'ERROR'];

/** `spans` must all share one trace id and must not be empty. */
export function toJaegerTrace(spans: readonly StoredSpan[]): JaegerTrace {
  const processes: Record<string, JaegerProcess> = {};
  const processIds = new Map<string, string>();
  const processIdOf = (span: StoredSpan): string => {
    const process: JaegerProcess = { serviceName: span.serviceName, tags: span.resource };
    const identity = JSON.stringify(process);
    let processId = processIds.get(identity);
    if (processId === undefined) {
      processId = `p${processIds.size + 1}`;
      processIds.set(identity, processId);
      processes[processId] = process;
    }
    return processId;
  };
  const ordered = [...spans].sort((a, b) => compareNanos(a.startTimeUnixNano, b.startTimeUnixNano));
  const mapped = ordered.map((span) => toJaegerSpan(span, processIdOf(span)));
  return { traceID: jaegerTraceId(spans[0]?.traceId ?? ''), spans: mapped, processes, warnings: null };
}

function toJaegerSpan(span: StoredSpan, processID: string): JaegerSpan {
  const traceID = jaegerTraceId(span.traceId);
  const references: JaegerReference[] = [];
  if (span.parentSpanId) references.push({ refType: 'CHILD_OF', traceID, spanID: span.parentSpanId });
  for (const link of span.links) {
    references.push({ refType: 'FOLLOWS_FROM', traceID: jaegerTraceId(link.traceId), spanID: link.spanId });
  }
  const start = nanosToMicros(span.startTimeUnixNano);
  return {
    traceID,
    spanID: span.spanId,
    flags: span.flags & 0xff, // the low byte carries the W3C trace flags
    operationName: span.name,
    references,
    startTime: start,
    duration: Math.max(0, nanosToMicros(span.endTimeUnixNano) - start),
    tags: [...span.attributes, ...spanTags(span)],
    logs: span.events.map((event) => ({
      timestamp: nanosToMicros(event.timeUnixNano),
      fields: [{ key: 'event', type: 'string', value: event.name }, ...event.attributes],
    })),
    processID,
    warnings: null,
  };
}

function spanTags(span: StoredSpan): JaegerTag[] {
  const tags: JaegerTag[] = [];
  const text = (key: string, value: string): void => {
    if (value) tags.push({ key, type: 'string', value });
  };
  text('otel.scope.name', span.scope.name);
  text('otel.scope.version', span.scope.version);
  text('span.kind', SPAN_KINDS[span.kind] ?? '');
  text('otel.status_code', STATUS_CODES[span.status.code] ?? '');
  if (span.status.code === 2) tags.push({ key: 'error', type: 'bool', value: true });
  text('otel.status_description', span.status.message);
  text('w3c.tracestate', span.traceState);
  return tags;
}

/** Jaeger prints a 128-bit id whose high half is zero as its 64-bit low half. */
export function jaegerTraceId(traceId: string): string {
  return traceId.startsWith('0000000000000000') ? traceId.slice(16) : traceId;
}

export function nanosToMicros(nanos: string): number {
  return Number(BigInt(nanos) / 1000n);
}

function compareNanos(a: string, b: string): number {
  const diff = BigInt(a) - BigInt(b);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}
