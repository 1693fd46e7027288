import type { Order } from './order';

export type MarkProcessedResult = 'processed' | 'already-processed';

/** `created`: this call wrote the document; `exists`: one with that id was already there (untouched). */
export type CreateResult = 'created' | 'exists';

/**
 * The trace an order continues in from its publish on: the trace id a 202 names and the
 * W3C context of the span that owns the rest of the order (see recordPublish below).
 */
export interface OrderTrace {
  readonly traceId: string;
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** Where orders live. Implementations raise DependencyError / PoisonMessageError (see errors.ts). */
export interface OrderStore {
  /** Creates the order's document unless one with that id exists (a create() precondition, never an overwrite). */
  create(order: Order): Promise<CreateResult>;
  /** The stored order, or undefined. */
  get(orderId: string): Promise<Order | undefined>;
  /**
   * Records the publish (outbox): `published`, `publishedAt`, `messageId`. Repeating it is
   * harmless. With `adoptedTrace`, the order's `traceId`/`traceparent`/`tracestate` become
   * those of whoever published it (a retry or the sweeper completing an order an earlier
   * request stored), so replays name the trace that holds the rest of the order.
   */
  markPublished(orderId: string, messageId: string | undefined, publishedAt: Date, adoptedTrace?: OrderTrace): Promise<void>;
  /** Records that the accepting request's publish failed, so a retry completes it at once. */
  markPublishFailed(orderId: string, failedAt: Date): Promise<void>;
  /** Orders not yet published and created before `createdBefore`, oldest first, at most `limit`. */
  listUnpublished(createdBefore: Date, limit: number): Promise<Order[]>;
  /** Orders published (last) before `publishedBefore` and still `received`, oldest publish first, at most `limit`. */
  listStuck(publishedBefore: Date, limit: number): Promise<Order[]>;
  /** Marks the order processed exactly once; a repeat changes nothing. Unknown order: PoisonMessageError. */
  markProcessed(orderId: string, messageId: string, processedAt: Date): Promise<MarkProcessedResult>;
}
