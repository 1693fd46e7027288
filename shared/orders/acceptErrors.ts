/**
 * Why an order was not (or not yet) accepted, beyond bad input (ValidationError) and a
 * failed write (DependencyError). Caught only at the function boundary.
 */

/** The Idempotency-Key was used before with a different order: refused, nothing changed. */
export class IdempotencyConflictError extends Error {
  override readonly name = 'IdempotencyConflictError';
  constructor() {
    super('this Idempotency-Key was already used with a different order; use a new key for a new order');
  }
}

/** Another request with the same key is still storing or publishing the order. */
export class OrderInFlightError extends Error {
  override readonly name = 'OrderInFlightError';
  constructor(readonly orderId: string) {
    super('a request with this Idempotency-Key is still in progress; retry with the same key shortly');
  }
}

/** An order whose fate the caller cannot tell from the answer alone: it carries the id to ask about. */
abstract class OrderInDoubtError extends Error {
  constructor(
    readonly orderId: string,
    readonly keyed: boolean,
    options: { cause: unknown },
  ) {
    super(options.cause instanceof Error ? options.cause.message : String(options.cause), options);
  }
}

/**
 * The order is stored but its publish failed: it is kept (outbox), so it is not lost.
 * A retry with the same key completes it; otherwise the recovery sweeper publishes it.
 */
export class OrderNotPublishedError extends OrderInDoubtError {
  override readonly name = 'OrderNotPublishedError';
}

/**
 * The write of a new order failed in a way that leaves its outcome unknown (a timeout,
 * UNAVAILABLE): it may still land. If it does, the recovery sweeper publishes it like
 * any stored order, so the answer names the order id, which is this order's only if it
 * was stored. A retry with the same Idempotency-Key settles it.
 */
export class OrderOutcomeUnknownError extends OrderInDoubtError {
  override readonly name = 'OrderOutcomeUnknownError';
}
