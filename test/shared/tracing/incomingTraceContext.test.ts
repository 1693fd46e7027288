import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOT_CONTEXT, propagation, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { CloudTraceContextReader } from 'cloud-functions-otel-tracing/internal/cloudTraceContext';
import { incomingParent } from 'cloud-functions-otel-tracing/internal/incomingTraceContext';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const headers = { traceparent: `00-${TRACE_ID}-${SPAN_ID}-01`, baggage: 'user.email=alice%40example.com' };

// A baggage propagator is registered here on purpose: the drop must not depend on the
// functions happening not to register one.
before(() => {
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new CloudTraceContextReader(), new W3CBaggagePropagator()] }),
  );
  assert.ok(propagation.getBaggage(propagation.extract(ROOT_CONTEXT, headers)), 'the propagator does read baggage');
});
after(() => propagation.disable());

test('continue: the caller\'s span is the parent, no links', () => {
  const { parent, links } = incomingParent(headers, 'continue');
  assert.equal(trace.getSpanContext(parent)?.traceId, TRACE_ID);
  assert.equal(trace.getSpanContext(parent)?.spanId, SPAN_ID);
  assert.deepEqual(links, []);
});

test('link: a new root with one link to the caller\'s span', () => {
  const { parent, links } = incomingParent(headers, 'link');
  assert.equal(parent, ROOT_CONTEXT);
  assert.equal(links.length, 1);
  assert.equal(links[0]!.context.traceId, TRACE_ID);
  assert.equal(links[0]!.context.spanId, SPAN_ID);
  assert.deepEqual(links[0]!.attributes, { 'gcf_tracing.link.kind': 'caller' });
});

for (const mode of ['continue', 'link'] as const) {
  test(`${mode}: incoming baggage is dropped`, () => {
    assert.equal(propagation.getBaggage(incomingParent(headers, mode).parent), undefined);
  });

  test(`${mode}: garbage or no context gives a root and no link, never an exception`, () => {
    for (const bad of [{}, { traceparent: 'garbage' }, { traceparent: `00-${'0'.repeat(32)}-${SPAN_ID}-01` }, { traceparent: ['a', 'b'] }]) {
      const { parent, links } = incomingParent(bad, mode);
      assert.equal(trace.getSpanContext(parent), undefined, JSON.stringify(bad));
      assert.deepEqual(links, []);
    }
  });
}

const CLOUD = `${TRACE_ID}/12345;o=1`;

test('X-Cloud-Trace-Context, one well-formed value: followed as the parent', () => {
  const parent = trace.getSpanContext(incomingParent({ 'x-cloud-trace-context': CLOUD }, 'continue').parent);
  assert.equal(parent?.traceId, TRACE_ID);
  assert.equal(parent?.traceFlags, 1);
});

for (const [name, value] of [
  ['duplicated (an array)', [CLOUD, `${TRACE_ID}/999;o=0`]],
  ['comma-joined (as Node joins a duplicate)', `${CLOUD}, ${TRACE_ID}/999;o=0`],
  ['comma-joined, unsampled first', `${TRACE_ID}/999;o=0,${CLOUD}`],
  ['malformed span id', `${TRACE_ID}/abc;o=1`],
  ['malformed options', `${TRACE_ID}/12345;o=1;o=0`],
] as const) {
  test(`X-Cloud-Trace-Context ${name} is invalid: a new root (sampled by our sampler), never an unsampled parent`, () => {
    for (const mode of ['continue', 'link'] as const) {
      const { parent, links } = incomingParent({ 'x-cloud-trace-context': value }, mode);
      assert.equal(trace.getSpanContext(parent), undefined, `${mode}: ${JSON.stringify(value)}`);
      assert.deepEqual(links, []);
    }
  });
}
