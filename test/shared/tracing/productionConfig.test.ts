/**
 * The production-tracing settings of shared/tracing/tracingConfig.ts: exporter choice, Cloud Trace and
 * Telemetry API endpoints, sampler, attribute value length limit. (Kept apart from
 * test/shared/config.test.ts, which covers the rest of the configuration.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from 'cloud-functions-otel-tracing/internal/configError';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import type { TracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

test('defaults: a sampled parent or the trace-id ratio (1), 1024-character attribute values, Google endpoints', () => {
  const config = loadTracingConfig({}, []);
  assert.deepEqual(config.sampler, { name: 'sampled_parent_or_traceidratio', ratio: 1 });
  assert.equal(config.recordClientAddress, false);
  assert.equal(config.attributeValueLengthLimit, 1024);
  assert.equal(config.cloudTraceEndpoint, undefined);
  assert.equal(config.telemetryApiEndpoint, 'https://telemetry.googleapis.com:443');
});

const cases: ReadonlyArray<{ env: Record<string, string>; key: keyof TracingConfig; expected: unknown }> = [
  { env: { OTEL_TRACES_EXPORTER: 'gcp_otlp', GOOGLE_CLOUD_PROJECT: 'p' }, key: 'tracesExporter', expected: 'gcp_otlp' },
  { env: { OTEL_TRACES_EXPORTER: 'GCP_OTLP', GOOGLE_CLOUD_PROJECT: 'p' }, key: 'tracesExporter', expected: 'gcp_otlp' },
  { env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }, key: 'sampler', expected: { name: 'parentbased_traceidratio', ratio: 0.25 } },
  { env: { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }, key: 'sampler', expected: { name: 'traceidratio', ratio: 0 } },
  { env: { OTEL_TRACES_SAMPLER_ARG: '0.1' }, key: 'sampler', expected: { name: 'sampled_parent_or_traceidratio', ratio: 0.1 } },
  { env: { TRACE_CLIENT_ADDRESS: 'true' }, key: 'recordClientAddress', expected: true },
  { env: { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' }, key: 'sampler', expected: { name: 'parentbased_traceidratio', ratio: 1 } },
  // The argument means nothing to the other samplers, so it is not checked for them.
  { env: { OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: 'ignored' }, key: 'sampler', expected: { name: 'always_off', ratio: 1 } },
  { env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300' }, key: 'attributeValueLengthLimit', expected: 300 },
  { env: { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '300', OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '4096' }, key: 'attributeValueLengthLimit', expected: 4096 },
  { env: { CLOUD_TRACE_ENDPOINT: 'localhost:8443' }, key: 'cloudTraceEndpoint', expected: 'localhost:8443' },
  { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://telemetry.example:443' }, key: 'telemetryApiEndpoint', expected: 'https://telemetry.example:443' },
  {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://a:443', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b:443' },
    key: 'telemetryApiEndpoint',
    expected: 'https://b:443',
  },
];
for (const { env, key, expected } of cases) {
  test(`${JSON.stringify(env)} → ${key} = ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(loadTracingConfig(env, [])[key], expected);
  });
}

const bad: ReadonlyArray<[Record<string, string>, string]> = [
  [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER'],
  [{ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG'],
  [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, 'OTEL_TRACES_SAMPLER_ARG'],
  [{ OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: '0' }, 'OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
  [{ OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: 'long' }, 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
  [{ CLOUD_TRACE_ENDPOINT: 'https://cloudtrace.googleapis.com' }, 'CLOUD_TRACE_ENDPOINT'],
  [{ OTEL_TRACES_EXPORTER: 'gcp_trace_otlp' }, 'OTEL_TRACES_EXPORTER'],
  [{ TRACE_CLIENT_ADDRESS: 'yes' }, 'TRACE_CLIENT_ADDRESS'],
];
for (const [env, variable] of bad) {
  test(`${JSON.stringify(env)} is rejected naming ${variable}`, () => {
    assert.throws(
      () => loadTracingConfig(env, []),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
    );
  });
}
