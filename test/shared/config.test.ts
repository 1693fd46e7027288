import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../shared/config';

test('defaults off the platform', () => {
  const config = loadConfig({}, ['node', 'main.js', '--target=createOrder']);
  assert.equal(config.projectId, 'demo-orders');
  assert.equal(config.ordersTopic, 'orders');
  assert.equal(config.ordersCollection, 'orders');
  assert.equal(config.serviceName, 'createOrder');
  assert.equal(config.tracesExporter, 'otlp');
  assert.equal(config.sdkDisabled, false);
  assert.equal(config.flushTimeoutMs, 3000);
  assert.equal(config.onGcp, false);
  assert.equal(config.maxBodyBytes, 65536);
  assert.ok(Object.isFrozen(config));
});

test('on Cloud Run functions the exporter defaults to Cloud Trace and the service to K_SERVICE', () => {
  const config = loadConfig({ K_SERVICE: 'create-order', K_REVISION: 'create-order-001' }, []);
  assert.equal(config.tracesExporter, 'gcp');
  assert.equal(config.serviceName, 'create-order');
  assert.equal(config.onGcp, true);
});

const cases: ReadonlyArray<{ env: Record<string, string>; key: keyof ReturnType<typeof loadConfig>; expected: unknown }> = [
  { env: { OTEL_SERVICE_NAME: 'svc', K_SERVICE: 'k' }, key: 'serviceName', expected: 'svc' },
  { env: { FUNCTION_TARGET: 'processOrder' }, key: 'serviceName', expected: 'processOrder' },
  { env: { GOOGLE_CLOUD_PROJECT: 'p1' }, key: 'projectId', expected: 'p1' },
  { env: { ORDERS_TOPIC: 'orders-v2' }, key: 'ordersTopic', expected: 'orders-v2' },
  { env: { OTEL_TRACES_EXPORTER: 'console' }, key: 'tracesExporter', expected: 'console' },
  { env: { OTEL_TRACES_EXPORTER: 'NONE' }, key: 'tracesExporter', expected: 'none' },
  { env: { OTEL_TRACES_EXPORTER: 'google_cloud_trace' }, key: 'tracesExporter', expected: 'gcp' },
  { env: { OTEL_TRACES_EXPORTER: 'otlp,console' }, key: 'tracesExporter', expected: 'otlp' },
  { env: { OTEL_SDK_DISABLED: 'true' }, key: 'sdkDisabled', expected: true },
  { env: { OTEL_SDK_DISABLED: 'false' }, key: 'sdkDisabled', expected: false },
  { env: { FLUSH_TIMEOUT_MS: '250' }, key: 'flushTimeoutMs', expected: 250 },
  { env: {}, key: 'otlpProtocol', expected: 'grpc' },
  { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, key: 'otlpProtocol', expected: 'http' },
  { env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, key: 'otlpProtocol', expected: 'http' },
  { env: { FIRESTORE_ENABLE_TRACING: 'on' }, key: 'firestoreLibrarySpans', expected: true },
  { env: {}, key: 'firestoreLibrarySpans', expected: false },
];
for (const { env, key, expected } of cases) {
  test(`${JSON.stringify(env)} → ${key} = ${String(expected)}`, () => {
    assert.equal(loadConfig(env, [])[key], expected);
  });
}

const bad: ReadonlyArray<[Record<string, string>, string]> = [
  [{ OTEL_TRACES_EXPORTER: 'zipkin' }, 'OTEL_TRACES_EXPORTER'],
  [{ FLUSH_TIMEOUT_MS: '0' }, 'FLUSH_TIMEOUT_MS'],
  [{ FLUSH_TIMEOUT_MS: 'soon' }, 'FLUSH_TIMEOUT_MS'],
  [{ ORDERS_TOPIC: 'a/b' }, 'ORDERS_TOPIC'],
  [{ OTEL_SDK_DISABLED: 'maybe' }, 'OTEL_SDK_DISABLED'],
  [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, 'OTEL_EXPORTER_OTLP_PROTOCOL'],
];
for (const [env, variable] of bad) {
  test(`${JSON.stringify(env)} is rejected naming ${variable}`, () => {
    assert.throws(
      () => loadConfig(env, []),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
    );
  });
}
