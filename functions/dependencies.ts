import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import type { Config } from '../shared/config';
import { FirestoreOrderStore } from '../shared/firestore/firestoreOrderStore';
import type { OrderPublisher } from '../shared/orderPublisher';
import type { OrderStore } from '../shared/orderStore';
import { PubSubOrderPublisher } from '../shared/pubsub/pubSubOrderPublisher';
import { createLogger } from 'cloud-functions-otel-tracing';
import type { Logger } from 'cloud-functions-otel-tracing';

/** Everything a handler needs, built once per instance. */
export interface Dependencies {
  readonly config: Config;
  readonly log: Logger;
  readonly store: OrderStore;
  readonly publisher: OrderPublisher;
  readonly newOrderId: () => string;
  readonly now: () => Date;
}

/** The real Firestore and Pub/Sub clients; they honour *_EMULATOR_HOST by themselves. */
export function createDependencies(config: Config): Dependencies {
  // A dependency call is abandoned (answered 503 / retried) after config.dependencyTimeoutMs
  // (default 10 s, well inside Cloud Functions' 60 s request timeout); the clients are told
  // the same, so an abandoned call stops retrying too instead of for minutes.
  const timeoutMs = config.dependencyTimeoutMs;
  if (!config.firestoreLibrarySpans) disableFirestoreTraceUtil();
  const firestore = new Firestore({ projectId: config.projectId, clientConfig: boundedFirestoreCalls(timeoutMs) });
  const pubsub = new PubSub({ projectId: config.projectId });
  // Short batching window: each invocation waits for its own publish before answering.
  const topic = pubsub.topic(config.ordersTopic, {
    batching: { maxMessages: 100, maxMilliseconds: 2 },
    // Publish otherwise retries UNAVAILABLE for up to 10 minutes (60 s per attempt).
    gaxOpts: { timeout: timeoutMs, retry: { backoffSettings: boundedBackoff(timeoutMs) } },
  });
  return {
    config,
    log: createLogger(config.projectId),
    store: new FirestoreOrderStore(firestore, config.ordersCollection, timeoutMs),
    publisher: new PubSubOrderPublisher(topic, timeoutMs),
    newOrderId: randomUUID,
    now: () => new Date(),
  };
}

/**
 * Firestore's own spans off: the library records none, and the gRPC spans beneath its calls
 * attach to our store span instead. FIRESTORE_ENABLE_TRACING=off is the only way to get its
 * no-op trace util (read from process.env as the client is built). A no-op tracer provider
 * in the settings hides the spans too, but the library then still starts no-op spans and
 * runs a context.with per operation, which in a traced process enters AsyncLocalStorage,
 * for no result (docs/performance.md, "Decisions the figures rest on").
 */
function disableFirestoreTraceUtil(): void {
  process.env['FIRESTORE_ENABLE_TRACING'] = 'off';
}

/** Retry settings whose attempts and total all end within `timeoutMs`. */
function boundedBackoff(timeoutMs: number) {
  return {
    initialRetryDelayMillis: 100,
    retryDelayMultiplier: 1.3,
    maxRetryDelayMillis: timeoutMs,
    initialRpcTimeoutMillis: timeoutMs,
    rpcTimeoutMultiplier: 1,
    maxRpcTimeoutMillis: timeoutMs,
    totalTimeoutMillis: timeoutMs,
  };
}

/**
 * Per-attempt deadlines for the Firestore RPCs the store uses. Reads otherwise wait
 * 300 s per attempt. Firestore re-applies its own retry settings to Commit (up to
 * 10 minutes on UNAVAILABLE) and cannot be told otherwise; withDeadline caps how many
 * such abandoned calls may pile up.
 */
function boundedFirestoreCalls(timeoutMs: number) {
  const bounded = { timeout_millis: timeoutMs, retry_codes_name: 'unavailable', retry_params_name: 'bounded' };
  return {
    interfaces: {
      'google.firestore.v1.Firestore': {
        retry_codes: { unavailable: ['UNAVAILABLE'] },
        retry_params: {
          bounded: {
            initial_retry_delay_millis: 100,
            retry_delay_multiplier: 1.3,
            max_retry_delay_millis: timeoutMs,
            initial_rpc_timeout_millis: timeoutMs,
            rpc_timeout_multiplier: 1,
            max_rpc_timeout_millis: timeoutMs,
            total_timeout_millis: timeoutMs,
          },
        },
        methods: { BatchGetDocuments: bounded, Commit: bounded, RunQuery: bounded },
      },
    },
  };
}
