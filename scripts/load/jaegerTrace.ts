/**
 * The part of Jaeger's query-API trace JSON the load test reads. Loose on purpose:
 * it may come from our collector or from a real Jaeger.
 */
export interface JaegerTagLike {
  readonly key: string;
  readonly value: unknown;
}
export interface JaegerSpanLike {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references?: readonly { readonly refType: string; readonly traceID?: string; readonly spanID: string }[];
  readonly processID: string;
  /** µs since the epoch. */
  readonly startTime: number;
  /** µs. */
  readonly duration: number;
  readonly tags?: readonly JaegerTagLike[];
}
export interface JaegerTraceLike {
  readonly traceID: string;
  readonly spans: readonly JaegerSpanLike[];
  readonly processes?: Readonly<Record<string, { readonly serviceName: string }>>;
}

/** Jaeger trims a trace id whose high half is zero; compare ids in full 32-hex form. */
export function fullTraceId(id: string): string {
  return id.toLowerCase().padStart(32, '0');
}

export function tagValue(span: JaegerSpanLike, key: string): unknown {
  return span.tags?.find((tag) => tag.key === key)?.value;
}

export function parentOf(span: JaegerSpanLike): string | undefined {
  return span.references?.find((ref) => ref.refType === 'CHILD_OF')?.spanID;
}
