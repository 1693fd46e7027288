import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOT_CONTEXT, defaultTextMapGetter, defaultTextMapSetter, trace } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { CloudTraceContextReader } from 'cloud-functions-otel-tracing/internal/cloudTraceContext';
import { FallbackPropagator } from 'cloud-functions-otel-tracing/internal/fallbackPropagator';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
// The same trace, another span: 12345 is 0x3039.
const CLOUD = '4bf92f3577b34da6a3ce929d0e0e4736/12345;o=1';

/** The X-Cloud-Trace-Context reader, counting how often it is asked to read. */
function countingCloud(): { propagator: TextMapPropagator; reads: () => number } {
  const inner = new CloudTraceContextReader();
  let reads = 0;
  return {
    propagator: {
      inject: (context, carrier, setter) => inner.inject(context, carrier, setter),
      extract: (context: Context, carrier: unknown, getter: TextMapGetter) => {
        reads++;
        return inner.extract(context, carrier, getter);
      },
      fields: () => inner.fields(),
    },
    reads: () => reads,
  };
}

function extracted(headers: Record<string, string>): { ids: string | undefined; cloudReads: number } {
  const cloud = countingCloud();
  const context = new FallbackPropagator(new W3CTraceContextPropagator(), cloud.propagator).extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const span = trace.getSpanContext(context);
  return { ids: span && `${span.traceId}/${span.spanId}/${span.traceFlags}`, cloudReads: cloud.reads() };
}

test('with a valid traceparent, W3C wins and the legacy header is not even parsed', () => {
  assert.deepEqual(extracted({ traceparent: TRACEPARENT, 'x-cloud-trace-context': CLOUD }), { ids: '0af7651916cd43dd8448eb211c80319c/b7ad6b7169203331/1', cloudReads: 0 });
});

test('with only X-Cloud-Trace-Context, the caller still continues its trace', () => {
  assert.deepEqual(extracted({ 'x-cloud-trace-context': CLOUD }), { ids: '4bf92f3577b34da6a3ce929d0e0e4736/0000000000003039/1', cloudReads: 1 });
});

test('a malformed traceparent falls back to a valid X-Cloud-Trace-Context, as the composite did', () => {
  assert.equal(extracted({ traceparent: '00-zz-yy-01', 'x-cloud-trace-context': CLOUD }).ids, '4bf92f3577b34da6a3ce929d0e0e4736/0000000000003039/1');
});

test('neither header: no parent', () => {
  assert.equal(extracted({}).ids, undefined);
});

test('writes traceparent only, never the legacy header', () => {
  const context = trace.setSpanContext(ROOT_CONTEXT, { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
  const carrier: Record<string, string> = {};
  const propagator = new FallbackPropagator(new W3CTraceContextPropagator(), new CloudTraceContextReader());
  propagator.inject(context, carrier, defaultTextMapSetter);
  assert.deepEqual(carrier, { traceparent: TRACEPARENT });
  assert.deepEqual(propagator.fields(), new W3CTraceContextPropagator().fields());
});
