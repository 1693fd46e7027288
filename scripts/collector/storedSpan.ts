/**
 * The collector's own flat form of one OTLP span, with its resource and scope
 * attached. Ids are lowercase hex; times stay nanosecond decimal strings so
 * nothing is lost and each span serialises to JSON as is.
 */
export type ValueType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

/** One attribute, already in Jaeger's tag shape; arrays and maps are JSON text. */
export interface KeyValue {
  readonly key: string;
  readonly type: ValueType;
  readonly value: string | number | boolean;
}

export interface SpanEvent {
  readonly timeUnixNano: string;
  readonly name: string;
  readonly attributes: readonly KeyValue[];
}

export interface SpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: readonly KeyValue[];
}

export interface StoredSpan {
  readonly traceId: string; // 32 hex
  readonly spanId: string; // 16 hex
  readonly parentSpanId: string; // '' for a root span
  readonly traceState: string;
  readonly flags: number;
  readonly name: string;
  readonly kind: number; // OTLP SpanKind: 0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly KeyValue[];
  readonly events: readonly SpanEvent[];
  readonly links: readonly SpanLink[];
  readonly status: { readonly code: number; readonly message: string }; // 0 unset, 1 ok, 2 error
  readonly serviceName: string;
  readonly resource: readonly KeyValue[];
  readonly scope: { readonly name: string; readonly version: string };
}
