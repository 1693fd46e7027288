/**
 * Reading a trace back from the local collector's Jaeger query API, for tests that run
 * real functions-framework processes exporting to it.
 */
export interface JaegerSpan {
  readonly spanID: string;
  readonly operationName: string;
  readonly processID: string;
  readonly references: readonly { readonly refType: string; readonly spanID: string }[];
  readonly tags: readonly { readonly key: string; readonly value: unknown }[];
}

/** A span with what the tests ask of it at hand: its service, kind, parent and scope. */
export interface StoredSpan extends JaegerSpan {
  readonly service: string;
  readonly kind: unknown;
  readonly parentId: string | undefined;
  readonly scope: unknown;
}

const tag = (span: JaegerSpan, key: string): unknown => span.tags.find((t) => t.key === key)?.value;

/** Every span of `traceId` the collector holds now (none yet: empty). */
export async function storedSpans(queryPort: number, traceId: string): Promise<StoredSpan[]> {
  const response = await fetch(`http://127.0.0.1:${queryPort}/api/traces/${traceId}`);
  if (response.status === 404) return [];
  const body = (await response.json()) as { data: { spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> }[] };
  return body.data.flatMap((t) =>
    t.spans.map((s) => ({
      ...s,
      service: t.processes[s.processID]?.serviceName ?? '?',
      kind: tag(s, 'span.kind'),
      parentId: s.references.find((r) => r.refType === 'CHILD_OF')?.spanID,
      scope: tag(s, 'otel.scope.name'),
    })),
  );
}

/** One line per span, for assertion messages. */
export const describeSpans = (spans: readonly StoredSpan[]): string =>
  spans.map((s) => `${s.service} ${s.spanID} <- ${s.parentId ?? '-'} ${String(s.kind)} ${s.operationName} [${String(s.scope)}]`).join('\n') || '(none)';

/** Polls the collector until `found` picks a span, bounded by `deadlineMs`. */
export async function waitForSpan(
  queryPort: number,
  traceId: string,
  found: (spans: StoredSpan[]) => StoredSpan | undefined,
  deadlineMs = 20_000,
): Promise<{ span: StoredSpan | undefined; spans: StoredSpan[] }> {
  let spans: StoredSpan[] = [];
  for (let i = 0; i < deadlineMs / 100; i++) {
    spans = await storedSpans(queryPort, traceId);
    const span = found(spans);
    if (span) return { span, spans };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { span: undefined, spans };
}
