import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { CountingBatchSpanProcessor } from 'cloud-functions-otel-tracing/internal/countingBatchSpanProcessor';
import type { Logger } from 'cloud-functions-otel-tracing/internal/structuredLogger';

const MAX_QUEUE = 100;
const BATCH = 20;
const SPANS_PUSHED = 5000;

function recordingLogger() {
  const lines: { message: string; fields: Record<string, unknown> }[] = [];
  const log: Logger = {
    info: (message, fields = {}) => lines.push({ message, fields }),
    warn: (message, fields = {}) => lines.push({ message, fields }),
    error: (message, fields = {}) => lines.push({ message, fields }),
  };
  return { log, lines };
}

test('while the exporter hangs the queue never holds more than maxQueueSize; the rest is counted as dropped', async () => {
  const pending: { spans: number; done: (r: ExportResult) => void }[] = [];
  let healthy = false;
  const exporter: SpanExporter = {
    export: (spans: ReadableSpan[], done) => {
      if (healthy) done({ code: ExportResultCode.SUCCESS });
      else pending.push({ spans: spans.length, done }); // a collector that accepts and never answers
    },
    shutdown: () => Promise.resolve(),
  };
  const { log, lines } = recordingLogger();
  const processor = new CountingBatchSpanProcessor(exporter, {
    maxQueueSize: MAX_QUEUE,
    maxExportBatchSize: BATCH,
    exportTimeoutMillis: 60_000, // longer than the test: the hang is not cut short
    probeIntervalMs: 0,
    log,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('memory-bound');

  let maxQueued = 0;
  for (let i = 0; i < SPANS_PUSHED; i++) {
    tracer.startSpan(`span ${i}`).end();
    maxQueued = Math.max(maxQueued, processor.counts().queued);
    // Let the processor's timer and exports run now and then, as a busy instance would.
    if (i % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }

  const counts = processor.counts();
  assert.ok(maxQueued <= MAX_QUEUE, `queue reached ${maxQueued} spans`);
  assert.ok(counts.maxQueued <= MAX_QUEUE, `counter saw ${counts.maxQueued} queued`);
  assert.equal(counts.accepted + counts.queueDropped, SPANS_PUSHED, 'every span is either queued or counted as dropped');
  const inExport = pending.reduce((sum, p) => sum + p.spans, 0);
  assert.equal(counts.sentToExporter, inExport, 'what left the queue is exactly what the hanging exporter holds');
  assert.ok(inExport <= BATCH, `the hanging exporter holds ${inExport} spans: one batch, no pile-up`);
  assert.ok(counts.queueDropped >= SPANS_PUSHED - MAX_QUEUE - BATCH, `only ${counts.queueDropped} dropped`);
  assert.deepEqual(lines.map((l) => l.message), ['trace export failing; spans are dropped until it recovers']);
  assert.match(String(lines[0]!.fields.reason), /queue full/);

  // The collector comes back: the stuck export fails, the queue drains, the outage ends with its count.
  healthy = true;
  for (const p of pending) p.done({ code: ExportResultCode.FAILED, error: new Error('connection reset') });
  // The first batch goes out as a background probe, so this flush reports a failure.
  await provider.forceFlush().catch(() => undefined);
  tracer.startSpan('after recovery').end();
  await provider.forceFlush();
  const after = processor.counts();
  assert.equal(after.queued, 0);
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.message, 'trace export recovered');
  assert.equal(lines[1]!.fields.droppedSpans, after.queueDropped + after.exportDropped);
  assert.equal(after.exported + after.exportDropped + after.queueDropped, SPANS_PUSHED + 1, 'every span accounted for');
  await provider.shutdown();
});

test('an outage still going on at shutdown reports its count then', async () => {
  const { log, lines } = recordingLogger();
  const failing: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.FAILED, error: new Error('503 Service Unavailable') }),
    shutdown: () => Promise.resolve(),
  };
  const processor = new CountingBatchSpanProcessor(failing, { maxQueueSize: 10, maxExportBatchSize: 10, exportTimeoutMillis: 1000, probeIntervalMs: 0, log });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  for (let i = 0; i < 3; i++) provider.getTracer('t').startSpan('s').end();
  await provider.forceFlush().catch(() => undefined);
  await provider.shutdown();
  assert.deepEqual(
    lines.map((l) => [l.message, l.fields.droppedSpans]),
    [
      ['trace export failing; spans are dropped until it recovers', undefined],
      ['trace export still failing at shutdown', 3],
    ],
  );
});
