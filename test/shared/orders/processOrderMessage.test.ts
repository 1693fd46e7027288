import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyError, PoisonMessageError } from '../../../shared/errors';
import { processOrderMessage } from '../../../shared/orders/processOrderMessage';
import type { OrderStore } from '../../../shared/orderStore';

const data = Buffer.from(JSON.stringify({ orderId: 'order-1' })).toString('base64');
const now = () => new Date('2026-11-30T00:00:00Z');

function storeFailingWith(error: Error): OrderStore {
  const fail = () => Promise.reject(error);
  return { create: fail, get: fail, markPublished: fail, markPublishFailed: fail, listUnpublished: fail, listStuck: fail, markProcessed: fail };
}

test('a store failure a retry can fix is rethrown (Pub/Sub redelivers)', async () => {
  const error = new DependencyError('firestore', 'firestore: mark_processed did not answer within 10000 ms', true);
  await assert.rejects(processOrderMessage(data, 'm-1', { store: storeFailingWith(error), now }), (thrown) => thrown === error);
});

test('INVALID_ARGUMENT from the store is poison: acknowledged and recorded, never retried', async () => {
  const error = new DependencyError('firestore', 'firestore: mark_processed failed: 3 INVALID_ARGUMENT: Resource id "__x__" is invalid', false);
  await assert.rejects(
    processOrderMessage(data, 'm-1', { store: storeFailingWith(error), now }),
    (thrown: unknown) => thrown instanceof PoisonMessageError && /refused by the store: .*INVALID_ARGUMENT/.test(thrown.message),
  );
});
