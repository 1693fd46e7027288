import { context } from '@opentelemetry/api';
import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import { orderTraceContext } from '../orders/orderTraceContext';
import { publishAndMark } from '../orders/publishAndMark';
import type { Logger } from 'cloud-functions-otel-tracing';

export interface RepublishStuckDeps {
  readonly store: Pick<OrderStore, 'listStuck' | 'markPublished'>;
  readonly publisher: OrderPublisher;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface RepublishStuckOptions {
  /** Orders whose last publish is at least this old and still `received`. */
  readonly stuckAfterMs: number;
  readonly limit: number;
  readonly dryRun: boolean;
}

export interface RepublishStuckResult {
  readonly found: number;
  /** Published again (or, in a dry run, would have been). */
  readonly republished: string[];
  readonly failed: { readonly orderId: string; readonly error: string }[];
}

/**
 * Orders published but never processed: their message was lost to an outage longer
 * than Pub/Sub's retries (dead-lettered and not drained, expired, or its subscription
 * recreated). Each is published again in its own trace, and the new publish time is
 * recorded, so the next pass waits `stuckAfterMs` again before another try. processOrder
 * is idempotent: a message that was merely slow changes nothing twice.
 */
export async function republishStuck(
  deps: RepublishStuckDeps,
  options: RepublishStuckOptions,
  onOrder: (orderId: string, outcome: 'republished' | 'failed') => void = () => undefined,
): Promise<RepublishStuckResult> {
  const cutoff = new Date(deps.now().getTime() - options.stuckAfterMs);
  const stuck = await deps.store.listStuck(cutoff, options.limit);
  const result: RepublishStuckResult = { found: stuck.length, republished: [], failed: [] };
  for (const order of stuck) {
    if (options.dryRun) {
      result.republished.push(order.orderId);
      continue;
    }
    try {
      const messageId = await context.with(orderTraceContext(order, context.active()), () => publishAndMark(order, deps));
      result.republished.push(order.orderId);
      deps.log.warn('published order not processed in time; published again', { orderId: order.orderId, messageId, publishedAt: order.publishedAt });
      onOrder(order.orderId, 'republished');
    } catch (error) {
      result.failed.push({ orderId: order.orderId, error: error instanceof Error ? error.message : String(error) });
      deps.log.error('stuck order could not be republished; the next sweep tries again', { orderId: order.orderId, error });
      onOrder(order.orderId, 'failed');
    }
  }
  return result;
}
