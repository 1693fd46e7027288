/**
 * The event function's boundary: what is acknowledged and what is retried. Unit test
 * with in-memory store fakes; the emulator-backed behaviour is in pipeline.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { loadConfig } from '../../shared/config';
import { DependencyError, PoisonMessageError } from '../../shared/errors';
import type { OrderStore } from '../../shared/orderStore';
import { InMemoryOrderStore } from '../support/inMemoryOrderStore';
import type { Dependencies } from '../../functions/dependencies';
import { processOrderHandler } from '../../functions/processOrder';
import type { MessagePublishedData } from 'cloud-functions-otel-tracing';

const config = loadConfig({ OTEL_TRACES_EXPORTER: 'none' }, []);

function depsWith(markProcessed: OrderStore['markProcessed']): Dependencies {
  return {
    config,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    store: Object.assign(new InMemoryOrderStore(), { markProcessed }),
    publisher: { publish: async () => '1' },
    newOrderId: () => 'o-1',
    now: () => new Date(),
  };
}

function event(data: unknown): CloudEvent<MessagePublishedData> {
  return {
    specversion: '1.0',
    id: 'm-1',
    type: 'google.cloud.pubsub.topic.v1.messagePublished',
    source: '//pubsub.googleapis.com/projects/p/topics/orders',
    data: { message: { data, messageId: 'm-1', publishTime: new Date().toISOString(), attributes: {} }, subscription: 'projects/p/subscriptions/s' },
  } as CloudEvent<MessagePublishedData>;
}

const orderData = Buffer.from(JSON.stringify({ orderId: 'o-1' })).toString('base64');

test('a transient Firestore failure is rethrown so Pub/Sub retries', async () => {
  const handler = processOrderHandler(depsWith(async () => {
    throw new DependencyError('firestore', 'firestore: mark_processed failed: unavailable', true);
  }));
  await assert.rejects(Promise.resolve(handler(event(orderData))), DependencyError);
});

test('an unknown order is acknowledged (the handler returns)', async () => {
  const handler = processOrderHandler(depsWith(async () => {
    throw new PoisonMessageError('order o-1 does not exist');
  }));
  await handler(event(orderData));
});

test('a message without data is acknowledged without touching the store', async () => {
  let calls = 0;
  const handler = processOrderHandler(depsWith(async () => {
    calls++;
    return 'processed';
  }));
  await handler(event(undefined));
  await handler({ ...event(orderData), data: undefined } as CloudEvent<MessagePublishedData>);
  assert.equal(calls, 0);
});

test('a good message marks its order', async () => {
  const seen: string[] = [];
  const handler = processOrderHandler(depsWith(async (orderId, messageId) => {
    seen.push(`${orderId}/${messageId}`);
    return 'processed';
  }));
  await handler(event(orderData));
  assert.deepEqual(seen, ['o-1/m-1']);
});
