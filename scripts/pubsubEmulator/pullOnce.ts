import type { ServerUnaryCall } from '@grpc/grpc-js';
import type { PubSubStore } from './pubsubStore';
import type { ReceivedMessageProto } from './pubsubTypes';
import { receivedMessage } from './receivedMessage';
import { invalidArgument } from './statusError';
import type { Consumer, Delivery } from './subscriptionQueue';

export interface PullRequest {
  readonly subscription?: string;
  readonly maxMessages?: number;
  readonly returnImmediately?: boolean;
}

// An empty Pull waits this long for a message before answering empty, as the real service does (briefly).
const PULL_WAIT_MS = 2000;

/** Unary Pull: what is ready now, else waits a little for the first messages. */
export async function pullOnce(store: PubSubStore, request: PullRequest, call: ServerUnaryCall<unknown, unknown>): Promise<{ receivedMessages: ReceivedMessageProto[] }> {
  const entry = store.subscription(request.subscription);
  const max = request.maxMessages ?? 0;
  if (!Number.isInteger(max) || max <= 0) throw invalidArgument('max_messages must be greater than 0.');
  const deadlineMs = (entry.proto.ackDeadlineSeconds ?? 10) * 1000;
  let deliveries = entry.queue.take(max, deadlineMs);
  if (deliveries.length === 0 && !request.returnImmediately) {
    deliveries = await new Promise<Delivery[]>((resolve) => {
      const finish = (result: Delivery[]): void => {
        clearTimeout(timer);
        entry.queue.removeConsumer(consumer);
        call.off('cancelled', cancelled);
        resolve(result);
      };
      const cancelled = (): void => finish([]);
      const consumer: Consumer = {
        messagesReady: () => {
          const taken = entry.queue.take(max, deadlineMs);
          if (taken.length > 0) finish(taken);
        },
        subscriptionClosed: () => finish([]),
      };
      const timer = setTimeout(() => finish([]), PULL_WAIT_MS);
      timer.unref();
      call.on('cancelled', cancelled);
      entry.queue.addConsumer(consumer);
    });
  }
  return { receivedMessages: deliveries.map((d) => receivedMessage(d, entry.proto)) };
}
