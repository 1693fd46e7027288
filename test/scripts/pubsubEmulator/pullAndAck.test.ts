import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { v1 } from '@google-cloud/pubsub';
import type { Harness } from './harness';
import { gapicOptions, PROJECT, startHarness } from './harness';

let h: Harness;
let subscriber: v1.SubscriberClient;
before(async () => {
  h = await startHarness();
  subscriber = new v1.SubscriberClient(gapicOptions(h.emulator));
});
after(async () => {
  await subscriber.close();
  await h.close();
});

async function pullAll(subscription: string, expected: number) {
  const got = [];
  for (let i = 0; i < 20 && got.length < expected; i++) {
    const [response] = await subscriber.pull({ subscription, maxMessages: 100 });
    got.push(...(response.receivedMessages ?? []));
  }
  return got;
}

void test('a batched publish is pulled once per subscription, then acked for good', async () => {
  const topic = h.pubsub.topic('batch-topic');
  await topic.create();
  await topic.createSubscription('batch-sub');
  const subscription = `projects/${PROJECT}/subscriptions/batch-sub`;
  const publisher = new v1.PublisherClient(gapicOptions(h.emulator));
  const [published] = await publisher.publish({
    topic: topic.name,
    messages: Array.from({ length: 25 }, (_, i) => ({ data: Buffer.from(`m${i}`), attributes: { i: String(i) } })),
  });
  await publisher.close();
  assert.equal(published.messageIds?.length, 25);
  assert.equal(new Set(published.messageIds).size, 25);

  const received = await pullAll(subscription, 25);
  assert.deepEqual(received.map((r) => Buffer.from(r.message?.data as Uint8Array).toString()).sort(), Array.from({ length: 25 }, (_, i) => `m${i}`).sort());
  assert.ok(received.every((r) => r.message?.publishTime?.seconds && r.message.messageId && r.ackId));
  await subscriber.acknowledge({ subscription, ackIds: received.map((r) => r.ackId as string) });
  // Acking the same ids again is harmless, as with the real service.
  await subscriber.acknowledge({ subscription, ackIds: received.map((r) => r.ackId as string) });
  const [again] = await subscriber.pull({ subscription, maxMessages: 100, returnImmediately: true });
  assert.equal(again.receivedMessages?.length ?? 0, 0);
});

void test('messages published before a subscription exists are not delivered to it', async () => {
  const topic = h.pubsub.topic('late-topic');
  await topic.create();
  await topic.publishMessage({ data: Buffer.from('early') });
  await topic.createSubscription('late-sub');
  await topic.publishMessage({ data: Buffer.from('late') });
  const received = await pullAll(`projects/${PROJECT}/subscriptions/late-sub`, 1);
  assert.deepEqual(received.map((r) => Buffer.from(r.message?.data as Uint8Array).toString()), ['late']);
  const [rest] = await subscriber.pull({ subscription: `projects/${PROJECT}/subscriptions/late-sub`, maxMessages: 10, returnImmediately: true });
  assert.equal(rest.receivedMessages?.length ?? 0, 0);
});

void test('an expired ack deadline redelivers; ModifyAckDeadline 0 redelivers at once', async () => {
  const topic = h.pubsub.topic('deadline-topic');
  await topic.create();
  await topic.createSubscription('deadline-sub');
  const subscription = `projects/${PROJECT}/subscriptions/deadline-sub`;
  await topic.publishMessage({ data: Buffer.from('d') });
  const [first] = await pullAll(subscription, 1);
  assert.ok(first?.ackId);
  // Shorten the lease to 1 s instead of waiting out the 10 s default.
  await subscriber.modifyAckDeadline({ subscription, ackIds: [first.ackId], ackDeadlineSeconds: 1 });
  const [second] = await pullAll(subscription, 1);
  assert.equal(second?.message?.messageId, first.message?.messageId);
  assert.notEqual(second?.ackId, first.ackId);
  await subscriber.modifyAckDeadline({ subscription, ackIds: [second?.ackId as string], ackDeadlineSeconds: 0 });
  const [third] = await pullAll(subscription, 1);
  assert.equal(third?.message?.messageId, first.message?.messageId);
  await subscriber.acknowledge({ subscription, ackIds: [third?.ackId as string] });
});

void test('deliveryAttempt counts only with a dead-letter policy', async () => {
  const topic = h.pubsub.topic('attempt-topic');
  await topic.create();
  await h.pubsub.createTopic('attempt-dlq');
  await topic.createSubscription('attempt-dl-sub', { deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/attempt-dlq`, maxDeliveryAttempts: 5 } });
  await topic.createSubscription('attempt-plain-sub');
  await topic.publishMessage({ data: Buffer.from('a') });
  const dl = `projects/${PROJECT}/subscriptions/attempt-dl-sub`;
  const [one] = await pullAll(dl, 1);
  assert.equal(one?.deliveryAttempt, 1);
  await subscriber.modifyAckDeadline({ subscription: dl, ackIds: [one?.ackId as string], ackDeadlineSeconds: 0 });
  const [two] = await pullAll(dl, 1);
  assert.equal(two?.deliveryAttempt, 2);
  const [plain] = await pullAll(`projects/${PROJECT}/subscriptions/attempt-plain-sub`, 1);
  assert.equal(plain?.deliveryAttempt ?? 0, 0);
});
