/** The order app's configuration, read once from the environment into a typed, readonly object. */
import { ConfigError } from 'cloud-functions-otel-tracing/internal/configError';
import { nonEmpty, positiveInt } from 'cloud-functions-otel-tracing/internal/envValues';
import type { Env } from 'cloud-functions-otel-tracing/internal/envValues';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import type { TracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

export { ConfigError };

export interface Config {
  readonly projectId: string;
  readonly ordersTopic: string;
  readonly ordersCollection: string;
  readonly maxBodyBytes: number;
  /**
   * Firestore's own built-in spans (DocumentReference.*, Batch.Commit), switched by the
   * library's FIRESTORE_ENABLE_TRACING. Off by default: our CLIENT span per store call
   * (with db.* attributes) and the gRPC spans under it already show every round trip,
   * and the library's spans nearly double the spans per order.
   */
  readonly firestoreLibrarySpans: boolean;
  /**
   * The most a Firestore or Pub/Sub call may take (DEPENDENCY_TIMEOUT_MS, default 10 s):
   * the request then answers 503 (createOrder) or throws for a retry (processOrder), and
   * the client library's own retries give up by then too.
   */
  readonly dependencyTimeoutMs: number;
  /**
   * IDEMPOTENCY_IN_FLIGHT_MS: how long after its creation an unpublished order may still
   * be in the hands of the request that created it; a retry with its key waits for that
   * request until then, and completes the order itself afterwards.
   */
  readonly idempotencyInFlightMs: number;
  /**
   * How long a client may take to send a request's headers (REQUEST_HEADERS_TIMEOUT_MS,
   * default 10 s) and all of it (REQUEST_TIMEOUT_MS, default 30 s); then 408 and the
   * connection closes. The function's own run time is not limited by these.
   */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** The tracing library's own settings (shared/tracing reads them; the app only passes them on). */
  readonly tracing: TracingConfig;
}

/** Reads the configuration from `env` (and `argv` for functions-framework's --target). */
export function loadConfig(env: Env = process.env, argv: readonly string[] = process.argv): Config {
  const dependencyTimeoutMs = positiveInt(env, 'DEPENDENCY_TIMEOUT_MS', 10_000, 60_000);
  return Object.freeze({
    projectId: nonEmpty(env, 'GOOGLE_CLOUD_PROJECT') ?? nonEmpty(env, 'GCLOUD_PROJECT') ?? 'demo-orders',
    ordersTopic: resourceName(env, 'ORDERS_TOPIC', 'orders'),
    ordersCollection: resourceName(env, 'ORDERS_COLLECTION', 'orders'),
    maxBodyBytes: positiveInt(env, 'MAX_BODY_BYTES', 64 * 1024, 32 * 1024 * 1024),
    firestoreLibrarySpans: ['on', 'true'].includes(nonEmpty(env, 'FIRESTORE_ENABLE_TRACING')?.toLowerCase() ?? ''),
    dependencyTimeoutMs,
    // The create and the publish each get up to DEPENDENCY_TIMEOUT_MS before the request
    // gives up and flags the order; three of them leave room for both. Shorter only risks
    // a second publish of the order, which processOrder's idempotency absorbs.
    idempotencyInFlightMs: positiveInt(env, 'IDEMPOTENCY_IN_FLIGHT_MS', 3 * dependencyTimeoutMs, 3_600_000),
    headersTimeoutMs: positiveInt(env, 'REQUEST_HEADERS_TIMEOUT_MS', 10_000, 600_000),
    requestTimeoutMs: positiveInt(env, 'REQUEST_TIMEOUT_MS', 30_000, 3_600_000),
    tracing: loadTracingConfig(env, argv),
  });
}

function resourceName(env: Env, name: string, fallback: string): string {
  const value = nonEmpty(env, name) ?? fallback;
  // Pub/Sub and Firestore both reject names with slashes; fail at start-up, not per request.
  if (!/^[A-Za-z][\w.~+%-]{0,254}$/.test(value)) {
    throw new ConfigError(name, `"${value}" is not a valid name (letters first, then letters, digits, - _ . ~ + %)`);
  }
  return value;
}
