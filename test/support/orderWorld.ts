import { context, trace } from '@opentelemetry/api';
import type { SpanContext } from '@opentelemetry/api';
import { DependencyError } from '../../shared/errors';
import type { OrderMessage } from '../../shared/order';
import type { OrderPublisher, PublishOptions } from '../../shared/orderPublisher';
import type { OrderStore } from '../../shared/orderStore';
import type { Logger } from 'cloud-functions-otel-tracing/internal/structuredLogger';
import { InMemoryOrderStore } from './inMemoryOrderStore';

export interface SentMessage {
  readonly message: OrderMessage;
  /** The span context active when it was published (the PRODUCER span's parent). */
  readonly parent: SpanContext | undefined;
  readonly options: PublishOptions;
}

/** A dependency step the fault injector can break. */
export type Step = 'create' | 'get' | 'publish' | 'markPublished' | 'markPublishFailed';

/**
 * `fail`: that call rejects with a DependencyError, later calls work. `crash-before` /
 * `crash-after`: the process dies before / after that call took effect, so that call
 * and every later one of the same attempt reject (nothing after it happens).
 */
export type Fault = { readonly step: Step; readonly kind: 'fail' | 'crash-before' | 'crash-after' };

export class Crash extends Error {
  override readonly name = 'Crash';
}

export const silentLog: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * One in-memory world (store, topic, processOrder's effect) that several attempts share;
 * each attempt gets its own dependencies, optionally with one fault injected.
 */
export class OrderWorld {
  readonly store = new InMemoryOrderStore();
  readonly sent: SentMessage[] = [];
  private delivered = 0;
  nowMs = Date.parse('2026-11-25T00:00:00Z');
  private ids = 0;

  now = (): Date => new Date(this.nowMs);

  /** Store and publisher for one attempt, with `fault` injected. */
  attempt(fault?: Fault, publishDelayMs = 0): { store: OrderStore; publisher: OrderPublisher; log: Logger; now: () => Date; newOrderId: () => string } {
    let crashed = false;
    const gate = async <T>(step: Step, call: () => Promise<T>): Promise<T> => {
      if (crashed) throw new Crash(`crashed before ${step}`);
      if (fault?.step === step) {
        if (fault.kind === 'fail') throw new DependencyError(step === 'publish' ? 'pubsub' : 'firestore', `${step} failed (injected)`, true);
        if (fault.kind === 'crash-before') {
          crashed = true;
          throw new Crash(`crashed before ${step}`);
        }
        const result = await call();
        crashed = true;
        throw new Crash(`crashed after ${step} (result ${String(result)})`);
      }
      return call();
    };
    const real = this.store;
    const store: OrderStore = {
      create: (order) => gate('create', () => real.create(order)),
      get: (orderId) => gate('get', () => real.get(orderId)),
      markPublished: (orderId, messageId, at, adopted) => gate('markPublished', () => real.markPublished(orderId, messageId, at, adopted)),
      markPublishFailed: (orderId, at) => gate('markPublishFailed', () => real.markPublishFailed(orderId, at)),
      listUnpublished: (before, limit) => real.listUnpublished(before, limit),
      listStuck: (before, limit) => real.listStuck(before, limit),
      markProcessed: (orderId, messageId, at) => real.markProcessed(orderId, messageId, at),
    };
    const publisher: OrderPublisher = {
      publish: (message, options = {}) =>
        gate('publish', async () => {
          if (publishDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, publishDelayMs));
          this.sent.push({ message, parent: trace.getSpanContext(context.active()), options });
          return `m-${this.sent.length}`;
        }),
    };
    return { store, publisher, log: silentLog, now: this.now, newOrderId: () => `order-${++this.ids}` };
  }

  /** processOrder for every message sent since the last call (each has its effect at most once per order). */
  async deliver(): Promise<void> {
    for (; this.delivered < this.sent.length; this.delivered++) await this.store.markProcessed(this.sent[this.delivered]!.message.orderId);
  }
}
