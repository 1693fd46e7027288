import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { StoredMessage, SubscriptionProto } from './pubsubTypes';

export interface PushRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export type PushFormat = 'cloudevent' | 'wrapper' | 'nowrapper';

/** Push config attribute that asks for the plain Pub/Sub wrapper instead of a CloudEvent. */
export const DELIVERY_ATTRIBUTE = 'x-emulator-delivery';

export function pushFormat(subscription: SubscriptionProto): PushFormat {
  const config = subscription.pushConfig ?? {};
  if (config.noWrapper) return 'nowrapper';
  if (config.pubsubWrapper || config.attributes?.[DELIVERY_ATTRIBUTE] === 'wrapper') return 'wrapper';
  return 'cloudevent';
}

function wrappedMessage(message: StoredMessage): Record<string, unknown> {
  const publishTime = new Date(message.publishTimeMs).toISOString();
  return {
    data: message.data.toString('base64'),
    attributes: { ...message.attributes },
    messageId: message.messageId,
    message_id: message.messageId,
    publishTime,
    publish_time: publishTime,
    ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
  };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** Headers that Node would refuse are left out rather than failing the delivery. */
function safeHeaders(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
      out[name] = value;
    } catch {
      // not representable as an HTTP header
    }
  }
  return out;
}

/**
 * The HTTP request a push subscription sends for one message. Default: the
 * binary-mode CloudEvent Eventarc delivers to a 2nd gen function.
 */
export function pushRequest(message: StoredMessage, subscription: SubscriptionProto, deliveryAttempt: number): PushRequest {
  const format = pushFormat(subscription);
  if (format === 'nowrapper') {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (subscription.pushConfig?.noWrapper?.writeMetadata) {
      Object.assign(
        headers,
        safeHeaders([
          ['x-goog-pubsub-subscription-name', subscription.name],
          ['x-goog-pubsub-message-id', message.messageId],
          ['x-goog-pubsub-publish-time', new Date(message.publishTimeMs).toISOString()],
          ...Object.entries(message.attributes),
        ]),
      );
    }
    return { headers, body: message.data };
  }
  const envelope = { message: wrappedMessage(message), subscription: subscription.name };
  if (format === 'wrapper') {
    const withAttempt = subscription.deadLetterPolicy ? { ...envelope, deliveryAttempt } : envelope;
    return { headers: { 'content-type': 'application/json' }, body: json(withAttempt) };
  }
  return {
    headers: {
      'ce-id': message.messageId,
      'ce-specversion': '1.0',
      'ce-type': 'google.cloud.pubsub.topic.v1.messagePublished',
      'ce-source': `//pubsub.googleapis.com/${subscription.topic}`,
      'ce-time': new Date(message.publishTimeMs).toISOString(),
      'content-type': 'application/json',
    },
    body: json(envelope),
  };
}
