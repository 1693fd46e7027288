import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import type { Order } from '../order';
import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import type { Logger } from 'cloud-functions-otel-tracing';
import { ORDERS_TRACER_NAME } from '../ordersTracer';
import { adoptableTrace, linkToStoredContext, orderTraceContext } from './orderTraceContext';
import { publishAndMark } from './publishAndMark';

export interface RepublishPendingDeps {
  readonly store: Pick<OrderStore, 'listUnpublished' | 'markPublished'>;
  readonly publisher: OrderPublisher;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface RepublishPendingOptions {
  /** Only orders created at least this long ago: younger ones may still be in their request's hands. */
  readonly olderThanMs: number;
  /** At most this many orders per run. */
  readonly limit: number;
  /** List what would be published, change nothing. */
  readonly dryRun: boolean;
}

export interface RepublishResult {
  /** Unpublished orders older than the grace period that this run looked at. */
  readonly found: number;
  /** Published now (or, in a dry run, would have been). */
  readonly republished: string[];
  /** Already processed, so evidently published once: only recorded as published. */
  readonly recordedOnly: string[];
  readonly failed: { readonly orderId: string; readonly error: string }[];
}

/**
 * The recovery path of the outbox: publishes orders that were stored but never recorded
 * as published (the publish failed and no retry came, or the instance died between the
 * steps). The request that accepted such an order may have died before exporting a span,
 * so its stored context is no parent to hang spans under (the trace would have no root):
 * each order gets a root span of its own, `republish order`, linked to that stored context
 * and to the sweep pass, and that span's trace becomes the order's (processOrder joins it).
 * A message that did go out before (only its record failed) is sent again; processOrder's
 * idempotent markProcessed makes that harmless. One order's failure does not stop the others.
 */
export async function republishPending(
  deps: RepublishPendingDeps,
  options: RepublishPendingOptions,
  onOrder: (orderId: string, outcome: 'republished' | 'recorded' | 'failed') => void = () => undefined,
): Promise<RepublishResult> {
  const cutoff = new Date(deps.now().getTime() - options.olderThanMs);
  const pending = await deps.store.listUnpublished(cutoff, options.limit);
  const result: RepublishResult = { found: pending.length, republished: [], recordedOnly: [], failed: [] };
  for (const order of pending) {
    if (order.status === 'processed') {
      if (!options.dryRun) await recordOnly(order, deps, result, onOrder);
      else result.recordedOnly.push(order.orderId);
      continue;
    }
    if (options.dryRun) {
      result.republished.push(order.orderId);
      continue;
    }
    try {
      const messageId = await republishInOwnTrace(order, deps);
      result.republished.push(order.orderId);
      deps.log.info('pending order republished', { orderId: order.orderId, messageId });
      onOrder(order.orderId, 'republished');
    } catch (error) {
      result.failed.push({ orderId: order.orderId, error: error instanceof Error ? error.message : String(error) });
      deps.log.error('pending order could not be republished; the next sweep tries again', { orderId: order.orderId, error });
      onOrder(order.orderId, 'failed');
    }
  }
  return result;
}

function republishInOwnTrace(order: Order, deps: RepublishPendingDeps): Promise<string> {
  const pass = trace.getSpanContext(context.active());
  const links: Link[] = [...linkToStoredContext(order, 'accepted-by'), ...(pass ? [{ context: pass, attributes: { 'orders.link.kind': 'sweep-pass' } }] : [])];
  return trace.getTracer(ORDERS_TRACER_NAME).startActiveSpan(
    'republish order',
    { root: true, kind: SpanKind.INTERNAL, links, attributes: { 'orders.order_id': order.orderId } },
    async (span) => {
      try {
        const adoptTrace = adoptableTrace(context.active());
        return await publishAndMark(order, deps, adoptTrace ? { adoptTrace } : {});
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

async function recordOnly(
  order: Order,
  deps: RepublishPendingDeps,
  result: RepublishResult,
  onOrder: (orderId: string, outcome: 'republished' | 'recorded' | 'failed') => void,
): Promise<void> {
  try {
    await context.with(orderTraceContext(order, ROOT_CONTEXT), () => deps.store.markPublished(order.orderId, order.messageId, deps.now()));
    result.recordedOnly.push(order.orderId);
    onOrder(order.orderId, 'recorded');
  } catch (error) {
    result.failed.push({ orderId: order.orderId, error: error instanceof Error ? error.message : String(error) });
    onOrder(order.orderId, 'failed');
  }
}
