import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PubSub } from '@google-cloud/pubsub';
import { startPubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import type { PubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import { provisionPubSub } from '../../../scripts/stack/provisionPubSub';

const PROJECT = 'demo-provision';
const BASE = { projectId: PROJECT, topic: 'orders', deadLetterTopic: 'orders-dead-letter', subscription: 'orders-processOrder' };

void describe('provisionPubSub (real client, project Pub/Sub emulator)', () => {
  let emulator: PubSubEmulator;
  let pubsub: PubSub;

  before(async () => {
    emulator = await startPubSubEmulator({ port: 0 });
    pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${emulator.port}`, emulatorMode: true, universeDomain: 'googleapis.com' });
  });
  after(async () => {
    await pubsub.close();
    await emulator.close();
  });

  void it('creates both topics and a push subscription with a dead-letter policy', async () => {
    await provisionPubSub({ ...BASE, apiEndpoint: `127.0.0.1:${emulator.port}`, pushEndpoint: 'http://127.0.0.1:1111/' });
    const [topics] = await pubsub.getTopics();
    assert.deepEqual(topics.map((t) => t.name).sort(), [`projects/${PROJECT}/topics/orders`, `projects/${PROJECT}/topics/orders-dead-letter`]);
    const [meta] = await pubsub.subscription('orders-processOrder').getMetadata();
    assert.equal(meta.topic, `projects/${PROJECT}/topics/orders`);
    assert.equal(meta.pushConfig?.pushEndpoint, 'http://127.0.0.1:1111/');
    assert.equal(meta.deadLetterPolicy?.deadLetterTopic, `projects/${PROJECT}/topics/orders-dead-letter`);
    assert.equal(meta.deadLetterPolicy?.maxDeliveryAttempts, 5);
    // Eventarc's policy, so a local outage takes as long to dead-letter as a deployed one.
    assert.equal(String(meta.retryPolicy?.minimumBackoff?.seconds), '10');
    assert.equal(String(meta.retryPolicy?.maximumBackoff?.seconds), '600');
  });

  void it('subscribes the sweeper to the dead-letter topic', async () => {
    const [meta] = await pubsub.subscription('orders-dead-letter-sub').getMetadata();
    assert.equal(meta.topic, `projects/${PROJECT}/topics/orders-dead-letter`);
    assert.equal(meta.pushConfig?.pushEndpoint ?? '', '');
  });

  void it('runs again without error and re-points the subscription at the new endpoint', async () => {
    await provisionPubSub({ ...BASE, apiEndpoint: `127.0.0.1:${emulator.port}`, pushEndpoint: 'http://127.0.0.1:2222/' });
    const [meta] = await pubsub.subscription('orders-processOrder').getMetadata();
    assert.equal(meta.pushConfig?.pushEndpoint, 'http://127.0.0.1:2222/');
  });
});
