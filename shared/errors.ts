/**
 * Typed errors raised inside the pipeline and caught only at the function boundary,
 * where each maps to one HTTP status or to ack-versus-retry.
 */

/** The client's input is wrong; nothing was written or published. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid order: ${problems.join('; ')}`);
  }
}

/** Which dependency failed, so the response can say so. */
export type Dependency = 'firestore' | 'pubsub';

/** A dependency failed or timed out. `retryable` says whether trying again can fix it. */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
  constructor(
    readonly dependency: Dependency,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message that can never be processed (bad encoding, unknown order): acknowledge, record, move on. */
export class PoisonMessageError extends Error {
  override readonly name = 'PoisonMessageError';
}
