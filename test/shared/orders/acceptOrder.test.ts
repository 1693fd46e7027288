/**
 * The order intake's outbox and idempotency rules with in-memory fakes and a fault
 * injected at each step (the emulator-backed proof is test/functions/idempotency.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyError, ValidationError } from '../../../shared/errors';
import { IdempotencyConflictError, OrderInFlightError, OrderNotPublishedError, OrderOutcomeUnknownError } from '../../../shared/orders/acceptErrors';
import { acceptOrder } from '../../../shared/orders/acceptOrder';
import type { AcceptedOrder, AcceptOrderDeps } from '../../../shared/orders/acceptOrder';
import { orderIdForKey } from '../../../shared/orders/idempotencyKey';
import { republishPending } from '../../../shared/orders/republishPending';
import { Crash, OrderWorld } from '../../support/orderWorld';
import type { Fault } from '../../support/orderWorld';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const RETRY_TRACE_ID = '1bf7651916cd43dd8448eb211c80319c';
const KEY = 'key-7f9c2ba4-e88f-11ee-a4f5-325096b39f47';
const IN_FLIGHT_MS = 30_000;
const valid = { customerId: 'c-1', items: [{ sku: 'a', quantity: 2, unitPrice: 9.5 }, { sku: 'b', quantity: 1, unitPrice: 0.1 }], currency: 'EUR' };

function depsOf(world: OrderWorld, fault?: Fault, extra: Partial<AcceptOrderDeps> = {}): AcceptOrderDeps {
  return { ...world.attempt(fault), inFlightMs: IN_FLIGHT_MS, sleep: async () => undefined, ...extra };
}

function accept(world: OrderWorld, options: { key?: string; body?: unknown; traceId?: string; fault?: Fault; deps?: Partial<AcceptOrderDeps> } = {}) {
  return acceptOrder({ body: options.body ?? valid, idempotencyKey: options.key, traceId: options.traceId ?? TRACE_ID }, depsOf(world, options.fault, options.deps));
}

test('stores the order as received and unpublished, publishes it, then records the publish', async () => {
  const world = new OrderWorld();
  const accepted = await accept(world);
  assert.deepEqual(accepted, { orderId: 'order-1', traceId: TRACE_ID, messageId: 'm-1', outcome: 'created' });
  const { fingerprint, ...stored } = world.store.docs.get('order-1')!;
  assert.match(fingerprint, /^[0-9a-f]{64}$/);
  assert.deepEqual(stored, {
    orderId: 'order-1',
    ...valid,
    status: 'received',
    total: 19.1,
    itemCount: 3,
    createdAt: '2026-11-25T00:00:00.000Z',
    traceId: TRACE_ID,
    keyed: false,
    published: true,
    publishedAt: '2026-11-25T00:00:00.000Z',
    messageId: 'm-1',
  });
  assert.deepEqual(world.sent.map((s) => s.message), [{ orderId: 'order-1', customerId: 'c-1', total: 19.1, currency: 'EUR', itemCount: 3 }]);
});

test('invalid input writes and publishes nothing, with or without a key', async () => {
  const world = new OrderWorld();
  await assert.rejects(accept(world, { body: { customerId: 'c-1' } }), ValidationError);
  await assert.rejects(accept(world, { body: { customerId: 'c-1' }, key: KEY }), ValidationError);
  assert.equal(world.store.docs.size, 0);
  assert.equal(world.sent.length, 0);
});

test('a key names one order: the same body again gets the first answer, and nothing new is written or sent', async () => {
  const world = new OrderWorld();
  const first = await accept(world, { key: KEY });
  assert.equal(first.orderId, orderIdForKey(KEY));
  world.nowMs += 61_000;
  // Same order, other JSON key order: the fingerprint is of the validated order, not the bytes.
  const reordered = { currency: 'EUR', items: valid.items.map(({ unitPrice, quantity, sku }) => ({ unitPrice, quantity, sku })), customerId: 'c-1' };
  const again = await accept(world, { key: KEY, body: reordered, traceId: RETRY_TRACE_ID });
  assert.deepEqual(again, { ...first, outcome: 'replayed' });
  assert.equal(world.store.docs.size, 1);
  assert.equal(world.sent.length, 1);
});

test('the same key with another order is refused and changes nothing', async () => {
  const world = new OrderWorld();
  await accept(world, { key: KEY });
  const before = structuredClone(world.store.docs.get(orderIdForKey(KEY)));
  for (const body of [{ ...valid, currency: 'USD' }, { ...valid, customerId: 'c-2' }, { ...valid, items: [{ sku: 'a', quantity: 3, unitPrice: 9.5 }] }]) {
    await assert.rejects(accept(world, { key: KEY, body }), IdempotencyConflictError);
  }
  assert.deepEqual(world.store.docs.get(orderIdForKey(KEY)), before);
  assert.equal(world.sent.length, 1);
});

test('without a key every request is a new order', async () => {
  const world = new OrderWorld();
  const a = await accept(world);
  const b = await accept(world);
  assert.notEqual(a.orderId, b.orderId);
  assert.equal(world.store.docs.size, 2);
});

test('20 concurrent requests with one key: one order, one message, every answer the same order', async () => {
  const world = new OrderWorld();
  // The winner's publish takes a while, so the others find the order unpublished and wait for it.
  const deps = (): AcceptOrderDeps => ({ ...world.attempt(undefined, 20), inFlightMs: IN_FLIGHT_MS });
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => acceptOrder({ body: valid, idempotencyKey: KEY, traceId: `${i}`.padStart(32, 'a') }, deps())));
  assert.equal(world.store.docs.size, 1);
  assert.equal(world.sent.length, 1);
  assert.equal(new Set(answers.map((a) => `${a.orderId}/${a.traceId}`)).size, 1);
  assert.deepEqual(answers.map((a) => a.outcome).sort(), ['created', ...Array(19).fill('replayed')]);
});

test('a duplicate that finds the first request still at work waits for it, then answers 409 (in flight)', async () => {
  const world = new OrderWorld();
  await assert.rejects(accept(world, { key: KEY, fault: { step: 'create', kind: 'crash-after' } }), Crash);
  let sleeps = 0;
  await assert.rejects(accept(world, { key: KEY, deps: { duplicateWaitMs: 500, sleep: async () => void sleeps++ } }), OrderInFlightError);
  assert.equal(sleeps, 9, 'polled for the wait, then gave up');
  assert.equal(world.sent.length, 0);
});

interface FaultCase {
  readonly fault: Fault;
  /** What the first attempt does. */
  readonly first: 'rejects' | 'accepted';
  readonly firstError?: new (...args: never[]) => Error;
  /** Documents and messages right after the first attempt. */
  readonly docs: number;
  readonly sent: number;
  /** The retry needs the first request to be out of flight (no failure flag was written). */
  readonly retryAfterInFlight: boolean;
  readonly retryOutcome: AcceptedOrder['outcome'];
}

const faultCases: FaultCase[] = [
  { fault: { step: 'create', kind: 'fail' }, first: 'rejects', firstError: OrderOutcomeUnknownError, docs: 0, sent: 0, retryAfterInFlight: false, retryOutcome: 'created' },
  { fault: { step: 'create', kind: 'crash-before' }, first: 'rejects', firstError: Crash, docs: 0, sent: 0, retryAfterInFlight: false, retryOutcome: 'created' },
  { fault: { step: 'create', kind: 'crash-after' }, first: 'rejects', firstError: Crash, docs: 1, sent: 0, retryAfterInFlight: true, retryOutcome: 'completed' },
  { fault: { step: 'publish', kind: 'fail' }, first: 'rejects', firstError: OrderNotPublishedError, docs: 1, sent: 0, retryAfterInFlight: false, retryOutcome: 'completed' },
  { fault: { step: 'publish', kind: 'crash-before' }, first: 'rejects', docs: 1, sent: 0, retryAfterInFlight: true, retryOutcome: 'completed' },
  { fault: { step: 'publish', kind: 'crash-after' }, first: 'rejects', docs: 1, sent: 1, retryAfterInFlight: true, retryOutcome: 'completed' },
  { fault: { step: 'markPublished', kind: 'fail' }, first: 'accepted', docs: 1, sent: 1, retryAfterInFlight: true, retryOutcome: 'completed' },
  { fault: { step: 'markPublished', kind: 'crash-before' }, first: 'accepted', docs: 1, sent: 1, retryAfterInFlight: true, retryOutcome: 'completed' },
];

for (const c of faultCases) {
  test(`fault at ${c.fault.step} (${c.fault.kind}): a retry with the key completes it, one order, processed once`, async () => {
    const world = new OrderWorld();
    const first = accept(world, { key: KEY, fault: c.fault });
    if (c.first === 'accepted') assert.equal((await first).outcome, 'created', '2xx: stored and published; only the record is missing');
    else await assert.rejects(first, c.firstError ?? Error);
    assert.equal(world.store.docs.size, c.docs, 'documents after the fault');
    assert.equal(world.sent.length, c.sent, 'messages after the fault');
    if (c.docs > 0) assert.equal(world.store.docs.get(orderIdForKey(KEY))?.published, false, 'kept, unpublished');

    if (c.retryAfterInFlight) world.nowMs += IN_FLIGHT_MS;
    const retry = await accept(world, { key: KEY, traceId: RETRY_TRACE_ID });
    assert.equal(retry.orderId, orderIdForKey(KEY));
    assert.equal(retry.outcome, c.retryOutcome);
    // A first request that stored the order keeps its trace; a first one that stored nothing leaves the retry's.
    assert.equal(retry.traceId, c.docs > 0 ? TRACE_ID : RETRY_TRACE_ID);
    assert.equal(world.store.docs.size, 1);
    assert.equal(world.store.docs.get(retry.orderId)?.published, true);
    const replay = await accept(world, { key: KEY });
    assert.equal(replay.outcome, 'replayed');

    await world.deliver();
    assert.deepEqual(world.store.effects, [retry.orderId], 'processed exactly once, however many messages went out');
  });
}

test('a publish failure without a key keeps the order; the sweeper publishes it and it is processed once', async () => {
  const world = new OrderWorld();
  const failed = await accept(world, { fault: { step: 'publish', kind: 'fail' } }).catch((error: unknown) => error);
  assert.ok(failed instanceof OrderNotPublishedError);
  assert.equal(failed.keyed, false);
  assert.equal(world.store.docs.get(failed.orderId)?.published, false);
  assert.ok(world.store.docs.get(failed.orderId)?.publishFailedAt, 'flagged');

  world.nowMs += 61_000;
  const swept = await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false });
  assert.deepEqual(swept.republished, [failed.orderId]);
  assert.equal(world.store.docs.get(failed.orderId)?.published, true);
  await world.deliver();
  assert.deepEqual(world.store.effects, [failed.orderId]);
});

test('published but not recorded: the answer is 2xx, and the sweeper\'s second message has no second effect', async () => {
  const world = new OrderWorld();
  const accepted = await accept(world, { fault: { step: 'markPublished', kind: 'fail' } });
  assert.equal(accepted.outcome, 'created');
  world.nowMs += 61_000;
  await republishPending(world.attempt(), { olderThanMs: 60_000, limit: 10, dryRun: false });
  assert.equal(world.sent.length, 2);
  await world.deliver();
  assert.deepEqual(world.store.effects, [accepted.orderId]);
});

test('a write that times out has an unknown outcome: the error names the order id; a refused write does not', async () => {
  for (const [error, expected] of [
    [new DependencyError('firestore', 'firestore: create did not answer within 10000 ms', true), OrderOutcomeUnknownError],
    [new DependencyError('firestore', 'firestore: create failed: 7 PERMISSION_DENIED', false), DependencyError],
  ] as const) {
    const world = new OrderWorld();
    const deps = depsOf(world);
    const rejected = acceptOrder(
      { body: valid, idempotencyKey: undefined, traceId: TRACE_ID },
      { ...deps, store: { ...deps.store, create: () => Promise.reject(error) } },
    );
    await assert.rejects(rejected, (thrown: unknown) => {
      assert.ok(thrown instanceof expected, String(thrown));
      if (thrown instanceof OrderOutcomeUnknownError) {
        assert.equal(thrown.orderId, 'order-1');
        assert.equal(thrown.keyed, false);
      }
      return true;
    });
    assert.equal(world.sent.length, 0);
  }
});
