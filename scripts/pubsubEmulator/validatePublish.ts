import type { PubsubMessage } from './pubsubTypes';
import { invalidArgument } from './statusError';

// The real service's per-message limits.
const MAX_ATTRIBUTES = 100;
const MAX_KEY_BYTES = 256;
const MAX_VALUE_BYTES = 1024;
// "10 MB" on cloud.google.com/pubsub/quotas#resource_limits, read as Google's clients
// read it (Python's PublishFlowControl byte_limit is 10 000 000): the stricter reading,
// so what passes here passes there.
export const MAX_REQUEST_BYTES = 10_000_000;
const MAX_MESSAGES = 1000;

export function validatePublish(messages: readonly PubsubMessage[] | undefined): readonly PubsubMessage[] {
  if (!messages || messages.length === 0) {
    throw invalidArgument('The request contains no messages.');
  }
  if (messages.length > MAX_MESSAGES) {
    throw invalidArgument(`The publish request contains ${messages.length} messages; at most ${MAX_MESSAGES} are allowed.`);
  }
  let bytes = 0;
  for (const message of messages) {
    const attributes = Object.entries(message.attributes ?? {});
    const data = message.data ?? Buffer.alloc(0);
    if (data.length === 0 && attributes.length === 0) {
      throw invalidArgument('Some messages are empty. Each message must contain non-empty data, or at least one attribute.');
    }
    if (attributes.length > MAX_ATTRIBUTES) {
      throw invalidArgument(`A message has ${attributes.length} attributes; at most ${MAX_ATTRIBUTES} are allowed.`);
    }
    for (const [key, value] of attributes) {
      if (key === '' || Buffer.byteLength(key) > MAX_KEY_BYTES) {
        throw invalidArgument(`Invalid attribute key "${key}": it must be 1-${MAX_KEY_BYTES} bytes.`);
      }
      if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
        throw invalidArgument(`The value of attribute "${key}" is longer than ${MAX_VALUE_BYTES} bytes.`);
      }
      bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
    bytes += data.length;
  }
  if (bytes > MAX_REQUEST_BYTES) {
    throw invalidArgument(`The publish request is ${bytes} bytes; at most ${MAX_REQUEST_BYTES} are allowed.`);
  }
  return messages;
}
