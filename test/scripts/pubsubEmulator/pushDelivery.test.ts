import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { v1 } from '@google-cloud/pubsub';
import type { CaptureServer, Harness } from './harness';
import { gapicOptions, PROJECT, startCaptureServer, startHarness } from './harness';
import { waitFor } from '../../support/waitFor';

const MIN_BACKOFF_MS = 150;
let h: Harness;
const servers: CaptureServer[] = [];
before(async () => {
  h = await startHarness({ minBackoffMs: MIN_BACKOFF_MS, maxBackoffMs: 300 });
});
after(async () => {
  await h.close();
  await Promise.all(servers.map((s) => s.close()));
});

async function endpoint(statuses: readonly number[]): Promise<CaptureServer> {
  const server = await startCaptureServer(statuses);
  servers.push(server);
  return server;
}

const ATTRIBUTES = {
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: 'congo=t61rcWkgMzE',
  googclient_traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

void test('push delivers the Eventarc CloudEvent: exact headers and body', async () => {
  const server = await endpoint([204]);
  const [topic] = await h.pubsub.createTopic('push-topic');
  await topic.createSubscription('push-sub', { pushConfig: { pushEndpoint: server.url } });
  const data = Buffer.from(JSON.stringify({ orderId: 'o-1' }));
  const id = await topic.publishMessage({ data, attributes: ATTRIBUTES });
  const [request] = await waitFor('the push', () => (server.requests.length > 0 ? server.requests : undefined));
  assert.ok(request);
  const body = JSON.parse(request.body.toString('utf8')) as { message: Record<string, unknown>; subscription: string };
  const publishTime = body.message['publishTime'] as string;
  assert.match(publishTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.deepEqual(
    {
      id: request.headers['ce-id'],
      specversion: request.headers['ce-specversion'],
      type: request.headers['ce-type'],
      source: request.headers['ce-source'],
      time: request.headers['ce-time'],
      contentType: request.headers['content-type'],
      traceparentHeader: request.headers['traceparent'],
    },
    {
      id,
      specversion: '1.0',
      type: 'google.cloud.pubsub.topic.v1.messagePublished',
      source: `//pubsub.googleapis.com/projects/${PROJECT}/topics/push-topic`,
      time: publishTime,
      contentType: 'application/json',
      traceparentHeader: undefined,
    },
  );
  assert.deepEqual(body, {
    message: { data: data.toString('base64'), attributes: ATTRIBUTES, messageId: id, message_id: id, publishTime, publish_time: publishTime },
    subscription: `projects/${PROJECT}/subscriptions/push-sub`,
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(server.requests.length, 1, 'a 204 acknowledges: no redelivery');
});

void test('an endpoint answering 500 then 200 gets the message again after backoff', async () => {
  const server = await endpoint([500, 503, 200]);
  const [topic] = await h.pubsub.createTopic('retry-topic');
  await topic.createSubscription('retry-sub', { pushConfig: { pushEndpoint: server.url } });
  const id = await topic.publishMessage({ data: Buffer.from('retry me'), attributes: ATTRIBUTES });
  await waitFor('three attempts', () => (server.requests.length >= 3 ? true : undefined));
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.equal(server.requests.length, 3, 'the 200 acknowledged it');
  assert.deepEqual(server.requests.map((r) => r.headers['ce-id']), [id, id, id]);
  const [a, b, c] = server.requests.map((r) => r.at);
  // Exponential backoff from the configured minimum: >= 150 ms, then >= 300 ms (the cap).
  assert.ok((b ?? 0) - (a ?? 0) >= MIN_BACKOFF_MS - 5, `first gap ${(b ?? 0) - (a ?? 0)} ms`);
  assert.ok((c ?? 0) - (b ?? 0) >= 2 * MIN_BACKOFF_MS - 5, `second gap ${(c ?? 0) - (b ?? 0)} ms`);
  assert.ok(h.logs.some((line) => line.includes('status 500')));
});

void test('a connection refused counts as a failure and is retried', async () => {
  const server = await endpoint([204]);
  const deadUrl = server.url;
  await server.close();
  const [topic] = await h.pubsub.createTopic('refused-topic');
  const [sub] = await topic.createSubscription('refused-sub', { pushConfig: { pushEndpoint: deadUrl } });
  await topic.publishMessage({ data: Buffer.from('x') });
  await waitFor('a logged failure', () => (h.logs.some((l) => l.includes(deadUrl) && l.includes('failed')) ? true : undefined));
  await sub.delete();
});

void test('after maxDeliveryAttempts the message goes to the dead-letter topic with its attributes', async () => {
  const server = await endpoint([500]);
  const [topic] = await h.pubsub.createTopic('dl-source');
  const [dlq] = await h.pubsub.createTopic('dl-target');
  await dlq.createSubscription('dl-target-pull');
  await topic.createSubscription('dl-push', {
    pushConfig: { pushEndpoint: server.url },
    deadLetterPolicy: { deadLetterTopic: dlq.name, maxDeliveryAttempts: 5 },
    retryPolicy: { minimumBackoff: { seconds: 0 }, maximumBackoff: { seconds: 0 } },
  });
  await topic.publishMessage({ data: Buffer.from('poison'), attributes: ATTRIBUTES });
  const subscriber = new v1.SubscriberClient(gapicOptions(h.emulator));
  try {
    let dead;
    for (let i = 0; i < 20 && !dead; i++) {
      const [response] = await subscriber.pull({ subscription: `projects/${PROJECT}/subscriptions/dl-target-pull`, maxMessages: 1 });
      dead = response.receivedMessages?.[0];
    }
    assert.ok(dead, 'dead-lettered message arrived');
    assert.equal(Buffer.from(dead.message?.data as Uint8Array).toString(), 'poison');
    assert.deepEqual(
      Object.fromEntries(Object.entries(dead.message?.attributes ?? {}).filter(([k]) => !k.startsWith('CloudPubSubDeadLetter'))),
      ATTRIBUTES,
    );
    assert.equal(dead.message?.attributes?.['CloudPubSubDeadLetterSourceDeliveryCount'], '5');
    assert.equal(dead.message?.attributes?.['CloudPubSubDeadLetterSourceSubscription'], 'dl-push');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(server.requests.length, 5);
  } finally {
    await subscriber.close();
  }
});

void test('x-emulator-delivery=wrapper sends the plain push wrapper without ce-* headers', async () => {
  const server = await endpoint([200]);
  const [topic] = await h.pubsub.createTopic('wrapper-topic');
  await topic.createSubscription('wrapper-sub', { pushConfig: { pushEndpoint: server.url, attributes: { 'x-emulator-delivery': 'wrapper' } } });
  const id = await topic.publishMessage({ data: Buffer.from('w'), attributes: ATTRIBUTES });
  const [request] = await waitFor('the push', () => (server.requests.length > 0 ? server.requests : undefined));
  assert.ok(request);
  assert.deepEqual(Object.keys(request.headers).filter((k) => k.startsWith('ce-')), []);
  const body = JSON.parse(request.body.toString('utf8')) as { message: Record<string, unknown>; subscription: string };
  assert.equal(body.subscription, `projects/${PROJECT}/subscriptions/wrapper-sub`);
  assert.equal(body.message['messageId'], id);
  assert.deepEqual(body.message['attributes'], ATTRIBUTES);
});

void test('ModifyPushConfig to pull stops pushing; the message can then be pulled', async () => {
  const server = await endpoint([500]);
  const [topic] = await h.pubsub.createTopic('switch-topic');
  const [sub] = await topic.createSubscription('switch-sub', { pushConfig: { pushEndpoint: server.url } });
  await topic.publishMessage({ data: Buffer.from('s') });
  await waitFor('a failed push', () => (server.requests.length > 0 ? true : undefined));
  await sub.modifyPushConfig({});
  const subscriber = new v1.SubscriberClient(gapicOptions(h.emulator));
  try {
    let got;
    for (let i = 0; i < 20 && !got; i++) {
      const [response] = await subscriber.pull({ subscription: sub.name, maxMessages: 1 });
      got = response.receivedMessages?.[0];
    }
    assert.equal(Buffer.from(got?.message?.data as Uint8Array).toString(), 's');
    const pushes = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(server.requests.length, pushes);
  } finally {
    await subscriber.close();
  }
});
