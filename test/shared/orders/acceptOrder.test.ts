import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyError, ValidationError } from '../../../shared/errors';
import type { Order, OrderMessage } from '../../../shared/order';
import type { OrderPublisher } from '../../../shared/orderPublisher';
import type { OrderStore } from '../../../shared/orderStore';
import { acceptOrder } from '../../../shared/orders/acceptOrder';
import type { AcceptOrderDeps } from '../../../shared/orders/acceptOrder';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const valid = { customerId: 'c-1', items: [{ sku: 'a', quantity: 2, unitPrice: 9.5 }, { sku: 'b', quantity: 1, unitPrice: 0.1 }], currency: 'EUR' };

/** In-memory store and publisher (unit tests only; integration tests use the emulators). */
function fakes(options: { publishFails?: boolean } = {}) {
  const docs = new Map<string, Order>();
  const published: OrderMessage[] = [];
  const store: OrderStore = {
    create: async (order) => void docs.set(order.orderId, order),
    remove: async (orderId) => void docs.delete(orderId),
    markProcessed: async () => 'processed',
  };
  const publisher: OrderPublisher = {
    publish: async (message) => {
      if (options.publishFails) throw new DependencyError('pubsub', 'pubsub: publish failed: unavailable', true);
      published.push(message);
      return String(published.length);
    },
  };
  const logged: string[] = [];
  const deps: AcceptOrderDeps = {
    store,
    publisher,
    log: { info: (m) => logged.push(m), warn: (m) => logged.push(m), error: (m) => logged.push(m) },
    newOrderId: () => 'order-1',
    now: () => new Date('2026-11-25T00:00:00Z'),
  };
  return { docs, published, deps };
}

test('stores the order as received with totals and the trace id, then publishes it', async () => {
  const { docs, published, deps } = fakes();
  assert.deepEqual(await acceptOrder(valid, TRACE_ID, deps), { orderId: 'order-1', messageId: '1' });
  assert.deepEqual(docs.get('order-1'), {
    orderId: 'order-1',
    ...valid,
    status: 'received',
    total: 19.1,
    itemCount: 3,
    createdAt: '2026-11-25T00:00:00.000Z',
    traceId: TRACE_ID,
  });
  assert.deepEqual(published, [{ orderId: 'order-1', customerId: 'c-1', total: 19.1, currency: 'EUR', itemCount: 3 }]);
});

test('invalid input writes and publishes nothing', async () => {
  const { docs, published, deps } = fakes();
  await assert.rejects(acceptOrder({ customerId: 'c-1' }, TRACE_ID, deps), ValidationError);
  assert.equal(docs.size, 0);
  assert.equal(published.length, 0);
});

test('a publish failure removes the stored order and surfaces which dependency failed', async () => {
  const { docs, deps } = fakes({ publishFails: true });
  await assert.rejects(acceptOrder(valid, TRACE_ID, deps), (error: unknown) => error instanceof DependencyError && error.dependency === 'pubsub');
  assert.equal(docs.size, 0);
});
