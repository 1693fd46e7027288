import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { GuardedSpanExporter } from 'cloud-functions-otel-tracing/internal/guardedSpanExporter';
import { SpanDropCounter } from 'cloud-functions-otel-tracing/internal/spanDropCounter';
import type { Logger } from 'cloud-functions-otel-tracing/internal/structuredLogger';

const SPANS = [{}, {}, {}] as unknown as ReadableSpan[];

/** An exporter that answers each export as `next` says: success, failure, or never. */
function scriptedExporter() {
  const state = { next: 'fail' as 'ok' | 'fail' | 'hang', calls: 0, pending: [] as ((r: ExportResult) => void)[] };
  const exporter: SpanExporter = {
    export: (_spans, done) => {
      state.calls++;
      if (state.next === 'ok') done({ code: ExportResultCode.SUCCESS });
      else if (state.next === 'fail') done({ code: ExportResultCode.FAILED, error: new Error('14 UNAVAILABLE: connect ECONNREFUSED') });
      else state.pending.push(done);
    },
    shutdown: () => Promise.resolve(),
  };
  return { exporter, state };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log: Logger = {
    info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
  };
  return { log, lines };
}

function exportOnce(exporter: SpanExporter): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(SPANS, resolve));
}

test('an outage is logged once when it starts and once when it ends, with the spans lost', async () => {
  let now = 0;
  const { exporter, state } = scriptedExporter();
  const { log, lines } = recordingLogger();
  const counter = new SpanDropCounter(log, () => now);
  const guarded = new GuardedSpanExporter(exporter, counter, { timeoutMs: 1000, probeIntervalMs: 100, now: () => now });

  const results: ExportResultCode[] = [];
  for (let i = 0; i < 25; i++) {
    now += 10; // every 10 ms: one probe per 100 ms reaches the exporter
    results.push((await exportOnce(guarded)).code);
  }
  assert.ok(results.every((code) => code === ExportResultCode.FAILED));
  assert.equal(state.calls, 3, 'the first export (10 ms), then one probe per 100 ms (110, 210 ms)');
  assert.deepEqual(
    lines.map((l) => l.message),
    ['trace export failing; spans are dropped until it recovers'],
    'one line for the whole outage, not one per export',
  );
  assert.match(String(lines[0]!.fields.reason), /ECONNREFUSED/);

  // The collector is back: the next probe (sent in the background; its flush is not held) succeeds.
  state.next = 'ok';
  now += 100;
  await exportOnce(guarded);
  assert.equal(lines.length, 2);
  assert.equal(lines[1]!.message, 'trace export recovered');
  assert.equal(lines[1]!.fields.droppedSpans, 25 * SPANS.length);
  assert.equal(lines[1]!.fields.failedExports, 25);
  assert.equal(lines[1]!.fields.outageMs, 340);
  assert.deepEqual(
    { ...counter.counts() },
    { accepted: 0, queueDropped: 0, sentToExporter: 78, exported: 3, exportDropped: 75, queued: -78, maxQueued: 0, episodes: 1 },
  );

  // Healthy again: every export goes through, nothing more is logged.
  for (let i = 0; i < 5; i++) assert.equal((await exportOnce(guarded)).code, ExportResultCode.SUCCESS);
  assert.equal(state.calls, 9);
  assert.equal(lines.length, 2);
});

test('an export that never answers fails at the deadline; its late answer changes nothing', async () => {
  const { exporter, state } = scriptedExporter();
  state.next = 'hang';
  const { log, lines } = recordingLogger();
  const counter = new SpanDropCounter(log);
  const guarded = new GuardedSpanExporter(exporter, counter, { timeoutMs: 50, probeIntervalMs: 10_000 });

  // The guard's timer is unref()ed (it must not keep an idle instance alive); this one keeps the test alive.
  const keepAlive = setTimeout(() => undefined, 5000);
  const result = await exportOnce(guarded);
  clearTimeout(keepAlive);
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.match(String(result.error?.message), /did not answer within 50 ms/);
  assert.equal(counter.counts().exportDropped, SPANS.length);

  state.pending[0]!({ code: ExportResultCode.SUCCESS }); // the collector answers, too late
  assert.equal(counter.counts().exported, 0);
  assert.deepEqual(lines.map((l) => l.message), ['trace export failing; spans are dropped until it recovers']);

  // Within the probe interval nothing reaches the hanging exporter: the flush is not held.
  assert.equal((await exportOnce(guarded)).code, ExportResultCode.FAILED);
  assert.equal(state.calls, 1);
});

test('a probe to a hanging collector does not hold the flush, and one at a time is sent', async () => {
  let now = 0;
  const { exporter, state } = scriptedExporter();
  const { log, lines } = recordingLogger();
  const counter = new SpanDropCounter(log, () => now);
  const guarded = new GuardedSpanExporter(exporter, counter, { timeoutMs: 60_000, probeIntervalMs: 100, now: () => now });
  await exportOnce(guarded); // fails: the outage begins
  state.next = 'hang';
  now += 100;
  // Answered without waiting for the hanging collector (no timer could have fired yet).
  assert.equal((await exportOnce(guarded)).code, ExportResultCode.FAILED);
  assert.equal(state.calls, 2, 'the probe went out');
  now += 1000;
  await exportOnce(guarded);
  assert.equal(state.calls, 2, 'no second probe while one is outstanding');
  state.pending[0]!({ code: ExportResultCode.SUCCESS }); // the collector answers the probe
  assert.deepEqual(lines.map((l) => l.message), ['trace export failing; spans are dropped until it recovers', 'trace export recovered']);
  assert.equal(counter.counts().exported, SPANS.length, "the probe's spans were delivered");
  state.next = 'ok';
  assert.equal((await exportOnce(guarded)).code, ExportResultCode.SUCCESS);
});

test('an exporter that throws is a failed export, not a crash', async () => {
  const counter = new SpanDropCounter(recordingLogger().log);
  const throwing: SpanExporter = {
    export: () => {
      throw new Error('boom');
    },
    shutdown: () => Promise.resolve(),
  };
  const guarded = new GuardedSpanExporter(throwing, counter, { timeoutMs: 1000, probeIntervalMs: 0 });
  const result = await exportOnce(guarded);
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.equal(counter.counts().exportDropped, SPANS.length);
});
