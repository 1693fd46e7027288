import { parseTopicName } from './resourceNames';
import { durationToMs } from './protoTime';
import type { DeadLetterPolicyProto, PushConfigProto, SubscriptionProto } from './pubsubTypes';
import { invalidArgument } from './statusError';

const DEFAULT_ACK_DEADLINE_SECONDS = 10;
export const MAX_ACK_DEADLINE_SECONDS = 600;
const DEFAULT_MAX_DELIVERY_ATTEMPTS = 5;

export function validateAckDeadline(seconds: number | undefined): number {
  if (!seconds) return DEFAULT_ACK_DEADLINE_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 10 || seconds > MAX_ACK_DEADLINE_SECONDS) {
    throw invalidArgument(`Invalid ack_deadline_seconds: ${seconds}. It must be between 10 and ${MAX_ACK_DEADLINE_SECONDS}.`);
  }
  return seconds;
}

/** Normalises a push config; undefined means a pull subscription. */
export function validatePushConfig(pushConfig: PushConfigProto | null | undefined): PushConfigProto | undefined {
  const endpoint = pushConfig?.pushEndpoint ?? '';
  if (!pushConfig || endpoint === '') return undefined;
  const protocol = URL.parse(endpoint)?.protocol;
  // The real service insists on https; http is allowed here because local functions listen on plain http.
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw invalidArgument(`Invalid push_endpoint: ${endpoint}. It must be an absolute http(s) URL.`);
  }
  return { ...pushConfig, pushEndpoint: endpoint, attributes: { ...(pushConfig.attributes ?? {}) } };
}

function validateDeadLetterPolicy(policy: DeadLetterPolicyProto | null | undefined): DeadLetterPolicyProto | undefined {
  if (!policy || !policy.deadLetterTopic) return undefined;
  parseTopicName(policy.deadLetterTopic, 'dead_letter_policy.dead_letter_topic');
  const attempts = policy.maxDeliveryAttempts || DEFAULT_MAX_DELIVERY_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 5 || attempts > 100) {
    throw invalidArgument(`Invalid max_delivery_attempts: ${attempts}. It must be between 5 and 100.`);
  }
  return { deadLetterTopic: policy.deadLetterTopic, maxDeliveryAttempts: attempts };
}

function validateRetryPolicy(policy: SubscriptionProto['retryPolicy']): SubscriptionProto['retryPolicy'] {
  if (!policy) return undefined;
  const min = durationToMs(policy.minimumBackoff) ?? 10_000;
  const max = durationToMs(policy.maximumBackoff) ?? 600_000;
  if (min < 0 || max > 600_000 || min > max) {
    throw invalidArgument('Invalid retry_policy: minimum_backoff and maximum_backoff must be within 0..600s and minimum <= maximum.');
  }
  return policy;
}

/** Checks everything about a new subscription except the names and existence. */
export function normaliseSubscription(request: SubscriptionProto): SubscriptionProto {
  if (request.filter) {
    throw invalidArgument('Subscription filters are not supported by this emulator.');
  }
  return {
    ...request,
    ackDeadlineSeconds: validateAckDeadline(request.ackDeadlineSeconds),
    pushConfig: validatePushConfig(request.pushConfig) ?? {},
    deadLetterPolicy: validateDeadLetterPolicy(request.deadLetterPolicy) ?? null,
    retryPolicy: validateRetryPolicy(request.retryPolicy) ?? null,
    state: 'ACTIVE',
  };
}
