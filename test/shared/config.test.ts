import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../shared/config';

test('defaults off the platform', () => {
  const config = loadConfig({}, ['node', 'main.js', '--target=createOrder']);
  assert.equal(config.projectId, 'demo-orders');
  assert.equal(config.ordersTopic, 'orders');
  assert.equal(config.ordersCollection, 'orders');
  assert.equal(config.maxBodyBytes, 65536);
  assert.ok(Object.isFrozen(config));
});

test('the tracing settings are the library\'s, read from the same environment', () => {
  const config = loadConfig({ FLUSH_TIMEOUT_MS: '250' }, ['node', 'main.js', '--target=createOrder']);
  assert.equal(config.tracing.flushTimeoutMs, 250);
  assert.equal(config.tracing.serviceName, 'createOrder');
  assert.equal('flushTimeoutMs' in config, false, 'the app config holds order settings only');
});

const cases: ReadonlyArray<{ env: Record<string, string>; key: keyof ReturnType<typeof loadConfig>; expected: unknown }> = [
  { env: { GOOGLE_CLOUD_PROJECT: 'p1' }, key: 'projectId', expected: 'p1' },
  { env: { ORDERS_TOPIC: 'orders-v2' }, key: 'ordersTopic', expected: 'orders-v2' },
  { env: { FIRESTORE_ENABLE_TRACING: 'on' }, key: 'firestoreLibrarySpans', expected: true },
  { env: {}, key: 'firestoreLibrarySpans', expected: false },
];
for (const { env, key, expected } of cases) {
  test(`${JSON.stringify(env)} → ${key} = ${String(expected)}`, () => {
    assert.equal(loadConfig(env, [])[key], expected);
  });
}

const bad: ReadonlyArray<[Record<string, string>, string]> = [
  [{ ORDERS_TOPIC: 'a/b' }, 'ORDERS_TOPIC'],
  // A bad tracing setting stops the app's start-up too.
  [{ FLUSH_TIMEOUT_MS: '0' }, 'FLUSH_TIMEOUT_MS'],
];
for (const [env, variable] of bad) {
  test(`${JSON.stringify(env)} is rejected naming ${variable}`, () => {
    assert.throws(
      () => loadConfig(env, []),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(variable),
    );
  });
}
