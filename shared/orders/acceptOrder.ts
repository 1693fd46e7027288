import { setTimeout as delay } from 'node:timers/promises';
import { context } from '@opentelemetry/api';
import type { Link } from '@opentelemetry/api';
import { DependencyError, ValidationError } from '../errors';
import type { CreateResult, OrderTrace } from '../orderStore';
import type { Order } from '../order';
import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import { parseOrderInput } from '../orderSchema';
import type { Logger } from 'cloud-functions-otel-tracing';
import { IdempotencyConflictError, OrderInFlightError, OrderNotPublishedError, OrderOutcomeUnknownError } from './acceptErrors';
import { orderIdForKey } from './idempotencyKey';
import { orderFingerprint } from './orderFingerprint';
import { adoptableTrace, captureTraceContext, linkToStoredContext, orderTraceContext } from './orderTraceContext';
import { publishAndMark } from './publishAndMark';

export interface AcceptOrderDeps {
  readonly store: OrderStore;
  readonly publisher: OrderPublisher;
  readonly log: Logger;
  readonly newOrderId: () => string;
  readonly now: () => Date;
  /**
   * How long after its creation an unpublished order may still be in the hands of the
   * request that created it (its publish deadline and more). Older, it was abandoned
   * (the instance died) and a retry with the key completes it.
   */
  readonly inFlightMs: number;
  /** How long a duplicate waits for the request that is still working on the order (default 3 s). */
  readonly duplicateWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface AcceptRequest {
  /** The JSON-decoded body. */
  readonly body: unknown;
  /** A valid Idempotency-Key (see parseIdempotencyKey), or undefined. */
  readonly idempotencyKey: string | undefined;
  /** The trace this request runs in; stored with a new order and answered to the client. */
  readonly traceId: string;
}

/** `created`: this request stored and published it; `replayed`: an earlier one had; `completed`: this request published an order an earlier one had stored. */
export type AcceptOutcome = 'created' | 'replayed' | 'completed';

export interface AcceptedOrder {
  readonly orderId: string;
  /** The order's trace: this request's for a new order, the first request's for a repeat. */
  readonly traceId: string;
  readonly messageId: string | undefined;
  readonly outcome: AcceptOutcome;
}

const POLL_MS = 50;

/**
 * Validates an order, stores it as `received` and unpublished, publishes it and records
 * the publish (an outbox in the order's own document). Resolves only once the order is
 * both stored and published; nothing accepted is ever deleted:
 *
 * - bad input: ValidationError, nothing written;
 * - the write is refused: DependencyError, nothing stored or published;
 * - the write times out or the store is unavailable: OrderOutcomeUnknownError with the
 *   order id (the write may still land; the sweeper then publishes it);
 * - the publish fails: OrderNotPublishedError, the order is kept for a retry with the
 *   same key or for the sweeper (republishPending);
 * - same key, same order: the first request's answer (`replayed`), or this request
 *   publishes an order the first one left unpublished (`completed`);
 * - same key, another order: IdempotencyConflictError, nothing changed;
 * - same key while the first request is still at work: waits a little, then
 *   OrderInFlightError.
 */
export async function acceptOrder(request: AcceptRequest, deps: AcceptOrderDeps): Promise<AcceptedOrder> {
  const parsed = parseOrderInput(request.body);
  if (!parsed.ok) throw new ValidationError(parsed.problems);
  const { customerId, items, currency } = parsed.value;
  const keyed = request.idempotencyKey !== undefined;
  const cents = items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
  const order: Order = {
    orderId: keyed ? orderIdForKey(request.idempotencyKey!) : deps.newOrderId(),
    customerId,
    items,
    currency,
    status: 'received',
    total: cents / 100,
    itemCount: items.reduce((sum, item) => sum + item.quantity, 0),
    createdAt: deps.now().toISOString(),
    traceId: request.traceId,
    fingerprint: orderFingerprint(parsed.value),
    keyed,
    ...captureTraceContext(context.active()),
    published: false,
  };
  if ((await createOrUnknown(order, deps)) === 'exists') return resolveRepeat(order, deps);
  const messageId = await publishOrKeep(order, deps);
  return { orderId: order.orderId, traceId: order.traceId, messageId, outcome: 'created' };
}

/** A document with this key's order id exists: replay it, complete it, wait for it, or refuse. */
async function resolveRepeat(candidate: Order, deps: AcceptOrderDeps): Promise<AcceptedOrder> {
  const sleep = deps.sleep ?? delay;
  const polls = Math.max(1, Math.ceil((deps.duplicateWaitMs ?? 3000) / POLL_MS));
  for (let poll = 0; ; poll++) {
    const existing = await deps.store.get(candidate.orderId);
    // Gone again (deleted by hand): not ours to recreate under this request; a retry will.
    if (existing === undefined) throw new OrderInFlightError(candidate.orderId);
    if (existing.fingerprint !== candidate.fingerprint) throw new IdempotencyConflictError();
    if (existing.published) {
      return { orderId: existing.orderId, traceId: existing.traceId, messageId: existing.messageId, outcome: 'replayed' };
    }
    const age = deps.now().getTime() - Date.parse(existing.createdAt);
    if (existing.publishFailedAt !== undefined || age >= deps.inFlightMs) {
      // The first request gave up or died. If it died, its spans were never exported, so
      // spans hung under its stored context would make a trace with no root: this request
      // publishes under its own live span instead, links to the stored context, and records
      // its own trace as the order's, so this 202 and every later replay name a trace with
      // exactly one root (docs/recovery.md, "Traces of recovered orders"). Two retries doing
      // so at once send two messages, which processOrder's idempotent markProcessed turns
      // into one effect.
      const adopted = adoptableTrace(context.active());
      if (adopted) {
        const messageId = await publishOrKeep(existing, deps, linkToStoredContext(existing, 'accepted-by'), adopted);
        return { orderId: existing.orderId, traceId: adopted.traceId, messageId, outcome: 'completed' };
      }
      // Tracing off: no spans to place; the order keeps the trace id it was stored with.
      const messageId = await context.with(orderTraceContext(existing, context.active()), () => publishOrKeep(existing, deps));
      return { orderId: existing.orderId, traceId: existing.traceId, messageId, outcome: 'completed' };
    }
    if (poll + 1 >= polls) throw new OrderInFlightError(candidate.orderId);
    await sleep(POLL_MS);
  }
}

/** publishAndMark; on failure the order stays stored (flagged for an immediate retry) and OrderNotPublishedError says so. */
async function publishOrKeep(order: Order, deps: AcceptOrderDeps, links: Link[] = [], adoptTrace?: OrderTrace): Promise<string> {
  try {
    return await publishAndMark(order, deps, { links, ...(adoptTrace ? { adoptTrace } : {}) });
  } catch (error) {
    await deps.store.markPublishFailed(order.orderId, deps.now()).catch((markError: unknown) => {
      deps.log.warn('could not flag the failed publish; a retry waits until the order is no longer in flight', { orderId: order.orderId, error: markError });
    });
    throw new OrderNotPublishedError(order.orderId, order.keyed, { cause: error });
  }
}

/** store.create; a failure a retry could fix may still have written the order: its outcome is unknown. */
async function createOrUnknown(order: Order, deps: AcceptOrderDeps): Promise<CreateResult> {
  try {
    return await deps.store.create(order);
  } catch (error) {
    if (error instanceof DependencyError && error.retryable) throw new OrderOutcomeUnknownError(order.orderId, order.keyed, { cause: error });
    throw error;
  }
}
