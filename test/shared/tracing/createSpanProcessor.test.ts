import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import { createSpanProcessor } from 'cloud-functions-otel-tracing/internal/createSpanProcessor';

const cases: ReadonlyArray<[string, Record<string, string>, unknown]> = [
  ['console prints each span as it ends', { OTEL_TRACES_EXPORTER: 'console' }, SimpleSpanProcessor],
  ['otlp batches (flushed per invocation)', { OTEL_TRACES_EXPORTER: 'otlp' }, BatchSpanProcessor],
  ['otlp over HTTP batches too', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, BatchSpanProcessor],
  ['Cloud Trace batches', { OTEL_TRACES_EXPORTER: 'gcp', GOOGLE_CLOUD_PROJECT: 'demo-x' }, BatchSpanProcessor],
  ['the Telemetry API (OTLP) batches', { OTEL_TRACES_EXPORTER: 'gcp_otlp', GOOGLE_CLOUD_PROJECT: 'demo-x' }, BatchSpanProcessor],
];
for (const [name, env, kind] of cases) {
  test(name, async () => {
    const processor = createSpanProcessor(loadTracingConfig(env, []));
    assert.ok(processor instanceof (kind as typeof BatchSpanProcessor), `${name}: got ${processor?.constructor.name}`);
    await processor.shutdown();
  });
}

test('none records nothing', () => {
  assert.equal(createSpanProcessor(loadTracingConfig({ OTEL_TRACES_EXPORTER: 'none' }, [])), undefined);
});
