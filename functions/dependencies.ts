import { randomUUID } from 'node:crypto';
import { ProxyTracerProvider } from '@opentelemetry/api';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Config } from '../shared/config';
import { FirestoreOrderStore } from '../shared/firestore/firestoreOrderStore';
import type { OrderPublisher } from '../shared/orderPublisher';
import type { OrderStore } from '../shared/orderStore';
import { PubSubOrderPublisher } from '../shared/pubsub/pubSubOrderPublisher';
import type { Tracing } from '../shared/telemetry/startTracing';
import { createLogger } from '../shared/telemetry/structuredLogger';
import type { Logger } from '../shared/telemetry/structuredLogger';

/** Everything a handler needs, built once per instance. */
export interface Dependencies {
  readonly config: Config;
  readonly tracing: Tracing;
  readonly log: Logger;
  readonly store: OrderStore;
  readonly publisher: OrderPublisher;
  readonly newOrderId: () => string;
  readonly now: () => Date;
}

// A dependency call is abandoned (and answered 503 / retried) after this long:
// well inside Cloud Functions' default 60 s request timeout.
const DEPENDENCY_TIMEOUT_MS = 10_000;

/** The real Firestore and Pub/Sub clients; they honour *_EMULATOR_HOST by themselves. */
export function createDependencies(config: Config, tracing: Tracing): Dependencies {
  const firestore = new Firestore({
    projectId: config.projectId,
    // A provider without a delegate hands out no-op tracers: the library's spans are not
    // recorded, and the gRPC spans beneath them attach to our store span instead.
    ...(config.firestoreLibrarySpans ? {} : { openTelemetry: { tracerProvider: new ProxyTracerProvider() } }),
  });
  const pubsub = new PubSub({ projectId: config.projectId });
  // Short batching window: each invocation waits for its own publish before answering.
  const topic = pubsub.topic(config.ordersTopic, { batching: { maxMessages: 100, maxMilliseconds: 2 } });
  return {
    config,
    tracing,
    log: createLogger(config.projectId),
    store: new FirestoreOrderStore(firestore, config.ordersCollection, DEPENDENCY_TIMEOUT_MS),
    publisher: new PubSubOrderPublisher(topic, DEPENDENCY_TIMEOUT_MS),
    newOrderId: randomUUID,
    now: () => new Date(),
  };
}
