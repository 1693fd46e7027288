import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Message } from '@google-cloud/pubsub';
import type { Harness } from './harness';
import { startHarness } from './harness';
import { waitFor } from '../../support/waitFor';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.close();
});

const ATTRIBUTES = {
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  tracestate: 'vendor=opaque,other=é',
  googclient_traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  'odd key ☃': ' spaced value ',
};

void test('subscription.on("message") receives data and attributes byte-for-byte', async () => {
  const [topic] = await h.pubsub.createTopic('stream-topic');
  const [sub] = await topic.createSubscription('stream-sub');
  const received: Message[] = [];
  sub.on('message', (m: Message) => {
    received.push(m);
    m.ack();
  });
  try {
    const id = await topic.publishMessage({ data: Buffer.from('{"orderId":"o-1"}'), attributes: ATTRIBUTES });
    const [message] = await waitFor('the message', () => (received.length > 0 ? received : undefined));
    assert.equal(message?.id, id);
    assert.deepEqual(message?.attributes, ATTRIBUTES);
    assert.equal(message?.data.toString(), '{"orderId":"o-1"}');
    assert.ok(message?.publishTime);
  } finally {
    await sub.close();
  }
});

void test('a nacked message comes back; an acked one does not', async () => {
  const [topic] = await h.pubsub.createTopic('nack-topic');
  const [sub] = await topic.createSubscription('nack-sub');
  const seen: string[] = [];
  sub.on('message', (m: Message) => {
    seen.push(m.id);
    if (seen.length === 1) m.nack();
    else m.ack();
  });
  try {
    const id = await topic.publishMessage({ data: Buffer.from('again') });
    await waitFor('redelivery', () => (seen.length >= 2 ? true : undefined));
    assert.deepEqual(seen.slice(0, 2), [id, id]);
    // Give a wrongly unacked message time to reappear, then check it did not (bounded, not timed).
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(seen.length, 2);
  } finally {
    await sub.close();
  }
});

void test('a burst of published messages arrives exactly once over the client streams', async () => {
  const [topic] = await h.pubsub.createTopic('burst-topic');
  const [sub] = await topic.createSubscription('burst-sub');
  const counts = new Map<string, number>();
  sub.on('message', (m: Message) => {
    counts.set(m.data.toString(), (counts.get(m.data.toString()) ?? 0) + 1);
    m.ack();
  });
  try {
    await Promise.all(Array.from({ length: 300 }, (_, i) => topic.publishMessage({ data: Buffer.from(`b${i}`) })));
    await waitFor('all 300 messages', () => (counts.size === 300 ? true : undefined), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok([...counts.values()].every((n) => n === 1));
  } finally {
    await sub.close();
  }
});

void test('deleting the subscription ends its stream with NOT_FOUND', async () => {
  const [topic] = await h.pubsub.createTopic('gone-topic');
  const [sub] = await topic.createSubscription('gone-sub');
  const errors: { code?: number }[] = [];
  sub.on('error', (e: { code?: number }) => errors.push(e));
  sub.on('message', (m: Message) => m.ack());
  await topic.publishMessage({ data: Buffer.from('x') });
  await h.pubsub.subscription('gone-sub').delete();
  const [error] = await waitFor('stream error', () => (errors.length > 0 ? errors : undefined));
  assert.equal(error?.code, 5);
  await sub.close();
});
