import { firestoreStatusReader } from '../load/firestoreStatusReader';
import { sendOrder } from '../load/sendOrder';
import { startClientTracing } from '../load/startClientTracing';
import { traceQueryClient } from '../load/traceQueryClient';
import { verifyOrders } from '../load/verifyOrders';
import type { StackUrls } from '../stack/formatBanner';
import { checkRehearsalTrace } from './checkRehearsalTrace';

export interface RehearsedOrder {
  readonly orderId: string;
  readonly traceId: string;
  /** The first request the freshly started createOrder served: POST → 202. */
  readonly firstRequestMs: number;
  /** processOrder's consumer span duration: its first invocation. */
  readonly firstEventMs: number | undefined;
}

export class RehearsalFailure extends Error {
  override readonly name = 'RehearsalFailure';
}

export interface PostOrderOptions {
  readonly urls: StackUrls;
  readonly projectId: string;
  readonly requestTimeoutMs: number;
  /** How long the asynchronous half (Pub/Sub → processOrder → spans) may take. */
  readonly traceWaitMs: number;
}

/**
 * Posts one order to the rehearsed createOrder under a sampled client span (as Google's
 * front end would pass a sampled `traceparent`: parent-based sampling then follows it
 * whatever the deployed ratio), expects 202, then waits (bounded) until the trace is
 * complete (checkTrace plus checkRehearsalTrace) and Firestore says `processed`.
 */
export async function postRehearsalOrder(options: PostOrderOptions): Promise<RehearsedOrder> {
  const { urls } = options;
  const tracing = startClientTracing(urls.otlpGrpc, 1);
  let sent;
  try {
    sent = await sendOrder(0, { target: urls.createOrder, timeoutMs: options.requestTimeoutMs, tracing });
    await tracing.flush();
  } finally {
    await tracing.shutdown();
  }
  if (sent.status !== 202 || !sent.orderId || !sent.traceId || !sent.clientSpanId) {
    throw new RehearsalFailure(`createOrder did not accept the order: ${sent.error ?? 'no orderId'}${sent.message ? ` (${sent.message})` : ''}`);
  }
  const { orderId, traceId, clientSpanId } = sent;

  const fetchTrace = traceQueryClient(urls.query);
  const reader = firestoreStatusReader(urls.firestore, options.projectId);
  let verification;
  try {
    [verification] = await verifyOrders([{ orderId, traceId, clientSpanId }], { fetchTrace, readStatuses: (ids) => reader.read(ids) }, { waitMs: options.traceWaitMs, pollMs: 200 });
  } finally {
    await reader.close();
  }
  const lookup = await fetchTrace(traceId);
  const trace = 'trace' in lookup ? lookup.trace : undefined;
  const problems = [...(verification?.check.missing ?? ['not verified']), ...checkRehearsalTrace(trace, ['createOrder', 'processOrder'])];
  if (problems.length > 0) {
    throw new RehearsalFailure(`order ${orderId}, trace ${traceId} incomplete after ${options.traceWaitMs} ms:\n  - ${[...new Set(problems)].join('\n  - ')}`);
  }
  const consumer = trace?.spans.find((s) => s.operationName === 'process orders');
  return { orderId, traceId, firstRequestMs: sent.latencyMs, firstEventMs: consumer ? consumer.duration / 1000 : undefined };
}
