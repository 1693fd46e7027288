import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ENDED_AT_INVOCATION_END, Invocation, InvocationSpanTracker } from 'cloud-functions-otel-tracing/internal/invocationSpans';

// The deadline timers are unref()ed (they must not keep an idle instance alive); in a
// function the server holds the event loop open, here this handle does.
let keepAlive: NodeJS.Timeout;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));

function setup() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new InvocationSpanTracker(), new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('test') };
}

test('spans started under an invocation are tracked until they end', async () => {
  const { tracer } = setup();
  const invocation = new Invocation();
  const ctx = invocation.attachTo(ROOT_CONTEXT);
  const a = tracer.startSpan('a', {}, ctx);
  const b = tracer.startSpan('b', {}, ctx);
  tracer.startSpan('elsewhere').end();
  assert.equal(invocation.openSpanCount, 2);
  a.end();
  setTimeout(() => b.end(), 5);
  assert.equal(await invocation.settle(1000), 0, 'b ended within the grace period');
  assert.equal(invocation.openSpanCount, 0);
});

test('a span still open after the grace period is ended, marked and exported', async () => {
  const { tracer, exporter } = setup();
  const invocation = new Invocation();
  tracer.startSpan('leaky', {}, invocation.attachTo(ROOT_CONTEXT));
  assert.equal(await invocation.settle(5), 1);
  const [span] = exporter.getFinishedSpans();
  assert.equal(span?.name, 'leaky');
  assert.equal(span?.attributes[ENDED_AT_INVOCATION_END], true);
});
