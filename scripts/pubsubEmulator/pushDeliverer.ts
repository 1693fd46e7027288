import type { PostAgents } from './httpPost';
import { httpPost } from './httpPost';
import type { SubscriptionEntry } from './pubsubStore';
import { pushRequest } from './pushRequest';
import type { Consumer, Delivery } from './subscriptionQueue';

// The statuses the real service treats as an acknowledgement.
const ACK_STATUSES = new Set([102, 200, 201, 202, 204]);

export interface PushDelivererOptions {
  readonly agents: PostAgents;
  readonly timeoutMs: number;
  /** Cap on concurrent POSTs per subscription, so a load test does not open thousands of sockets. */
  readonly maxInFlight: number;
  readonly log: (line: string) => void;
}

/** Delivers one push subscription's messages by HTTP POST, acking on 2xx and nacking otherwise. */
export class PushDeliverer implements Consumer {
  private inFlight = 0;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly entry: SubscriptionEntry,
    private readonly options: PushDelivererOptions,
  ) {}

  start(): void {
    this.entry.queue.addConsumer(this);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.entry.queue.removeConsumer(this);
    this.abort.abort();
  }

  messagesReady(): void {
    this.pump();
  }

  subscriptionClosed(): void {
    this.stop();
  }

  private pump(): void {
    // The lease outlives the POST's own timeout, so a slow endpoint never sees a duplicate in parallel.
    const leaseMs = this.options.timeoutMs + 5_000;
    while (!this.stopped && this.inFlight < this.options.maxInFlight) {
      // No lease owner: deliver() itself counts what is in flight.
      const [delivery] = this.entry.queue.take(1, leaseMs);
      if (!delivery) return;
      this.inFlight += 1;
      void this.deliver(delivery);
    }
  }

  private async deliver(delivery: Delivery): Promise<void> {
    const { proto, queue } = this.entry;
    const endpoint = proto.pushConfig?.pushEndpoint ?? '';
    const { message, deliveries } = delivery.record;
    const result = await httpPost(endpoint, pushRequest(message, proto, deliveries), this.options.agents, this.options.timeoutMs, this.abort.signal);
    this.inFlight -= 1;
    if (result.status !== undefined && ACK_STATUSES.has(result.status)) {
      queue.ack(delivery.ackId);
    } else {
      const why = result.status !== undefined ? `status ${result.status}` : (result.error ?? 'unknown error');
      if (!this.stopped) this.options.log(`push of message ${message.messageId} to ${endpoint} failed (${why}), attempt ${deliveries}`);
      queue.nack(delivery.ackId);
    }
    this.pump();
  }
}
