import { PoisonMessageError } from '../errors';
import type { OrderMessage } from '../order';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const ORDER_ID = /^[\w-]{1,128}$/;
// Firestore reserves ids of the form __…__ (INVALID_ARGUMENT there, accepted by the emulator).
const RESERVED_ID = /^__.*__$/;

/** The order message inside a Pub/Sub message's base64 `data`. Anything else is poison. */
export function decodeOrderMessage(data: unknown): OrderMessage {
  if (typeof data !== 'string' || data.length === 0) throw new PoisonMessageError('message has no data');
  if (data.length % 4 !== 0 || !BASE64.test(data)) throw new PoisonMessageError('message data is not valid base64');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    throw new PoisonMessageError('message data is not JSON');
  }
  const candidate = body as Partial<Record<keyof OrderMessage, unknown>> | null;
  if (typeof candidate !== 'object' || candidate === null || typeof candidate.orderId !== 'string' || !ORDER_ID.test(candidate.orderId) || RESERVED_ID.test(candidate.orderId)) {
    throw new PoisonMessageError('message carries no valid orderId');
  }
  return {
    orderId: candidate.orderId,
    customerId: typeof candidate.customerId === 'string' ? candidate.customerId : '',
    total: typeof candidate.total === 'number' ? candidate.total : 0,
    currency: typeof candidate.currency === 'string' ? candidate.currency : '',
    itemCount: typeof candidate.itemCount === 'number' ? candidate.itemCount : 0,
  };
}
