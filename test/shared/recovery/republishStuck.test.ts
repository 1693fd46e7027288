import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Order } from '../../../shared/order';
import { republishStuck } from '../../../shared/recovery/republishStuck';
import { InMemoryOrderStore } from '../../support/inMemoryOrderStore';

const NOW = new Date('2026-11-30T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
const base = { customerId: 'c', items: [], currency: 'EUR', total: 1, itemCount: 1, createdAt: '2026-11-30T11:00:00.000Z', traceId: 't', fingerprint: 'f', keyed: false } as const;

test('only published orders still received after the threshold are republished, and their publish time moves on', async () => {
  const store = new InMemoryOrderStore();
  const orders: Order[] = [
    { ...base, orderId: 'old-received', status: 'received', published: true, publishedAt: '2026-11-30T11:40:00.000Z' },
    { ...base, orderId: 'young-received', status: 'received', published: true, publishedAt: '2026-11-30T11:59:00.000Z' },
    { ...base, orderId: 'old-processed', status: 'processed', published: true, publishedAt: '2026-11-30T11:40:00.000Z' },
    { ...base, orderId: 'unpublished', status: 'received', published: false },
  ];
  for (const order of orders) await store.create(order);
  const sent: string[] = [];
  const deps = { store, publisher: { publish: async (m: { orderId: string }) => (sent.push(m.orderId), 'm-2') }, log: silent, now: () => NOW };
  const result = await republishStuck(deps, { stuckAfterMs: 10 * 60_000, limit: 100, dryRun: false });
  assert.deepEqual(sent, ['old-received']);
  assert.deepEqual(result, { found: 1, republished: ['old-received'], failed: [] });
  assert.equal(store.docs.get('old-received')?.publishedAt, NOW.toISOString());
  // The next pass right away finds nothing: it waits the threshold again.
  assert.equal((await republishStuck(deps, { stuckAfterMs: 10 * 60_000, limit: 100, dryRun: false })).found, 0);
});
