import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { extractFromAttributes, injectIntoAttributes, parseTraceparent } from 'cloud-functions-otel-tracing/internal/messageContext';

const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };

test('inject then extract round-trips the span context', () => {
  const attributes = injectIntoAttributes(trace.setSpanContext(ROOT_CONTEXT, spanContext));
  assert.equal(attributes.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  assert.equal(attributes.googclient_traceparent, attributes.traceparent);
  assert.deepEqual(extractFromAttributes(attributes), { ...spanContext, isRemote: true });
});

test('no active span injects nothing', () => {
  assert.deepEqual(injectIntoAttributes(ROOT_CONTEXT), {});
});

test("the Pub/Sub library's googclient_traceparent is accepted", () => {
  const extracted = extractFromAttributes({ googclient_traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  assert.equal(extracted?.spanId, 'b7ad6b7169203331');
});

test('traceparent wins over googclient_traceparent', () => {
  const extracted = extractFromAttributes({
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    googclient_traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
  });
  assert.equal(extracted?.traceId, '0af7651916cd43dd8448eb211c80319c');
});

test('a malformed traceparent falls back to a valid googclient_traceparent', () => {
  const extracted = extractFromAttributes({
    traceparent: 'garbage',
    googclient_traceparent: '00-11111111111111111111111111111111-2222222222222222-01',
  });
  assert.equal(extracted?.traceId, '11111111111111111111111111111111');
});

const garbage: ReadonlyArray<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['a string', 'traceparent'],
  ['no keys', {}],
  ['nonsense', { traceparent: 'not-a-traceparent' }],
  ['all-zero trace id', { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }],
  ['all-zero span id', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01' }],
  ['a number value', { traceparent: 42 }],
  ['truncated', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad' }],
];
for (const [name, attributes] of garbage) {
  test(`garbage context (${name}) yields no parent and does not throw`, () => {
    assert.equal(extractFromAttributes(attributes), undefined);
  });
}

test('parseTraceparent reads a CloudEvent traceparent extension', () => {
  assert.equal(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')?.spanId, 'b7ad6b7169203331');
  assert.equal(parseTraceparent(undefined), undefined);
  assert.equal(parseTraceparent('x'), undefined);
});
