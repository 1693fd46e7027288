/** The library's own settings (shared/tracing/tracingConfig.ts): standard OTEL_* plus the pack's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from 'cloud-functions-otel-tracing/internal/configError';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import type { TracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

test('defaults off the platform', () => {
  const config = loadTracingConfig({}, ['node', 'main.js', '--target=createOrder']);
  assert.equal(config.serviceName, 'createOrder');
  assert.equal(config.tracesExporter, 'otlp');
  assert.equal(config.sdkDisabled, false);
  assert.equal(config.flushTimeoutMs, 3000);
  assert.equal(config.flushMode, 'before-response');
  assert.equal(config.traceIncomingContext, 'continue');
  assert.equal(config.onGcp, false);
  assert.equal(config.projectId, undefined, 'no silent default project');
  assert.ok(Object.isFrozen(config));
});

test('no order settings and no order names', () => {
  const config = loadTracingConfig({ ORDERS_TOPIC: 'x' }, []);
  assert.equal(config.serviceName, 'unknown_service:node');
  assert.ok(!JSON.stringify(config).includes('orders'));
});

test("on Cloud Run functions the exporter defaults to OTLP to Google's Telemetry API, the project to the platform's, the service to K_SERVICE", () => {
  const config = loadTracingConfig({ K_SERVICE: 'create-order', K_REVISION: 'create-order-001' }, []);
  assert.equal(config.tracesExporter, 'gcp_otlp');
  // Left to Application Default Credentials (the metadata server) when the platform does not set it.
  assert.equal(config.projectId, undefined);
  assert.equal(config.serviceName, 'create-order');
  assert.equal(config.onGcp, true);
});

const cases: ReadonlyArray<{ env: Record<string, string>; key: keyof TracingConfig; expected: unknown }> = [
  { env: { OTEL_SERVICE_NAME: 'svc', K_SERVICE: 'k' }, key: 'serviceName', expected: 'svc' },
  { env: { FUNCTION_TARGET: 'processOrder' }, key: 'serviceName', expected: 'processOrder' },
  { env: { GOOGLE_CLOUD_PROJECT: 'p1' }, key: 'projectId', expected: 'p1' },
  { env: { GCLOUD_PROJECT: 'p2' }, key: 'projectId', expected: 'p2' },
  { env: { OTEL_TRACES_EXPORTER: 'console' }, key: 'tracesExporter', expected: 'console' },
  { env: { OTEL_TRACES_EXPORTER: 'NONE' }, key: 'tracesExporter', expected: 'none' },
  { env: { OTEL_TRACES_EXPORTER: 'google_cloud_trace', GOOGLE_CLOUD_PROJECT: 'p' }, key: 'tracesExporter', expected: 'gcp' },
  { env: { OTEL_TRACES_EXPORTER: 'gcp', K_SERVICE: 'k', K_REVISION: 'k-1' }, key: 'tracesExporter', expected: 'gcp' },
  { env: { OTEL_TRACES_EXPORTER: 'gcp_otlp', OTEL_SDK_DISABLED: 'true' }, key: 'sdkDisabled', expected: true },
  { env: { OTEL_TRACES_EXPORTER: 'otlp,console' }, key: 'tracesExporter', expected: 'otlp' },
  { env: { OTEL_SDK_DISABLED: 'true' }, key: 'sdkDisabled', expected: true },
  { env: { OTEL_SDK_DISABLED: 'false' }, key: 'sdkDisabled', expected: false },
  { env: { FLUSH_TIMEOUT_MS: '250' }, key: 'flushTimeoutMs', expected: 250 },
  { env: { FLUSH_MODE: 'background' }, key: 'flushMode', expected: 'background' },
  { env: { FLUSH_MODE: 'Before-Response' }, key: 'flushMode', expected: 'before-response' },
  { env: { TRACE_INCOMING_CONTEXT: 'Link' }, key: 'traceIncomingContext', expected: 'link' },
  { env: {}, key: 'otlpProtocol', expected: 'http/protobuf' },
  { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, key: 'otlpProtocol', expected: 'grpc' },
  { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'HTTP/JSON' }, key: 'otlpProtocol', expected: 'http/json' },
  { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, key: 'otlpProtocol', expected: 'http/json' },
];
for (const { env, key, expected } of cases) {
  test(`${JSON.stringify(env)} → ${key} = ${String(expected)}`, () => {
    assert.equal(loadTracingConfig(env, [])[key], expected);
  });
}

for (const exporter of ['gcp', 'gcp_otlp']) {
  test(`off Google Cloud, OTEL_TRACES_EXPORTER=${exporter} without a project stops start-up with one line naming GOOGLE_CLOUD_PROJECT`, () => {
    assert.throws(
      () => loadTracingConfig({ OTEL_TRACES_EXPORTER: exporter }, []),
      (error: unknown) => error instanceof ConfigError && error.variable === 'GOOGLE_CLOUD_PROJECT' && !error.message.includes('\n') && error.message.includes(exporter),
    );
  });
}

const bad: ReadonlyArray<[Record<string, string>, string]> = [
  [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
  [{ FLUSH_TIMEOUT_MS: '0' }, 'FLUSH_TIMEOUT_MS'],
  [{ FLUSH_TIMEOUT_MS: 'soon' }, 'FLUSH_TIMEOUT_MS'],
  [{ FLUSH_MODE: 'later' }, 'FLUSH_MODE'],
  [{ TRACE_INCOMING_CONTEXT: 'trust' }, 'TRACE_INCOMING_CONTEXT'],
  [{ OTEL_SDK_DISABLED: 'maybe' }, 'OTEL_SDK_DISABLED'],
  [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
];
for (const [env, variable] of bad) {
  test(`${JSON.stringify(env)} is rejected naming ${variable}`, () => {
    assert.throws(
      () => loadTracingConfig(env, []),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
    );
  });
}
