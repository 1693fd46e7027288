import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PUBSUB, isPubSubPatched, unpatchPubSub } from 'cloud-functions-otel-tracing/internal/pubsubPatch';
import type { Tracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { tracePubSubPublishes } from 'cloud-functions-otel-tracing/internal/tracePubSubPublishes';

// A function that loaded Pub/Sub before the tracing package still gets its publishes patched
// (the copy loaded later is covered by the resolution hook: test/package/strangerProject.test.ts).
test('Pub/Sub loaded before tracing started: its publish is patched once tracing is on, and not while it is off', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the copy a function loaded first
  const pubsub = require(PUBSUB) as unknown;
  assert.equal(isPubSubPatched(pubsub), false);
  try {
    tracePubSubPublishes({ enabled: false } as Tracing);
    assert.equal(isPubSubPatched(pubsub), false, 'tracing off patches nothing');
    tracePubSubPublishes({ enabled: true } as Tracing);
    assert.equal(isPubSubPatched(pubsub), true);
  } finally {
    unpatchPubSub(pubsub);
  }
});
