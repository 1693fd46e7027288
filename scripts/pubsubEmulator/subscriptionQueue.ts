import { formatAckId } from './ackIds';
import type { StoredMessage } from './pubsubTypes';
import type { BackoffBounds } from './retryDelay';
import { retryDelayMs } from './retryDelay';

/** One message's life in one subscription. */
export interface MessageRecord {
  readonly seq: number;
  readonly message: StoredMessage;
  /** Deliveries so far; the real service's deliveryAttempt. */
  deliveries: number;
  failures: number;
}

/** Whoever counts its leases (a streaming pull's flow control) hears when one ends. */
export interface LeaseOwner {
  leaseEnded(): void;
}

/** Something that takes messages when they become ready. */
export interface Consumer {
  messagesReady(): void;
  subscriptionClosed(): void;
}

export interface Delivery {
  readonly ackId: string;
  readonly record: MessageRecord;
}

export interface SubscriptionQueuePolicy {
  /** Backoff window before a failed message is offered again; undefined = at once. */
  backoff(): BackoffBounds | undefined;
  /** Max deliveries before dead-lettering; undefined = no dead-letter policy. */
  maxDeliveryAttempts(): number | undefined;
  /** Forwards to the dead-letter topic; false when it cannot (message stays here). */
  deadLetter(record: MessageRecord): boolean;
}

interface Lease {
  readonly record: MessageRecord;
  readonly owner: LeaseOwner | undefined;
  timer: NodeJS.Timeout;
}

/**
 * The per-subscription message state: ready queue, leases with ack deadlines,
 * backoff timers. All timers are unref()ed and cleared by close().
 */
export class SubscriptionQueue {
  private readonly ready: MessageRecord[] = [];
  private readonly leases = new Map<string, Lease>();
  private readonly delayed = new Set<NodeJS.Timeout>();
  private readonly consumers = new Set<Consumer>();
  private nextSeq = 1;
  private notifyHandle: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(
    readonly serial: number,
    private readonly policy: SubscriptionQueuePolicy,
  ) {}

  enqueue(message: StoredMessage): void {
    if (this.closed) return;
    this.ready.push({ seq: this.nextSeq++, message, deliveries: 0, failures: 0 });
    this.scheduleNotify();
  }

  get readyCount(): number {
    return this.ready.length;
  }

  get leasedCount(): number {
    return this.leases.size;
  }

  /** Leases up to `max` ready messages for `deadlineMs`. */
  take(max: number, deadlineMs: number, owner?: LeaseOwner): Delivery[] {
    const out: Delivery[] = [];
    while (out.length < max && !this.closed) {
      const record = this.ready.shift();
      if (!record) break;
      record.deliveries += 1;
      const ackId = formatAckId({ subscriptionSerial: this.serial, seq: record.seq, delivery: record.deliveries });
      const lease: Lease = { record, owner, timer: this.leaseTimer(ackId, deadlineMs) };
      this.leases.set(ackId, lease);
      out.push({ ackId, record });
    }
    return out;
  }

  /** True when the ack id was a live lease; stale ids are ignored, as the real service does. */
  ack(ackId: string): boolean {
    const lease = this.endLease(ackId);
    return lease !== undefined;
  }

  /** Extends (or with 0 s, gives up) a lease. */
  modifyDeadline(ackId: string, seconds: number): boolean {
    if (seconds <= 0) return this.nack(ackId);
    const lease = this.leases.get(ackId);
    if (!lease) return false;
    clearTimeout(lease.timer);
    lease.timer = this.leaseTimer(ackId, seconds * 1000);
    return true;
  }

  /** A failed delivery: redeliver after backoff, or dead-letter once attempts are used up. */
  nack(ackId: string): boolean {
    const lease = this.endLease(ackId);
    if (!lease) return false;
    this.failed(lease.record);
    return true;
  }

  addConsumer(consumer: Consumer): void {
    this.consumers.add(consumer);
    if (this.ready.length > 0) this.scheduleNotify();
  }

  removeConsumer(consumer: Consumer): void {
    this.consumers.delete(consumer);
  }

  /** Wakes consumers, e.g. after one of them regains capacity. */
  scheduleNotify(): void {
    if (this.notifyHandle || this.closed || this.consumers.size === 0) return;
    // Batched on setImmediate: a publish of 1,000 messages wakes each consumer once.
    this.notifyHandle = setImmediate(() => {
      this.notifyHandle = undefined;
      this.notifyNow();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.notifyHandle) clearImmediate(this.notifyHandle);
    for (const lease of this.leases.values()) clearTimeout(lease.timer);
    this.leases.clear();
    for (const timer of this.delayed) clearTimeout(timer);
    this.delayed.clear();
    this.ready.length = 0;
    const consumers = [...this.consumers];
    this.consumers.clear();
    for (const consumer of consumers) consumer.subscriptionClosed();
  }

  private notifyNow(): void {
    // Rotate so several streams of one subscriber share the load.
    const consumers = [...this.consumers];
    const start = consumers.length > 0 ? this.nextSeq % consumers.length : 0;
    for (let i = 0; i < consumers.length && this.ready.length > 0 && !this.closed; i++) {
      consumers[(start + i) % consumers.length]?.messagesReady();
    }
  }

  private leaseTimer(ackId: string, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.nack(ackId), ms);
    timer.unref();
    return timer;
  }

  private endLease(ackId: string): Lease | undefined {
    const lease = this.leases.get(ackId);
    if (!lease) return undefined;
    clearTimeout(lease.timer);
    this.leases.delete(ackId);
    lease.owner?.leaseEnded();
    return lease;
  }

  private failed(record: MessageRecord): void {
    if (this.closed) return;
    record.failures += 1;
    const maxAttempts = this.policy.maxDeliveryAttempts();
    if (maxAttempts !== undefined && record.deliveries >= maxAttempts && this.policy.deadLetter(record)) return;
    const window = this.policy.backoff();
    const delay = window ? retryDelayMs(record.failures, window) : 0;
    if (delay <= 0) {
      this.ready.push(record);
      this.scheduleNotify();
      return;
    }
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      if (this.closed) return;
      this.ready.push(record);
      this.scheduleNotify();
    }, delay);
    timer.unref();
    this.delayed.add(timer);
  }
}
