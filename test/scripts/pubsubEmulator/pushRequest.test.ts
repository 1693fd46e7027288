import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredMessage, SubscriptionProto } from '../../../scripts/pubsubEmulator/pubsubTypes';
import { pushRequest } from '../../../scripts/pubsubEmulator/pushRequest';

const PUBLISH_MS = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const MESSAGE: StoredMessage = {
  data: Buffer.from('{"orderId":"o-1"}'),
  attributes: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'k=v', googclient_traceparent: '00-x-y-01' },
  messageId: '42',
  publishTime: { seconds: String(Math.floor(PUBLISH_MS / 1000)), nanos: 678_000_000 },
  publishTimeMs: PUBLISH_MS,
  orderingKey: '',
};
const SUBSCRIPTION: SubscriptionProto = {
  name: 'projects/demo-test/subscriptions/orders-push',
  topic: 'projects/demo-test/topics/orders',
  pushConfig: { pushEndpoint: 'http://127.0.0.1:1/' },
};
const WRAPPED = {
  message: {
    data: MESSAGE.data.toString('base64'),
    attributes: MESSAGE.attributes,
    messageId: '42',
    message_id: '42',
    publishTime: '2025-01-02T03:04:05.678Z',
    publish_time: '2025-01-02T03:04:05.678Z',
  },
  subscription: 'projects/demo-test/subscriptions/orders-push',
};

void test('default push is a binary-mode Eventarc CloudEvent', () => {
  const request = pushRequest(MESSAGE, SUBSCRIPTION, 1);
  assert.deepEqual(request.headers, {
    'ce-id': '42',
    'ce-specversion': '1.0',
    'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
    'ce-source': '//pubsub.googleapis.com/projects/demo-test/topics/orders',
    'ce-time': '2025-01-02T03:04:05.678Z',
    'content-type': 'application/json',
  });
  assert.deepEqual(JSON.parse(request.body.toString('utf8')), WRAPPED);
});

void test('x-emulator-delivery=wrapper and pubsubWrapper send the plain wrapper', () => {
  for (const pushConfig of [{ pushEndpoint: 'http://x/', attributes: { 'x-emulator-delivery': 'wrapper' } }, { pushEndpoint: 'http://x/', pubsubWrapper: {} }]) {
    const request = pushRequest(MESSAGE, { ...SUBSCRIPTION, pushConfig }, 3);
    assert.deepEqual(request.headers, { 'content-type': 'application/json' });
    assert.deepEqual(JSON.parse(request.body.toString('utf8')), WRAPPED);
  }
});

void test('wrapper carries deliveryAttempt when the subscription has a dead-letter policy', () => {
  const sub = { ...SUBSCRIPTION, pushConfig: { pushEndpoint: 'http://x/', pubsubWrapper: {} }, deadLetterPolicy: { deadLetterTopic: 'projects/demo-test/topics/dlq', maxDeliveryAttempts: 5 } };
  assert.equal(JSON.parse(pushRequest(MESSAGE, sub, 3).body.toString('utf8')).deliveryAttempt, 3);
});

void test('noWrapper sends the raw data, with metadata headers only when asked', () => {
  const plain = pushRequest(MESSAGE, { ...SUBSCRIPTION, pushConfig: { pushEndpoint: 'http://x/', noWrapper: { writeMetadata: false } } }, 1);
  assert.deepEqual(plain.body, MESSAGE.data);
  assert.deepEqual(plain.headers, { 'content-type': 'application/octet-stream' });
  const meta = pushRequest(MESSAGE, { ...SUBSCRIPTION, pushConfig: { pushEndpoint: 'http://x/', noWrapper: { writeMetadata: true } } }, 1);
  assert.equal(meta.headers['traceparent'], MESSAGE.attributes['traceparent']);
  assert.equal(meta.headers['googclient_traceparent'], '00-x-y-01');
  assert.equal(meta.headers['x-goog-pubsub-message-id'], '42');
  assert.equal(meta.headers['x-goog-pubsub-subscription-name'], SUBSCRIPTION.name);
});
