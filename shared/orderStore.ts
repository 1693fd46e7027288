import type { Order } from './order';

export type MarkProcessedResult = 'processed' | 'already-processed';

/** Where orders live. Implementations raise DependencyError / PoisonMessageError (see errors.ts). */
export interface OrderStore {
  /** Creates the order's document; fails if one with that id exists. */
  create(order: Order): Promise<void>;
  /** Best-effort undo of `create` when the order could not be published. */
  remove(orderId: string): Promise<void>;
  /** Marks the order processed exactly once; a repeat changes nothing. Unknown order: PoisonMessageError. */
  markProcessed(orderId: string, messageId: string, processedAt: Date): Promise<MarkProcessedResult>;
}
