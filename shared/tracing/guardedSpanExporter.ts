import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SpanDropCounter } from './spanDropCounter';

export interface GuardedSpanExporterOptions {
  /** An export that has not answered by then counts as failed (the flush deadline). */
  readonly timeoutMs: number;
  /** While exports fail, at most one probe export per interval; the others are dropped at once. */
  readonly probeIntervalMs: number;
  readonly now?: () => number;
}

/**
 * Wraps the real exporter so a collector outage costs requests as little as possible
 * and every lost span is counted:
 *
 * - every export answers within `timeoutMs`, even if the exporter never calls back
 *   (the Cloud Trace exporter has no deadline of its own);
 * - after a failure, only one export per `probeIntervalMs` goes to the collector, as a
 *   probe in the background: the flush that carried it is answered at once (failed), so
 *   no request waits on a collector already known to be failing, and a collector
 *   answering 429/503 is not hammered. The other exports fail at once. The first
 *   probe that succeeds ends the outage (its spans are delivered after all).
 */
export class GuardedSpanExporter implements SpanExporter {
  private probeInFlight = false;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(
    private readonly inner: SpanExporter,
    private readonly counter: SpanDropCounter,
    private readonly options: GuardedSpanExporterOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.counter.sentToExporter(spans.length);
    if (!this.counter.failing) {
      this.attempt(spans, resultCallback);
      return;
    }
    if (this.probeInFlight || this.now() - this.lastAttemptAt < this.options.probeIntervalMs) {
      const error = new Error('trace export skipped: the collector is failing and the next probe is not due yet');
      this.counter.exportFailed(spans.length, error.message);
      resultCallback({ code: ExportResultCode.FAILED, error });
      return;
    }
    this.probeInFlight = true;
    this.attempt(spans, () => {
      this.probeInFlight = false;
    });
    resultCallback({ code: ExportResultCode.FAILED, error: new Error('trace export failing: these spans went out as a probe in the background') });
  }

  /** One export that answers within the timeout, counted either way. */
  private attempt(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    // The probe interval runs from the last export that reached the exporter, probe or not.
    this.lastAttemptAt = this.now();
    let settled = false;
    const finish = (result: ExportResult): void => {
      // A late answer after the timeout is ignored: those spans were already counted lost.
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result.code === ExportResultCode.SUCCESS) this.counter.exportSucceeded(spans.length);
      else this.counter.exportFailed(spans.length, describe(result.error));
      done(result);
    };
    const timer = setTimeout(
      () => finish({ code: ExportResultCode.FAILED, error: new Error(`trace export did not answer within ${this.options.timeoutMs} ms`) }),
      this.options.timeoutMs,
    );
    timer.unref();
    try {
      this.inner.export(spans, finish);
    } catch (error) {
      finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

function describe(error: Error | undefined): string {
  if (error === undefined) return 'trace export failed';
  const code = (error as { code?: unknown }).code;
  return `trace export failed: ${error.message}${code !== undefined && !error.message.includes(String(code)) ? ` (${String(code)})` : ''}`;
}
