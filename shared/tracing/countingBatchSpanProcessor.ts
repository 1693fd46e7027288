import { TraceFlags } from '@opentelemetry/api';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { GuardedSpanExporter } from './guardedSpanExporter';
import { SpanDropCounter } from './spanDropCounter';
import type { SpanDropCounts } from './spanDropCounter';
import type { Logger } from './structuredLogger';

export interface CountingBatchOptions {
  /** Spans waiting for export, at most; more are dropped and counted. Bounds memory during an outage. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  /** Deadline of one export (the flush deadline). */
  readonly exportTimeoutMillis: number;
  /** While exports fail, at most one probe export per interval reaches the collector. */
  readonly probeIntervalMs: number;
  readonly log: Logger;
}

/**
 * A BatchSpanProcessor whose losses are counted and logged once per outage episode.
 * The SDK's processor drops spans silently (a diag line at most) when its queue is
 * full, so this one enforces the same limit itself, before the SDK's queue can reach
 * it: the number waiting is the spans accepted minus those handed to the exporter.
 */
export class CountingBatchSpanProcessor extends BatchSpanProcessor {
  private readonly counter: SpanDropCounter;
  private readonly maxQueueSize: number;
  private stopped = false;

  constructor(exporter: SpanExporter, options: CountingBatchOptions) {
    const counter = new SpanDropCounter(options.log);
    const maxQueueSize = options.maxQueueSize;
    super(new GuardedSpanExporter(exporter, counter, { timeoutMs: options.exportTimeoutMillis, probeIntervalMs: options.probeIntervalMs }), {
      maxQueueSize,
      maxExportBatchSize: Math.min(options.maxExportBatchSize, maxQueueSize),
      exportTimeoutMillis: options.exportTimeoutMillis,
    });
    this.counter = counter;
    this.maxQueueSize = maxQueueSize;
  }

  override onEnd(span: ReadableSpan): void {
    // The same spans the SDK's processor would ignore are not counted.
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.counter.queued >= this.maxQueueSize) {
      this.counter.spanRefused();
      return;
    }
    this.counter.spanAccepted();
    super.onEnd(span);
  }

  override shutdown(): Promise<void> {
    this.stopped = true;
    return super.shutdown().finally(() => this.counter.reportOpenEpisode());
  }

  counts(): SpanDropCounts {
    return this.counter.counts();
  }
}
