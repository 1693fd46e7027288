import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JaegerTraceLike } from '../../../scripts/load/jaegerTrace';
import { verifyOrders } from '../../../scripts/load/verifyOrders';
import type { TraceLookup } from '../../../scripts/load/verifyOrders';

const ORDER = { orderId: 'o-1', traceId: 'a'.repeat(32), clientSpanId: 'c'.repeat(16) };

function fullTrace(result = 'processed'): JaegerTraceLike {
  const s = (spanID: string, parent: string | undefined, tags: Record<string, string>) => ({
    traceID: ORDER.traceId,
    spanID,
    operationName: spanID,
    references: parent ? [{ refType: 'CHILD_OF', spanID: parent }] : [],
    processID: 'p1',
    startTime: 0,
    duration: 1000,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  });
  return {
    traceID: ORDER.traceId,
    spans: [
      s(ORDER.clientSpanId, undefined, { 'span.kind': 'client' }),
      s('server', ORDER.clientSpanId, { 'span.kind': 'server' }),
      s('db1', 'server', { 'span.kind': 'client', 'db.system.name': 'x' }),
      s('rpc1', 'db1', { 'span.kind': 'client', 'rpc.system': 'grpc' }),
      s('prod', 'server', { 'span.kind': 'producer', 'messaging.system': 'gcp_pubsub' }),
      s('cons', 'prod', { 'span.kind': 'consumer', 'orders.result': result }),
      s('db2', 'cons', { 'span.kind': 'client', 'db.system.name': 'x' }),
      s('rpc2', 'db2', { 'span.kind': 'client', 'rpc.system': 'grpc' }),
    ],
  };
}

test('polls until the trace is complete and the order processed', async () => {
  let calls = 0;
  const fetchTrace = (): Promise<TraceLookup> => {
    calls++;
    return Promise.resolve({ trace: calls < 3 ? undefined : fullTrace() });
  };
  const [v] = await verifyOrders([ORDER], { fetchTrace, readStatuses: () => Promise.resolve(new Map([['o-1', 'processed']])) }, { waitMs: 5_000, pollMs: 1 });
  assert.equal(calls, 3);
  assert.equal(v!.check.complete, true);
  assert.equal(v!.processed, true);
});

test('gives up at the wait bound and says what is missing', async () => {
  let calls = 0;
  const [v] = await verifyOrders(
    [ORDER],
    { fetchTrace: () => (calls++, Promise.resolve({ trace: undefined })), readStatuses: () => Promise.resolve(new Map([['o-1', 'received']])) },
    { waitMs: 30, pollMs: 10 },
  );
  assert.ok(calls >= 1 && calls <= 5, `calls ${calls}`);
  assert.equal(v!.processed, false);
  assert.deepEqual(v!.check.missing, ['trace not found', 'order status is "received", not "processed"']);
});

test('without Firestore, "processed" comes from the consumer span tag', async () => {
  const [ok] = await verifyOrders([ORDER], { fetchTrace: () => Promise.resolve({ trace: fullTrace() }), readStatuses: undefined }, { waitMs: 0 });
  assert.equal(ok!.processed, true);
  const [rejected] = await verifyOrders([ORDER], { fetchTrace: () => Promise.resolve({ trace: fullTrace('rejected') }), readStatuses: undefined }, { waitMs: 0 });
  assert.equal(rejected!.processed, false);
  assert.match(rejected!.check.missing.join(), /orders.result=processed/);
});

test('a failing trace query is a reason, not an exception', async () => {
  const [v] = await verifyOrders(
    [ORDER],
    { fetchTrace: () => Promise.resolve({ error: 'ECONNREFUSED' }), readStatuses: () => Promise.reject(new Error('firestore down')) },
    { waitMs: 0 },
  );
  assert.deepEqual(v!.check.missing, ['trace query failed: ECONNREFUSED', 'order status unknown: firestore down']);
});
