import type { PubSubStore, SubscriptionEntry } from './pubsubStore';
import { invalidArgument } from './statusError';
import { MAX_ACK_DEADLINE_SECONDS } from './validateSubscription';

/** Shared by the unary Acknowledge/ModifyAckDeadline and the streaming pull's in-stream acks. */
export function acknowledge(store: PubSubStore, entry: SubscriptionEntry, ackIds: readonly string[] | undefined): void {
  for (const ackId of store.checkAckIds(entry, ackIds)) entry.queue.ack(ackId);
}

export function checkDeadlineSeconds(seconds: number | undefined): number {
  const value = seconds ?? 0;
  if (!Number.isInteger(value) || value < 0 || value > MAX_ACK_DEADLINE_SECONDS) {
    throw invalidArgument(`Invalid ack deadline: ${value}. It must be between 0 and ${MAX_ACK_DEADLINE_SECONDS} seconds.`);
  }
  return value;
}

export function modifyAckDeadline(store: PubSubStore, entry: SubscriptionEntry, ackIds: readonly string[] | undefined, seconds: number | undefined): void {
  const value = checkDeadlineSeconds(seconds);
  for (const ackId of store.checkAckIds(entry, ackIds)) entry.queue.modifyDeadline(ackId, value);
}
