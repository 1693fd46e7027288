/** The sweeper's domain function with in-memory fakes (the emulator-backed run is in test/functions/idempotency.test.ts). */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Order } from '../../../shared/order';
import { republishPending } from '../../../shared/orders/republishPending';
import { OrderWorld } from '../../support/orderWorld';

const ORIGINAL_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const ORIGINAL_SPAN = '00f067aa0ba902b7';
const T0 = Date.parse('2026-11-25T00:00:00Z');

const exporter = new InMemorySpanExporter();
// A context manager, so context.with() really carries the context to the publisher; spans recorded.
before(() => void new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register());

function order(orderId: string, createdAtMs: number, fields: Partial<Order> = {}): Order {
  return {
    orderId,
    customerId: 'c-1',
    items: [{ sku: 'a', quantity: 1, unitPrice: 1 }],
    currency: 'EUR',
    status: 'received',
    total: 1,
    itemCount: 1,
    createdAt: new Date(createdAtMs).toISOString(),
    traceId: ORIGINAL_TRACE,
    fingerprint: 'f',
    keyed: false,
    traceparent: `00-${ORIGINAL_TRACE}-${ORIGINAL_SPAN}-01`,
    published: false,
    ...fields,
  };
}

function seeded(...orders: Order[]): OrderWorld {
  const world = new OrderWorld();
  for (const o of orders) world.store.docs.set(o.orderId, o);
  world.nowMs = T0 + 120_000;
  return world;
}

test('publishes unpublished orders older than the grace period, each under a root span of its own linked to the span that accepted it', async () => {
  exporter.reset();
  const world = seeded(order('old', T0), order('young', T0 + 119_000), order('done', T0, { published: true, messageId: 'm-0' }));
  const ambient = trace.wrapSpanContext({ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 1 });
  // Neither the sweep's own context nor the stored one (its span may never have been exported) becomes the parent.
  const result = await context.with(trace.setSpan(context.active(), ambient), () =>
    republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false }),
  );
  assert.deepEqual(result, { found: 1, republished: ['old'], recordedOnly: [], failed: [] });
  assert.deepEqual(world.sent.map((s) => s.message.orderId), ['old']);
  const [root, ...others] = exporter.getFinishedSpans();
  assert.equal(others.length, 0);
  assert.equal(root?.name, 'republish order');
  assert.equal(root?.parentSpanContext, undefined, 'a root span');
  assert.deepEqual(root?.links.map((l) => [l.context.spanId, l.attributes?.['orders.link.kind']]), [[ORIGINAL_SPAN, 'accepted-by'], ['e'.repeat(16), 'sweep-pass']]);
  assert.equal(world.sent[0]!.parent?.spanId, root?.spanContext().spanId);
  const stored = world.store.docs.get('old');
  assert.equal(stored?.traceId, root?.spanContext().traceId, 'the order now lives in that trace');
  assert.equal(stored?.traceparent, `00-${root?.spanContext().traceId}-${root?.spanContext().spanId}-01`);
  assert.equal(world.store.docs.get('old')?.published, true);
  assert.equal(world.store.docs.get('young')?.published, false);
});

test('an order stored without trace context is published in a new trace, not the sweep\'s', async () => {
  const world = seeded(order('untraced', T0, { traceparent: undefined }), order('garbled', T0 + 1, { traceparent: 'garbage' }));
  const ambient = trace.wrapSpanContext({ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16), traceFlags: 1 });
  await context.with(trace.setSpan(context.active(), ambient), () => republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false }));
  assert.deepEqual(world.sent.map((s) => s.message.orderId), ['untraced', 'garbled']);
  const traces = world.sent.map((s) => s.parent?.traceId);
  assert.ok(traces.every((id) => id !== undefined && id !== 'f'.repeat(32) && id !== ORIGINAL_TRACE), traces.join());
  assert.notEqual(traces[0], traces[1], 'one trace per order');
});

test('a dry run lists and changes nothing', async () => {
  const world = seeded(order('a', T0), order('b', T0 + 1, { status: 'processed' }));
  const result = await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: true });
  assert.deepEqual(result, { found: 2, republished: ['a'], recordedOnly: ['b'], failed: [] });
  assert.equal(world.sent.length, 0);
  assert.equal(world.store.docs.get('a')?.published, false);
  assert.equal(world.store.docs.get('b')?.published, false);
});

test('an order already processed (only its publish record failed) is recorded, not sent again', async () => {
  const world = seeded(order('processed', T0, { status: 'processed', messageId: undefined }));
  const result = await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false });
  assert.deepEqual(result.recordedOnly, ['processed']);
  assert.equal(world.sent.length, 0);
  assert.equal(world.store.docs.get('processed')?.published, true);
});

test('one failed publish does not stop the others, and the failed order stays pending for the next run', async () => {
  const world = seeded(order('a', T0), order('b', T0 + 1));
  const deps = world.attempt();
  let calls = 0;
  const flaky = {
    ...deps,
    publisher: { publish: (...args: Parameters<typeof deps.publisher.publish>) => (++calls === 1 ? Promise.reject(new Error('unavailable')) : deps.publisher.publish(...args)) },
  };
  const seen: string[] = [];
  const result = await republishPending(flaky, { olderThanMs: 60_000, limit: 10, dryRun: false }, (id, outcome) => seen.push(`${id}:${outcome}`));
  assert.deepEqual(result.republished, ['b']);
  assert.deepEqual(result.failed, [{ orderId: 'a', error: 'unavailable' }]);
  assert.deepEqual(seen, ['a:failed', 'b:republished']);
  assert.equal(world.store.docs.get('a')?.published, false);
  const next = await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false });
  assert.deepEqual(next.republished, ['a']);
});

test('at most --limit orders per run, oldest first', async () => {
  const world = seeded(order('c', T0 + 2), order('a', T0), order('b', T0 + 1));
  const result = await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 2, dryRun: false });
  assert.deepEqual(result.republished, ['a', 'b']);
});
