import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { FieldValue, Timestamp } from '@google-cloud/firestore';
import type { DocumentData, Firestore } from '@google-cloud/firestore';
import { DependencyError, PoisonMessageError } from '../errors';
import type { Order } from '../order';
import type { CreateResult, MarkProcessedResult, OrderStore, OrderTrace } from '../orderStore';
import { ORDERS_TRACER_NAME } from '../ordersTracer';
import { withDeadline } from '../withDeadline';

const ALREADY_EXISTS = 6;
const NOT_FOUND = 5;
const INVALID_ARGUMENT = 3;
// The registry has no Firestore value yet; this follows the `gcp.spanner` pattern.
const DB_SYSTEM = 'gcp.firestore';

/**
 * Orders in Firestore: `{collection}/{orderId}`. Creation is a create() precondition
 * (ALREADY_EXISTS decides which of several requests with one key wins). Processing is
 * idempotent through a create() precondition on `{collection}/{orderId}/deliveries/processed`,
 * committed in one batch with the status change, so a redelivered message changes
 * nothing (the emulator does not isolate transactions; preconditions hold there too).
 * The document is its own outbox: `published` is false until the publish is recorded.
 */
export class FirestoreOrderStore implements OrderStore {
  private readonly tracer = trace.getTracer(ORDERS_TRACER_NAME);

  constructor(
    private readonly db: Firestore,
    private readonly collection: string,
    private readonly timeoutMs: number,
  ) {}

  create(order: Order): Promise<CreateResult> {
    return this.traced('create', order.orderId, async (): Promise<CreateResult> => {
      const now = new Date();
      try {
        await this.doc(order.orderId).create({ ...order, createdAt: new Date(order.createdAt), updatedAt: now });
        return 'created';
      } catch (error) {
        if (grpcCode(error) === ALREADY_EXISTS) return 'exists';
        throw error;
      }
    });
  }

  get(orderId: string): Promise<Order | undefined> {
    return this.traced('get', orderId, async () => {
      const snapshot = await this.doc(orderId).get();
      return snapshot.exists ? toOrder(snapshot.data()!) : undefined;
    });
  }

  markPublished(orderId: string, messageId: string | undefined, publishedAt: Date, adoptedTrace?: OrderTrace): Promise<void> {
    return this.traced('mark_published', orderId, async () => {
      const trace = adoptedTrace
        ? { traceId: adoptedTrace.traceId, traceparent: adoptedTrace.traceparent, tracestate: adoptedTrace.tracestate ?? FieldValue.delete() }
        : {};
      await this.doc(orderId).update({ published: true, publishedAt, ...(messageId ? { messageId } : {}), ...trace, updatedAt: publishedAt });
    });
  }

  markPublishFailed(orderId: string, failedAt: Date): Promise<void> {
    return this.traced('mark_publish_failed', orderId, async () => {
      await this.doc(orderId).update({ publishFailedAt: failedAt, updatedAt: failedAt });
    });
  }

  /**
   * Equality on `published` plus a range on `createdAt`: on Firestore this needs one
   * composite index (published ASC, createdAt ASC); see the README.
   */
  listUnpublished(createdBefore: Date, limit: number): Promise<Order[]> {
    return this.traced('list_unpublished', '', async () => {
      const snapshot = await this.db
        .collection(this.collection)
        .where('published', '==', false)
        .where('createdAt', '<', createdBefore)
        .orderBy('createdAt')
        .limit(limit)
        .get();
      return snapshot.docs.map((doc) => toOrder(doc.data()));
    });
  }

  /**
   * Equality on `status` plus a range on `publishedAt` (absent until the first publish, so
   * unpublished orders never match): composite index (status ASC, publishedAt ASC); the
   * deploy creates it (see docs/recovery.md).
   */
  listStuck(publishedBefore: Date, limit: number): Promise<Order[]> {
    return this.traced('list_stuck', '', async () => {
      const snapshot = await this.db
        .collection(this.collection)
        .where('status', '==', 'received')
        .where('publishedAt', '<', publishedBefore)
        .orderBy('publishedAt')
        .limit(limit)
        .get();
      return snapshot.docs.map((doc) => toOrder(doc.data()));
    });
  }

  markProcessed(orderId: string, messageId: string, processedAt: Date): Promise<MarkProcessedResult> {
    return this.traced('mark_processed', orderId, async (): Promise<MarkProcessedResult> => {
      const ref = this.doc(orderId);
      const snapshot = await ref.get();
      if (!snapshot.exists) throw new PoisonMessageError(`order ${orderId} does not exist`);
      if (snapshot.get('status') === 'processed') return 'already-processed';
      const batch = this.db.batch();
      batch.create(ref.collection('deliveries').doc('processed'), { messageId, processedAt });
      batch.update(ref, { status: 'processed', processedAt, processedByMessageId: messageId, updatedAt: processedAt });
      try {
        await batch.commit();
        return 'processed';
      } catch (error) {
        if (grpcCode(error) === ALREADY_EXISTS) return 'already-processed';
        if (grpcCode(error) === NOT_FOUND) throw new PoisonMessageError(`order ${orderId} does not exist`);
        throw error;
      }
    });
  }

  private doc(orderId: string) {
    return this.db.collection(this.collection).doc(orderId);
  }

  /** One CLIENT span per store operation, with database semantic conventions; errors typed. */
  private traced<T>(operation: string, orderId: string, work: () => Promise<T>): Promise<T> {
    return this.tracer.startActiveSpan(
      `${operation} ${this.collection}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': DB_SYSTEM,
          'db.namespace': this.db.databaseId,
          'db.collection.name': this.collection,
          'db.operation.name': operation,
          ...(orderId ? { 'orders.order_id': orderId } : {}),
        },
      },
      async (span) => {
        try {
          return await withDeadline('firestore', operation, this.timeoutMs, work);
        } catch (error) {
          const typed = toTypedError(operation, error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: typed.message });
          if (grpcCode(error) !== undefined) span.setAttribute('db.response.status_code', String(grpcCode(error)));
          throw typed;
        } finally {
          span.end();
        }
      },
    );
  }
}

/** A stored document as an Order: Timestamps back to ISO strings. */
function toOrder(data: DocumentData): Order {
  const iso = (value: unknown): string | undefined => (value instanceof Timestamp ? value.toDate().toISOString() : typeof value === 'string' ? value : undefined);
  const { createdAt, publishedAt, publishFailedAt, ...rest } = data;
  // updatedAt / processedAt stay Timestamps: the Order type does not carry them.
  return {
    ...(rest as Omit<Order, 'createdAt' | 'publishedAt' | 'publishFailedAt'>),
    createdAt: iso(createdAt) ?? '',
    ...(iso(publishedAt) ? { publishedAt: iso(publishedAt) } : {}),
    ...(iso(publishFailedAt) ? { publishFailedAt: iso(publishFailedAt) } : {}),
  };
}

function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function toTypedError(operation: string, error: unknown): Error {
  if (error instanceof DependencyError || error instanceof PoisonMessageError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  // Firestore refused the request itself (e.g. a reserved id such as `__x__`): the same
  // request fails the same way every time, so no retry can fix it.
  const retryable = grpcCode(error) !== INVALID_ARGUMENT;
  return new DependencyError('firestore', `firestore: ${operation} failed: ${detail}`, retryable, { cause: error });
}
