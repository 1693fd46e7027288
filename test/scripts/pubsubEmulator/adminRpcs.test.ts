import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { v1 } from '@google-cloud/pubsub';
import type { Harness } from './harness';
import { gapicOptions, PROJECT, startHarness } from './harness';
import { MAX_REQUEST_BYTES } from '../../../scripts/pubsubEmulator/validatePublish';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const codeOf = (code: status) => (error: unknown) => (error as { code?: number }).code === code;

void test('topic CRUD through the real client', async () => {
  const [topic] = await h.pubsub.createTopic('crud-topic');
  assert.equal(topic.name, `projects/${PROJECT}/topics/crud-topic`);
  const [exists] = await h.pubsub.topic('crud-topic').exists();
  assert.equal(exists, true);
  const [topics] = await h.pubsub.getTopics();
  assert.ok(topics.some((t) => t.name === topic.name));
  await topic.delete();
  const [gone] = await h.pubsub.topic('crud-topic').exists();
  assert.equal(gone, false);
});

void test('subscription CRUD, settings echoed back, ListTopicSubscriptions', async () => {
  const [topic] = await h.pubsub.createTopic('crud-sub-topic');
  await h.pubsub.createTopic('crud-dlq');
  const [sub] = await topic.createSubscription('crud-sub', {
    ackDeadlineSeconds: 30,
    deadLetterPolicy: { deadLetterTopic: `projects/${PROJECT}/topics/crud-dlq`, maxDeliveryAttempts: 7 },
    retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 20 } },
  });
  const [meta] = await sub.getMetadata();
  assert.equal(meta.ackDeadlineSeconds, 30);
  assert.equal(meta.topic, topic.name);
  assert.equal(meta.deadLetterPolicy?.maxDeliveryAttempts, 7);
  assert.equal(String(meta.retryPolicy?.maximumBackoff?.seconds), '20');
  const [names] = await topic.getSubscriptions();
  assert.deepEqual(names.map((s) => s.name), [`projects/${PROJECT}/subscriptions/crud-sub`]);
  const [all] = await h.pubsub.getSubscriptions();
  assert.ok(all.some((s) => s.name === sub.name));
  await sub.modifyPushConfig({ pushEndpoint: 'http://127.0.0.1:9/never' });
  const [pushMeta] = await sub.getMetadata();
  assert.equal(pushMeta.pushConfig?.pushEndpoint, 'http://127.0.0.1:9/never');
  await sub.modifyPushConfig({});
  await sub.delete();
  const [exists] = await sub.exists();
  assert.equal(exists, false);
  // A subscription outlives its topic and reports it as deleted.
  const [orphan] = await topic.createSubscription('crud-orphan');
  await topic.delete();
  const [orphanMeta] = await orphan.getMetadata();
  assert.equal(orphanMeta.topic, '_deleted-topic_');
});

void test('NOT_FOUND, ALREADY_EXISTS and INVALID_ARGUMENT as the real service answers', async () => {
  await h.pubsub.createTopic('err-topic');
  await assert.rejects(h.pubsub.createTopic('err-topic'), codeOf(status.ALREADY_EXISTS));
  await assert.rejects(h.pubsub.topic('missing-topic').getMetadata(), codeOf(status.NOT_FOUND));
  await assert.rejects(h.pubsub.topic('missing-topic').publishMessage({ data: Buffer.from('x') }), codeOf(status.NOT_FOUND));
  await assert.rejects(h.pubsub.topic('missing-topic').createSubscription('err-sub-x'), codeOf(status.NOT_FOUND));
  await assert.rejects(h.pubsub.subscription('missing-sub').getMetadata(), codeOf(status.NOT_FOUND));
  await assert.rejects(h.pubsub.subscription('missing-sub').delete(), codeOf(status.NOT_FOUND));
  await assert.rejects(h.pubsub.createTopic('1-starts-with-digit'), codeOf(status.INVALID_ARGUMENT));
  await assert.rejects(h.pubsub.createTopic('goog-reserved'), codeOf(status.INVALID_ARGUMENT));
  await h.pubsub.topic('err-topic').createSubscription('err-sub');
  await assert.rejects(h.pubsub.topic('err-topic').createSubscription('err-sub'), codeOf(status.ALREADY_EXISTS));
  await assert.rejects(h.pubsub.topic('err-topic').createSubscription('err-sub-2', { ackDeadlineSeconds: 601 }), codeOf(status.INVALID_ARGUMENT));
  await assert.rejects(h.pubsub.topic('err-topic').createSubscription('err-sub-3', { pushConfig: { pushEndpoint: 'not a url' } }), codeOf(status.INVALID_ARGUMENT));
  await assert.rejects(
    h.pubsub.topic('err-topic').createSubscription('err-sub-4', { deadLetterPolicy: { deadLetterTopic: 'bad/name', maxDeliveryAttempts: 5 } }),
    codeOf(status.INVALID_ARGUMENT),
  );
});

void test('empty publish and bad ack ids are INVALID_ARGUMENT (raw gapic clients)', async () => {
  const publisher = new v1.PublisherClient(gapicOptions(h.emulator));
  const subscriber = new v1.SubscriberClient(gapicOptions(h.emulator));
  try {
    const topic = `projects/${PROJECT}/topics/raw-topic`;
    const subscription = `projects/${PROJECT}/subscriptions/raw-sub`;
    await publisher.createTopic({ name: topic });
    await subscriber.createSubscription({ name: subscription, topic });
    await assert.rejects(publisher.publish({ topic, messages: [] }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(publisher.publish({ topic, messages: [{ data: Buffer.alloc(0) }] }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(subscriber.acknowledge({ subscription, ackIds: ['garbage'] }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(subscriber.acknowledge({ subscription, ackIds: [] }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(subscriber.modifyAckDeadline({ subscription, ackIds: ['garbage'], ackDeadlineSeconds: 10 }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(subscriber.pull({ subscription, maxMessages: 0 }), codeOf(status.INVALID_ARGUMENT));
    await assert.rejects(publisher.listTopics({ project: 'not-a-project-name' }), codeOf(status.INVALID_ARGUMENT));
  } finally {
    await publisher.close();
    await subscriber.close();
  }
});

void test('a message up to the service limit of 10 MB is accepted and pulled whole; one byte more is INVALID_ARGUMENT', async () => {
  const [topic] = await h.pubsub.createTopic('big-topic');
  const [subscription] = await topic.createSubscription('big-sub');
  const biggest = Buffer.alloc(MAX_REQUEST_BYTES, 0x61);
  // Over grpc-js's default 4 MiB receive limit, which used to refuse it as RESOURCE_EXHAUSTED.
  assert.ok(biggest.length > 4 * 1024 * 1024);
  const messageId = await topic.publishMessage({ data: biggest });
  await assert.rejects(topic.publishMessage({ data: Buffer.alloc(MAX_REQUEST_BYTES + 1, 0x61) }), (error: unknown) => {
    assert.equal((error as { code?: number }).code, status.INVALID_ARGUMENT);
    assert.match((error as Error).message, /at most 10000000 are allowed/);
    return true;
  });
  const subscriber = new v1.SubscriberClient(gapicOptions(h.emulator));
  try {
    const [pulled] = await subscriber.pull({ subscription: subscription.name, maxMessages: 10 });
    assert.deepEqual(
      pulled.receivedMessages?.map((m) => [m.message?.messageId, Buffer.from(m.message?.data ?? '').length]),
      [[messageId, MAX_REQUEST_BYTES]],
    );
  } finally {
    await subscriber.close();
  }
});
