/**
 * The samplers, through a real tracer provider: the default follows a sampled caller and
 * decides an unsampled one (Google's front end's rate-limited flag) by the trace-id
 * ratio, so the publisher and the consumer of one order always decide alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createSampler } from 'cloud-functions-otel-tracing/internal/createSampler';
import type { SamplerName } from 'cloud-functions-otel-tracing/internal/tracingConfig';

const SPAN_ID = '00f067aa0ba902b7';

function tracerWith(name: SamplerName, ratio: number) {
  return new BasicTracerProvider({ sampler: createSampler({ name, ratio }) }).getTracer('test');
}

/** Whether a span started under a remote parent with this flag (or none) is recorded. */
function recorded(tracer: ReturnType<typeof tracerWith>, traceId: string, flag: TraceFlags | undefined): boolean {
  const parent = flag === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: SPAN_ID, traceFlags: flag, isRemote: true });
  const span = tracer.startSpan('server', {}, parent);
  const sampled = span.isRecording();
  span.end();
  return sampled;
}

const cases: ReadonlyArray<{ name: SamplerName; ratio: number; flag: TraceFlags | undefined; expected: boolean }> = [
  // The default: every order, whatever the front end's flag says.
  { name: 'sampled_parent_or_traceidratio', ratio: 1, flag: TraceFlags.NONE, expected: true },
  { name: 'sampled_parent_or_traceidratio', ratio: 1, flag: TraceFlags.SAMPLED, expected: true },
  { name: 'sampled_parent_or_traceidratio', ratio: 1, flag: undefined, expected: true },
  // Ratio 0: only a caller that records its side.
  { name: 'sampled_parent_or_traceidratio', ratio: 0, flag: TraceFlags.NONE, expected: false },
  { name: 'sampled_parent_or_traceidratio', ratio: 0, flag: undefined, expected: false },
  { name: 'sampled_parent_or_traceidratio', ratio: 0, flag: TraceFlags.SAMPLED, expected: true },
  // The standard parent-based sampler (the old behaviour) follows the flag either way.
  { name: 'parentbased_traceidratio', ratio: 1, flag: TraceFlags.NONE, expected: false },
  { name: 'parentbased_always_on', ratio: 1, flag: TraceFlags.NONE, expected: false },
  { name: 'always_on', ratio: 1, flag: TraceFlags.NONE, expected: true },
  { name: 'always_off', ratio: 1, flag: TraceFlags.SAMPLED, expected: false },
];
for (const { name, ratio, flag, expected } of cases) {
  const parent = flag === undefined ? 'no parent' : flag === TraceFlags.SAMPLED ? 'sampled parent' : 'unsampled parent';
  test(`${name} (ratio ${ratio}), ${parent}: ${expected ? 'recorded' : 'not recorded'}`, () => {
    assert.equal(recorded(tracerWith(name, ratio), randomBytes(16).toString('hex'), flag), expected);
  });
}

test('ratio 0.5: the consumer, under the flag the publisher sent, decides exactly as the publisher did', () => {
  const tracer = tracerWith('sampled_parent_or_traceidratio', 0.5);
  let kept = 0;
  for (let i = 0; i < 400; i++) {
    const traceId = randomBytes(16).toString('hex');
    // createOrder: the front end's unsampled flag; processOrder: the flag createOrder's message carries.
    const publisher = recorded(tracer, traceId, TraceFlags.NONE);
    const consumer = recorded(tracer, traceId, publisher ? TraceFlags.SAMPLED : TraceFlags.NONE);
    assert.equal(consumer, publisher, `trace ${traceId}: one decision per trace`);
    if (publisher) kept++;
  }
  assert.ok(kept > 120 && kept < 280, `about half kept (${kept} of 400)`);
});
