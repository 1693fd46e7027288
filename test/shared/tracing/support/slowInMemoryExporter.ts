import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExportResult } from '@opentelemetry/core';

/**
 * An in-memory exporter that takes a network's time to answer: the spans are stored
 * only after `delayMs`. With an instant exporter the flush would finish within the
 * same tick as the response and a test could not tell "flushed before the response"
 * from "flushed right after it".
 */
export class SlowInMemoryExporter extends InMemorySpanExporter {
  constructor(private readonly delayMs = 50) {
    super();
  }

  override export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    setTimeout(() => super.export(spans, resultCallback), this.delayMs);
  }
}
