/** The settings createOrder's idempotency and trust rules read (shared/config.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../shared/config';

test('defaults: continue the caller\'s trace, 30 s in flight', () => {
  const config = loadConfig({}, []);
  assert.equal(config.tracing.traceIncomingContext, 'continue');
  assert.equal(config.idempotencyInFlightMs, 30_000);
});

test('the in-flight window follows DEPENDENCY_TIMEOUT_MS unless set', () => {
  assert.equal(loadConfig({ DEPENDENCY_TIMEOUT_MS: '2000' }, []).idempotencyInFlightMs, 6000);
  assert.equal(loadConfig({ DEPENDENCY_TIMEOUT_MS: '2000', IDEMPOTENCY_IN_FLIGHT_MS: '4500' }, []).idempotencyInFlightMs, 4500);
});

test('TRACE_INCOMING_CONTEXT and IDEMPOTENCY_IN_FLIGHT_MS are read', () => {
  const config = loadConfig({ TRACE_INCOMING_CONTEXT: 'Link', IDEMPOTENCY_IN_FLIGHT_MS: '5000' }, []);
  assert.equal(config.tracing.traceIncomingContext, 'link');
  assert.equal(config.idempotencyInFlightMs, 5000);
});

test('request read limits: 10 s for headers, 30 s for the whole request, unless set', () => {
  const defaults = loadConfig({}, []);
  assert.deepEqual([defaults.headersTimeoutMs, defaults.requestTimeoutMs], [10_000, 30_000]);
  const set = loadConfig({ REQUEST_HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000' }, []);
  assert.deepEqual([set.headersTimeoutMs, set.requestTimeoutMs], [1000, 2000]);
});

const bad: ReadonlyArray<[string, string]> = [
  ['TRACE_INCOMING_CONTEXT', 'trust'],
  ['REQUEST_TIMEOUT_MS', '0'],
  ['REQUEST_HEADERS_TIMEOUT_MS', 'soon'],
  ['IDEMPOTENCY_IN_FLIGHT_MS', '0'],
  ['IDEMPOTENCY_IN_FLIGHT_MS', 'soon'],
];

for (const [variable, value] of bad) {
  test(`${variable}=${value} stops start-up, naming the variable`, () => {
    assert.throws(() => loadConfig({ [variable]: value }, []), (error: unknown) => error instanceof ConfigError && error.variable === variable);
  });
}
