import { ExportResultCode, hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanKind } from '@opentelemetry/api';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

/** The readable form of one span that the console exporter prints. */
export function spanToJson(span: ReadableSpan): Record<string, unknown> {
  const context = span.spanContext();
  return {
    name: span.name,
    kind: SpanKind[span.kind],
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    service: span.resource.attributes[ATTR_SERVICE_NAME],
    scope: span.instrumentationScope.name,
    startTimeUs: hrTimeToMicroseconds(span.startTime),
    durationUs: hrTimeToMicroseconds(span.duration),
    status: span.status,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId, attributes: link.attributes })),
  };
}

/**
 * Prints each span as indented JSON on stdout: the console exporter of the learning
 * setup, readable in a terminal, one span per block.
 */
export class PrettyJsonSpanExporter implements SpanExporter {
  constructor(private readonly write: (text: string) => void = (text) => process.stdout.write(text)) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) this.write(`${JSON.stringify(spanToJson(span), null, 2)}\n`);
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
