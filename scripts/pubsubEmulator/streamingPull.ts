import type { handleBidiStreamingCall, ServerDuplexStream } from '@grpc/grpc-js';
import { acknowledge, checkDeadlineSeconds, modifyAckDeadline } from './ackRequests';
import type { PubSubStore, SubscriptionEntry } from './pubsubStore';
import type { ReceivedMessageProto } from './pubsubTypes';
import { receivedMessage } from './receivedMessage';
import { invalidArgument, notFound, toServiceError } from './statusError';
import type { Consumer, LeaseOwner } from './subscriptionQueue';

interface StreamingPullRequest {
  readonly subscription?: string;
  readonly ackIds?: string[];
  readonly modifyDeadlineSeconds?: number[];
  readonly modifyDeadlineAckIds?: string[];
  readonly streamAckDeadlineSeconds?: number;
  readonly maxOutstandingMessages?: string | number;
}

interface StreamingPullResponse {
  readonly receivedMessages?: ReceivedMessageProto[];
  readonly subscriptionProperties?: { exactlyOnceDeliveryEnabled: boolean; messageOrderingEnabled: boolean };
}

type Call = ServerDuplexStream<StreamingPullRequest, StreamingPullResponse>;

// Per response and, when the client sets no flow control, per stream.
const MAX_BATCH = 1000;

/** One StreamingPull call: the client's default path behind subscription.on('message'). */
class StreamingPullSession implements Consumer, LeaseOwner {
  private entry: SubscriptionEntry | undefined;
  private deadlineMs = 10_000;
  private maxOutstanding = MAX_BATCH;
  private outstanding = 0;
  private writable = true;
  private ended = false;

  constructor(
    private readonly store: PubSubStore,
    private readonly call: Call,
  ) {
    call.on('data', (request: StreamingPullRequest) => this.receive(request));
    // The client half-closed: finish cleanly so its stream ends with OK.
    call.on('end', () => this.finish());
    call.on('cancelled', () => this.stop());
    call.on('close', () => this.stop());
    call.on('error', () => this.stop());
  }

  messagesReady(): void {
    this.drain();
  }

  subscriptionClosed(): void {
    this.fail(notFound(this.entry?.proto.name.split('/').pop() ?? 'subscription'));
  }

  leaseEnded(): void {
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (!this.ended) this.entry?.queue.scheduleNotify();
  }

  private receive(request: StreamingPullRequest): void {
    if (this.ended) return;
    try {
      if (!this.entry) {
        this.open(request);
      } else if (isKeepAlive(request)) {
        // protocol_version 1 clients ping with {} and expect an answer within 15 s.
        this.write({});
      } else if (request.streamAckDeadlineSeconds) {
        this.deadlineMs = checkDeadlineSeconds(request.streamAckDeadlineSeconds) * 1000;
      }
      if (this.entry) this.applyAcks(this.entry, request);
    } catch (error) {
      this.fail(error);
    }
  }

  private open(request: StreamingPullRequest): void {
    const entry = this.store.subscription(request.subscription);
    const seconds = checkDeadlineSeconds(request.streamAckDeadlineSeconds);
    this.deadlineMs = (seconds || entry.proto.ackDeadlineSeconds || 10) * 1000;
    const max = Number(request.maxOutstandingMessages ?? 0);
    this.maxOutstanding = Number.isFinite(max) && max > 0 ? max : MAX_BATCH;
    this.entry = entry;
    entry.queue.addConsumer(this);
  }

  private applyAcks(entry: SubscriptionEntry, request: StreamingPullRequest): void {
    if (request.ackIds?.length) acknowledge(this.store, entry, request.ackIds);
    const ids = request.modifyDeadlineAckIds ?? [];
    const seconds = request.modifyDeadlineSeconds ?? [];
    if (ids.length !== seconds.length) {
      throw invalidArgument('modify_deadline_ack_ids and modify_deadline_seconds must have the same length.');
    }
    ids.forEach((id, i) => modifyAckDeadline(this.store, entry, [id], seconds[i]));
  }

  private drain(): void {
    const entry = this.entry;
    while (entry && !this.ended && this.writable) {
      const capacity = Math.min(this.maxOutstanding - this.outstanding, MAX_BATCH);
      if (capacity <= 0) return;
      const deliveries = entry.queue.take(capacity, this.deadlineMs, this);
      if (deliveries.length === 0) return;
      this.outstanding += deliveries.length;
      this.write({
        receivedMessages: deliveries.map((d) => receivedMessage(d, entry.proto)),
        subscriptionProperties: { exactlyOnceDeliveryEnabled: false, messageOrderingEnabled: entry.proto.enableMessageOrdering === true },
      });
    }
  }

  private write(response: StreamingPullResponse): void {
    if (this.ended) return;
    this.writable = this.call.write(response);
    if (!this.writable) {
      this.call.once('drain', () => {
        this.writable = true;
        this.drain();
      });
    }
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.stop();
    this.call.emit('error', toServiceError(error));
  }

  private finish(): void {
    if (this.ended) return;
    this.stop();
    this.call.end();
  }

  private stop(): void {
    this.ended = true;
    this.entry?.queue.removeConsumer(this);
  }
}

const isKeepAlive = (r: StreamingPullRequest): boolean =>
  !r.subscription && !r.ackIds?.length && !r.modifyDeadlineAckIds?.length && !r.streamAckDeadlineSeconds;

export function streamingPullHandler(store: PubSubStore): handleBidiStreamingCall<StreamingPullRequest, StreamingPullResponse> {
  return (call) => {
    try {
      new StreamingPullSession(store, call);
    } catch (error) {
      call.emit('error', toServiceError(error));
    }
  };
}
