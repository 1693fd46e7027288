/**
 * runInvocation / startInvocation: the heart of the library. A real NodeTracerProvider
 * (context propagation, the invocation span tracker first) over an in-memory exporter,
 * and a Tracing whose flush is recorded, so each case sees what was ended and flushed,
 * and in which order, in both flush modes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InvocationSpanTracker } from 'cloud-functions-otel-tracing/internal/invocationSpans';
import { runInvocation, startInvocation } from 'cloud-functions-otel-tracing/internal/runInvocation';
import type { InvocationSpec } from 'cloud-functions-otel-tracing/internal/runInvocation';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import type { FlushMode } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new InvocationSpanTracker(), new SimpleSpanProcessor(exporter)] });
const SPEC: InvocationSpec = { name: 'GET /', kind: SpanKind.SERVER, parent: ROOT_CONTEXT, attributes: { 'faas.trigger': 'http' } };

// The library's timers are unref()ed (they must not keep an idle instance alive); a server
// socket keeps a function's event loop running, this keeps the test's.
let keepAlive: NodeJS.Timeout;

before(() => {
  provider.register();
  keepAlive = setInterval(() => undefined, 1000);
});

after(() => clearInterval(keepAlive));

/** A Tracing over the test provider; `events` records span ends and flushes in order. */
function tracingFor(flushMode: FlushMode, events: string[], enabled = true): Tracing {
  return {
    enabled,
    tracer: provider.getTracer('under-test'),
    flushTimeoutMs: 400,
    flushMode,
    config: loadTracingConfig({ FLUSH_MODE: flushMode }, []),
    flush: (timeoutMs) => {
      events.push(`flush(${timeoutMs! <= 400 ? '<=deadline' : 'too long'}) after ${exporter.getFinishedSpans().map((s) => s.name).join(',')}`);
      return Promise.resolve('flushed');
    },
    shutdown: () => Promise.resolve(),
  };
}

test('the first invocation in the process is the cold start, the next ones are not', async () => {
  exporter.reset();
  const tracing = tracingFor('before-response', []);
  await runInvocation(tracing, SPEC, async () => undefined);
  await runInvocation(tracing, SPEC, async () => undefined);
  assert.deepEqual(exporter.getFinishedSpans().map((s) => s.attributes['faas.coldstart']), [true, false]);
});

test('before-response: the work runs under the span, every span has ended before the one flush, then it resolves', async () => {
  exporter.reset();
  const events: string[] = [];
  const result = await runInvocation(tracingFor('before-response', events), SPEC, async (span) => {
    assert.equal(trace.getActiveSpan(), span, 'the invocation span is active in the work');
    provider.getTracer('t').startSpan('child').end();
    return 42;
  });
  assert.equal(result, 42);
  assert.deepEqual(events, ['flush(<=deadline) after child,GET /']);
  assert.equal(exporter.getFinishedSpans()[0]!.parentSpanContext?.spanId, exporter.getFinishedSpans()[1]!.spanContext().spanId);
});

test('before-response: a span the work left open is ended (and marked) before the flush', async () => {
  exporter.reset();
  const events: string[] = [];
  await runInvocation(tracingFor('before-response', events), SPEC, async () => {
    provider.getTracer('t').startSpan('left open');
  });
  assert.deepEqual(events, ['flush(<=deadline) after GET /,left open']);
  assert.equal(exporter.getFinishedSpans()[1]!.attributes['gcf_tracing.span.ended_at_invocation_end'], true);
});

test('work that throws: recorded on the span, flushed, and rethrown', async () => {
  exporter.reset();
  const events: string[] = [];
  await assert.rejects(
    runInvocation(tracingFor('before-response', events), SPEC, async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  const [span] = exporter.getFinishedSpans();
  assert.equal(span!.status.code, SpanStatusCode.ERROR);
  assert.equal(span!.status.message, 'boom');
  assert.equal(span!.events[0]!.name, 'exception');
  assert.equal(events.length, 1, 'flushed once');
});

test('background: finish() resolves without a flush; a straggler is still ended after the grace', async () => {
  exporter.reset();
  const events: string[] = [];
  const started = startInvocation(tracingFor('background', events), SPEC);
  provider.getTracer('t').startSpan('straggler', {}, started.context);
  await started.finish();
  assert.deepEqual(events, [], 'nothing flushed on the request path');
  assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['GET /']);
  for (let i = 0; i < 40 && exporter.getFinishedSpans().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  assert.deepEqual(exporter.getFinishedSpans().map((s) => s.name), ['GET /', 'straggler']);
});

test('finish() runs once: later calls share the first one', async () => {
  exporter.reset();
  const events: string[] = [];
  const started = startInvocation(tracingFor('before-response', events), SPEC);
  const first = started.finish();
  assert.equal(started.finish(), first);
  await first;
  assert.equal(events.length, 1);
  assert.equal(exporter.getFinishedSpans().length, 1);
});

test('tracing disabled: nothing is flushed', async () => {
  exporter.reset();
  const events: string[] = [];
  await runInvocation(tracingFor('before-response', events, false), SPEC, async () => undefined);
  assert.deepEqual(events, []);
});

test('an invocation the sampler left out (the caller said not sampled) flushes nothing and does not wait', async () => {
  exporter.reset();
  const events: string[] = [];
  const tracing = tracingFor('before-response', events);
  const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 0, isRemote: true });
  // The test provider samples every root; a parent-based sampler follows the caller.
  const { ParentBasedSampler, AlwaysOnSampler } = await import('@opentelemetry/sdk-trace-base');
  const parentBased = new NodeTracerProvider({ sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }), spanProcessors: [new InvocationSpanTracker(), new SimpleSpanProcessor(exporter)] });
  const result = await runInvocation({ ...tracing, tracer: parentBased.getTracer('under-test') }, { ...SPEC, parent: unsampled }, async () => 'answered');
  assert.equal(result, 'answered');
  assert.deepEqual(events, [], 'no flush');
  assert.deepEqual(exporter.getFinishedSpans(), []);
  const sampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: 1, isRemote: true });
  await runInvocation({ ...tracing, tracer: parentBased.getTracer('under-test') }, { ...SPEC, parent: sampled }, async () => undefined);
  assert.equal(events.length, 1, 'a sampled one still flushes');
});
