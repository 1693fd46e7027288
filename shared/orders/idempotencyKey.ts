import { createHash } from 'node:crypto';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Visible ASCII (0x21–0x7E), as the IETF Idempotency-Key draft allows, at most 255 of them. */
const VALID_KEY = /^[\x21-\x7e]{1,255}$/;

export type ParsedIdempotencyKey =
  | { readonly ok: true; readonly key: string | undefined }
  | { readonly ok: false; readonly problem: string };

/**
 * The Idempotency-Key header value: absent is fine (undefined), anything else must be
 * 1–255 visible ASCII characters. Node joins a repeated header with ", ", which
 * contains a space and is therefore refused rather than silently merged.
 */
export function parseIdempotencyKey(raw: string | undefined): ParsedIdempotencyKey {
  if (raw === undefined) return { ok: true, key: undefined };
  if (VALID_KEY.test(raw)) return { ok: true, key: raw };
  const why = raw.length === 0 ? 'is empty' : raw.length > 255 ? `has ${raw.length} characters` : 'contains a character outside visible ASCII (0x21-0x7E)';
  return { ok: false, problem: `${IDEMPOTENCY_KEY_HEADER} ${why}; it must be 1 to 255 visible ASCII characters, e.g. a UUID` };
}

// Versioned namespace: changing how ids are derived must not map old keys onto new orders.
const NAMESPACE = 'traced-order-functions/idempotency-key/v1\0';

/**
 * The order id a key stands for: UUID-shaped (version 8, "custom") from SHA-256 of the
 * key. Deterministic, so every request with the key races for the same document and
 * Firestore's create() precondition picks exactly one winner, with no transaction
 * (the emulator does not isolate them). It does not depend on the project or
 * collection, so a key means the same order id wherever it is replayed.
 */
export function orderIdForKey(key: string): string {
  const bytes = createHash('sha256').update(NAMESPACE + key, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
