/** The X-Cloud-Trace-Context parser: one plain table, as the pure mapping it is; garbage never throws. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { CloudTraceContextReader, parseCloudTraceContext } from 'cloud-functions-otel-tracing/internal/cloudTraceContext';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const valid: ReadonlyArray<[string, { traceId: string; spanId: string; traceFlags: number }]> = [
  [`${TRACE_ID}/12345;o=1`, { traceId: TRACE_ID, spanId: '0000000000003039', traceFlags: 1 }],
  [`${TRACE_ID}/12345;o=0`, { traceId: TRACE_ID, spanId: '0000000000003039', traceFlags: 0 }],
  // No options: not sampled, as Cloud Trace reads it.
  [`${TRACE_ID}/12345`, { traceId: TRACE_ID, spanId: '0000000000003039', traceFlags: 0 }],
  [`${TRACE_ID.toUpperCase()}/1;o=3`, { traceId: TRACE_ID, spanId: '0000000000000001', traceFlags: 1 }],
  [`  ${TRACE_ID}/18446744073709551615;o=1 `, { traceId: TRACE_ID, spanId: 'ffffffffffffffff', traceFlags: 1 }],
];
for (const [value, expected] of valid) {
  test(`${JSON.stringify(value)} → ${expected.traceId}/${expected.spanId}/${expected.traceFlags}`, () => {
    assert.deepEqual(parseCloudTraceContext(value), { ...expected, isRemote: true });
  });
}

const garbage: readonly unknown[] = [
  undefined,
  null,
  42,
  '',
  'garbage',
  [`${TRACE_ID}/12345;o=1`, `${TRACE_ID}/999;o=0`],
  `${TRACE_ID}/12345;o=1, ${TRACE_ID}/999;o=0`,
  `${TRACE_ID}/abc;o=1`,
  `${TRACE_ID}/12345;o=1;o=0`,
  `${TRACE_ID}/12345;o=x`,
  `${'0'.repeat(32)}/12345;o=1`,
  `${TRACE_ID}/0;o=1`,
  `${TRACE_ID}/18446744073709551616;o=1`,
  `${TRACE_ID.slice(1)}/12345;o=1`,
  `${TRACE_ID}/${'9'.repeat(21)};o=1`,
];
for (const value of garbage) {
  test(`${JSON.stringify(value)} is not a trace context, and the reader leaves the context unchanged`, () => {
    assert.equal(parseCloudTraceContext(value), undefined);
    const context = new CloudTraceContextReader().extract(ROOT_CONTEXT, { 'x-cloud-trace-context': value }, defaultTextMapGetter);
    assert.equal(context, ROOT_CONTEXT);
  });
}

test('the reader writes nothing', () => {
  const carrier: Record<string, string> = {};
  const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: TRACE_ID, spanId: '0000000000003039', traceFlags: 1 });
  new CloudTraceContextReader().inject(context, carrier, defaultTextMapSetter);
  assert.deepEqual(carrier, {});
  assert.deepEqual(new CloudTraceContextReader().fields(), []);
});
