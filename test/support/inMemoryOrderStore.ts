import { PoisonMessageError } from '../../shared/errors';
import type { Order } from '../../shared/order';
import type { CreateResult, MarkProcessedResult, OrderStore, OrderTrace } from '../../shared/orderStore';

/**
 * An in-memory OrderStore with Firestore's semantics where they matter (create() is a
 * precondition, markProcessed has one effect): unit tests only; integration tests use
 * the emulators. `effects` counts the orders markProcessed actually changed.
 */
export class InMemoryOrderStore implements OrderStore {
  readonly docs = new Map<string, Order>();
  readonly effects: string[] = [];

  async create(order: Order): Promise<CreateResult> {
    if (this.docs.has(order.orderId)) return 'exists';
    this.docs.set(order.orderId, order);
    return 'created';
  }

  async get(orderId: string): Promise<Order | undefined> {
    return this.docs.get(orderId);
  }

  async markPublished(orderId: string, messageId: string | undefined, publishedAt: Date, adoptedTrace?: OrderTrace): Promise<void> {
    this.update(orderId, { published: true, publishedAt: publishedAt.toISOString(), ...(messageId ? { messageId } : {}), ...(adoptedTrace ? { tracestate: undefined, ...adoptedTrace } : {}) });
  }

  async markPublishFailed(orderId: string, failedAt: Date): Promise<void> {
    this.update(orderId, { publishFailedAt: failedAt.toISOString() });
  }

  async listUnpublished(createdBefore: Date, limit: number): Promise<Order[]> {
    return [...this.docs.values()]
      .filter((order) => !order.published && Date.parse(order.createdAt) < createdBefore.getTime())
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit);
  }

  async listStuck(publishedBefore: Date, limit: number): Promise<Order[]> {
    return [...this.docs.values()]
      .filter((order) => order.status === 'received' && order.publishedAt !== undefined && Date.parse(order.publishedAt) < publishedBefore.getTime())
      .sort((a, b) => a.publishedAt!.localeCompare(b.publishedAt!))
      .slice(0, limit);
  }

  async markProcessed(orderId: string, _messageId?: string, _processedAt?: Date): Promise<MarkProcessedResult> {
    const order = this.docs.get(orderId);
    if (order === undefined) throw new PoisonMessageError(`order ${orderId} does not exist`);
    if (order.status === 'processed') return 'already-processed';
    this.update(orderId, { status: 'processed' });
    this.effects.push(orderId);
    return 'processed';
  }

  private update(orderId: string, fields: Partial<Order>): void {
    const order = this.docs.get(orderId);
    // Firestore's update() of a missing document fails with NOT_FOUND.
    if (order === undefined) throw new Error(`5 NOT_FOUND: no document ${orderId}`);
    this.docs.set(orderId, { ...order, ...fields });
  }
}
