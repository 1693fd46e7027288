import type { JaegerSpanLike, JaegerTagLike, JaegerTraceLike } from './jaegerTrace';

/** Cloud Trace API v1 `TraceSpan` (cloud.google.com/trace/docs/reference/v1/rest/v1/projects.traces). */
export interface CloudTraceSpan {
  /** uint64 as a decimal string. */
  readonly spanId: string;
  readonly kind?: 'SPAN_KIND_UNSPECIFIED' | 'RPC_SERVER' | 'RPC_CLIENT';
  readonly name?: string;
  /** RFC 3339, up to nanoseconds. */
  readonly startTime?: string;
  readonly endTime?: string;
  /** uint64 as a decimal string; absent (or 0) on a root span. */
  readonly parentSpanId?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Cloud Trace API v1 `Trace`. */
export interface CloudTraceTrace {
  readonly projectId?: string;
  /** 32 hex. */
  readonly traceId: string;
  readonly spans?: readonly CloudTraceSpan[];
}

// Labels that name a span's service, in order: the OpenTelemetry resource attribute as the
// Telemetry API keeps it, then the monitored-resource labels the Cloud Trace exporter writes
// for a function (generic_task's job is service.name or faas.name) or a Cloud Run revision.
const SERVICE_LABELS = ['service.name', 'g.co/r/generic_task/job', 'g.co/r/cloud_run_revision/service_name'];
// v1's kind knows RPC_SERVER and RPC_CLIENT only; producer and consumer spans come back
// unspecified, so their role is read from the messaging semantic conventions they carry.
const PRODUCER_OPERATIONS = new Set(['create', 'send', 'publish']);
const CONSUMER_OPERATIONS = new Set(['receive', 'process', 'deliver']);

/**
 * Maps a Cloud Trace v1 trace onto the Jaeger-shaped trace checkTrace reads: decimal span
 * ids become the 16-hex ids OpenTelemetry (and the load generator's client span) use,
 * `parentSpanId` becomes a CHILD_OF reference, labels become tags (label values are strings
 * in v1, so "true"/"false" become booleans again), and the kind becomes Jaeger's `span.kind`.
 */
export function cloudTraceToJaeger(trace: CloudTraceTrace): JaegerTraceLike {
  const traceID = trace.traceId.toLowerCase();
  const processes: Record<string, { serviceName: string }> = {};
  const spans = (trace.spans ?? []).map((span): JaegerSpanLike => {
    const labels = span.labels ?? {};
    const serviceName = SERVICE_LABELS.map((key) => labels[key]).find((v) => v !== undefined && v !== '') ?? '';
    const processID = `p-${serviceName}`;
    processes[processID] = { serviceName };
    const parent = span.parentSpanId && span.parentSpanId !== '0' ? hexSpanId(span.parentSpanId) : undefined;
    const start = rfc3339Micros(span.startTime);
    const end = rfc3339Micros(span.endTime);
    const tags: JaegerTagLike[] = Object.entries(labels).map(([key, value]) => ({ key, value: value === 'true' ? true : value === 'false' ? false : value }));
    tags.push({ key: 'span.kind', value: kindOf(span) });
    return {
      traceID,
      spanID: hexSpanId(span.spanId),
      operationName: span.name ?? '',
      references: parent === undefined ? [] : [{ refType: 'CHILD_OF', traceID, spanID: parent }],
      processID,
      startTime: start ?? 0,
      duration: start !== undefined && end !== undefined ? Math.max(0, end - start) : 0,
      tags,
    };
  });
  return { traceID, spans, processes };
}

function kindOf(span: CloudTraceSpan): string {
  const operation = span.labels?.['messaging.operation.type'];
  if (operation !== undefined && PRODUCER_OPERATIONS.has(operation)) return 'producer';
  if (operation !== undefined && CONSUMER_OPERATIONS.has(operation)) return 'consumer';
  if (span.kind === 'RPC_SERVER') return 'server';
  if (span.kind === 'RPC_CLIENT') return 'client';
  return 'internal';
}

/** `2205310701640571284` → `1e9ad6661ea75994`; anything that is not a uint64 stays as it is. */
export function hexSpanId(decimal: string): string {
  if (!/^\d{1,20}$/.test(decimal)) return decimal;
  const value = BigInt(decimal);
  return value < 2n ** 64n ? value.toString(16).padStart(16, '0') : decimal;
}

/** RFC 3339 with up to nanosecond digits → µs since the epoch (Date.parse keeps only ms). */
function rfc3339Micros(text: string | undefined): number | undefined {
  const match = text === undefined ? null : /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(text);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds * 1000 + Number((match[2] ?? '').padEnd(6, '0').slice(0, 6));
}
