import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DependencyError } from '../../../shared/errors';
import type { Order } from '../../../shared/order';
import type { DeadLetter, DeadLetterSource } from '../../../shared/recovery/deadLetterSource';
import { drainDeadLetters } from '../../../shared/recovery/drainDeadLetters';
import { InMemoryOrderStore } from '../../support/inMemoryOrderStore';

const NOW = new Date('2026-11-30T12:00:00Z');
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

class FakeDeadLetters implements DeadLetterSource {
  readonly acked: string[] = [];
  readonly nacked: string[] = [];
  constructor(private pending: DeadLetter[]) {}
  async pull(max: number): Promise<DeadLetter[]> {
    const batch = this.pending.slice(0, max);
    this.pending = this.pending.slice(max);
    return batch;
  }
  async ack(ids: readonly string[]) {
    this.acked.push(...ids);
  }
  async nack(ids: readonly string[]) {
    this.nacked.push(...ids);
  }
}

function order(orderId: string, fields: Partial<Order> = {}): Order {
  return {
    orderId,
    customerId: 'c',
    items: [{ sku: 's', quantity: 1, unitPrice: 1 }],
    currency: 'EUR',
    status: 'received',
    total: 1,
    itemCount: 1,
    createdAt: '2026-11-30T11:00:00.000Z',
    traceId: '0af7651916cd43dd8448eb211c80319c',
    fingerprint: 'f',
    keyed: false,
    published: true,
    publishedAt: '2026-11-30T11:00:01.000Z',
    ...fields,
  };
}

const letter = (ackId: string, data: unknown, publishTime = '2026-11-30T11:05:00.000Z'): DeadLetter => ({
  ackId,
  messageId: `m-${ackId}`,
  data: typeof data === 'string' ? data : Buffer.from(JSON.stringify(data)).toString('base64'),
  attributes: { CloudPubSubDeadLetterSourceDeliveryCount: '5' },
  publishTime,
});

test('each dead letter gets its outcome: republished, already processed, superseded, recorded; all acknowledged', async () => {
  const store = new InMemoryOrderStore();
  await store.create(order('stuck'));
  await store.create(order('done', { status: 'processed' }));
  await store.create(order('newer', { publishedAt: '2026-11-30T11:10:00.000Z' }));
  const source = new FakeDeadLetters([
    letter('1', { orderId: 'stuck' }),
    letter('2', { orderId: 'done' }),
    letter('3', { orderId: 'newer' }),
    letter('4', { orderId: '__x__' }),
    letter('5', { orderId: 'gone' }),
    letter('6', 'not base64!'),
  ]);
  const sent: string[] = [];
  const errors: string[] = [];
  const result = await drainDeadLetters(
    { store, deadLetters: source, publisher: { publish: async (m) => (sent.push(m.orderId), `new-${m.orderId}`) }, log: { ...silent, error: (m) => errors.push(m) }, now: () => NOW },
    { limit: 100, dryRun: false },
  );
  assert.deepEqual(sent, ['stuck']);
  assert.equal(store.docs.get('stuck')?.messageId, 'new-stuck', 'the republish is recorded, so the stuck pass waits again');
  assert.deepEqual(result.republished, ['stuck']);
  assert.deepEqual(result.alreadyProcessed, ['done']);
  assert.deepEqual(result.superseded, ['newer']);
  assert.deepEqual(result.recorded.map((r) => r.messageId), ['m-4', 'm-5', 'm-6']);
  assert.equal(errors.filter((m) => m.startsWith('dead letter cannot be processed')).length, 3, 'what no retry fixes is recorded');
  assert.deepEqual(source.acked.sort(), ['1', '2', '3', '4', '5', '6']);
  assert.deepEqual(source.nacked, []);
});

test('a failing publish keeps the dead letter for the next pass (handed back, not acknowledged)', async () => {
  const store = new InMemoryOrderStore();
  await store.create(order('stuck'));
  const source = new FakeDeadLetters([letter('1', { orderId: 'stuck' })]);
  const result = await drainDeadLetters(
    { store, deadLetters: source, publisher: { publish: () => Promise.reject(new DependencyError('pubsub', 'pubsub: down', true)) }, log: silent, now: () => NOW },
    { limit: 100, dryRun: false },
  );
  assert.equal(result.kept.length, 1);
  assert.deepEqual(source.acked, []);
  assert.deepEqual(source.nacked, ['1']);
});

test('a dry run changes nothing: everything handed back, nothing published', async () => {
  const store = new InMemoryOrderStore();
  await store.create(order('stuck'));
  const source = new FakeDeadLetters([letter('1', { orderId: 'stuck' }), letter('2', { orderId: '__x__' })]);
  const sent: string[] = [];
  const result = await drainDeadLetters(
    { store, deadLetters: source, publisher: { publish: async (m) => (sent.push(m.orderId), 'x') }, log: silent, now: () => NOW },
    { limit: 100, dryRun: true },
  );
  assert.deepEqual(result.republished, ['stuck']);
  assert.deepEqual(sent, []);
  assert.deepEqual(source.acked, []);
  assert.deepEqual(source.nacked.sort(), ['1', '2']);
});
