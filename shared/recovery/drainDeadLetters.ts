import { context } from '@opentelemetry/api';
import { boundedId } from '../boundedId';
import { DependencyError, PoisonMessageError } from '../errors';
import type { OrderPublisher } from '../orderPublisher';
import type { OrderStore } from '../orderStore';
import { decodeOrderMessage } from '../orders/decodeOrderMessage';
import { orderTraceContext } from '../orders/orderTraceContext';
import { publishAndMark } from '../orders/publishAndMark';
import type { Logger } from 'cloud-functions-otel-tracing';
import type { DeadLetter, DeadLetterSource } from './deadLetterSource';

export interface DrainDeadLettersDeps {
  readonly store: Pick<OrderStore, 'get' | 'markPublished'>;
  readonly publisher: OrderPublisher;
  readonly deadLetters: DeadLetterSource;
  readonly log: Logger;
  readonly now: () => Date;
}

export interface DrainDeadLettersOptions {
  /** At most this many dead letters per pass. */
  readonly limit: number;
  /** Report what would happen; pull, then hand every message back untouched. */
  readonly dryRun: boolean;
}

/** What became of one dead letter. */
export type DeadLetterOutcome = 'republished' | 'superseded' | 'already-processed' | 'recorded' | 'kept';

export interface DrainDeadLettersResult {
  pulled: number;
  /** Orders still `received`: published again, the dead letter acknowledged. */
  readonly republished: string[];
  /** Orders processed meanwhile (e.g. by a redelivery): acknowledged, nothing else. */
  readonly alreadyProcessed: string[];
  /** Orders published again after this message was (by the stuck pass or a retry): acknowledged, that newer message is under way. */
  readonly superseded: string[];
  /** No retry can fix these (not an order message, unknown order): logged as errors and acknowledged. */
  readonly recorded: { readonly messageId: string; readonly reason: string }[];
  /** A dependency failed: handed back for the next pass. */
  readonly kept: { readonly messageId: string; readonly error: string }[];
}

const BATCH = 100;

/**
 * Drains the dead-letter subscription: messages processOrder failed on until Pub/Sub gave
 * up (an outage longer than its retries). A message naming an order still `received` is
 * published again to the orders topic in the order's own trace (processOrder is
 * idempotent); one whose order is processed is acknowledged; one no retry can fix (not
 * an order message, an unknown order) is recorded in the log at ERROR severity, with
 * where it came from, and acknowledged. When the store or the publish fails, the
 * message is handed back and the next pass tries again.
 */
export async function drainDeadLetters(
  deps: DrainDeadLettersDeps,
  options: DrainDeadLettersOptions,
  onMessage: (messageId: string, outcome: DeadLetterOutcome) => void = () => undefined,
): Promise<DrainDeadLettersResult> {
  const result: DrainDeadLettersResult = { pulled: 0, republished: [], alreadyProcessed: [], superseded: [], recorded: [], kept: [] };
  const handBack: string[] = [];
  try {
    while (result.pulled < options.limit) {
      const batch = await deps.deadLetters.pull(Math.min(BATCH, options.limit - result.pulled));
      if (batch.length === 0) break;
      result.pulled += batch.length;
      const done: string[] = [];
      for (const letter of batch) {
        const outcome = await settle(letter, deps, options.dryRun, result);
        onMessage(boundedId(letter.messageId), outcome);
        (outcome === 'kept' || options.dryRun ? handBack : done).push(letter.ackId);
      }
      if (done.length > 0) await deps.deadLetters.ack(done);
      if (batch.length < BATCH) break;
    }
  } finally {
    // Handed back only now: nacked at once, they would come straight back in this pass.
    if (handBack.length > 0) await deps.deadLetters.nack(handBack).catch(() => undefined);
  }
  return result;
}

async function settle(letter: DeadLetter, deps: DrainDeadLettersDeps, dryRun: boolean, result: DrainDeadLettersResult): Promise<DeadLetterOutcome> {
  const messageId = boundedId(letter.messageId);
  const record = (reason: string, orderId?: string): DeadLetterOutcome => {
    result.recorded.push({ messageId, reason });
    if (!dryRun) {
      deps.log.error('dead letter cannot be processed; recorded and acknowledged', {
        messageId,
        ...(orderId ? { orderId } : {}),
        reason,
        sourceSubscription: boundedId(letter.attributes.CloudPubSubDeadLetterSourceSubscription),
        deliveryAttempts: boundedId(letter.attributes.CloudPubSubDeadLetterSourceDeliveryCount),
      });
    }
    return 'recorded';
  };
  let orderId: string;
  try {
    orderId = decodeOrderMessage(letter.data).orderId;
  } catch (error) {
    if (error instanceof PoisonMessageError) return record(error.message);
    throw error;
  }
  try {
    const order = await deps.store.get(orderId);
    if (order === undefined) return record(`order ${orderId} does not exist`, orderId);
    if (order.status === 'processed') {
      result.alreadyProcessed.push(orderId);
      return 'already-processed';
    }
    // One message under way per order is enough: dead letters do not multiply during a long outage.
    if (order.publishedAt !== undefined && letter.publishTime !== undefined && Date.parse(order.publishedAt) > Date.parse(letter.publishTime)) {
      result.superseded.push(orderId);
      return 'superseded';
    }
    if (!dryRun) {
      const newMessageId = await context.with(orderTraceContext(order, context.active()), () => publishAndMark(order, deps));
      deps.log.warn('dead-lettered order published again', { orderId, messageId, newMessageId });
    }
    result.republished.push(orderId);
    return 'republished';
  } catch (error) {
    if (error instanceof PoisonMessageError) return record(error.message, orderId);
    // Firestore refused the request itself (INVALID_ARGUMENT): no later pass can do better.
    if (error instanceof DependencyError && !error.retryable) return record(error.message, orderId);
    result.kept.push({ messageId, error: error instanceof Error ? error.message : String(error) });
    deps.log.error('dead letter kept for the next sweep', { messageId, orderId, error });
    return 'kept';
  }
}
