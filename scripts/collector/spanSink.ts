import type { StoredSpan } from './storedSpan';

/** Where receivers hand decoded spans; it must not throw. */
export type SpanSink = (spans: readonly StoredSpan[]) => void;

/** Request bodies above this are refused (HTTP 413, gRPC RESOURCE_EXHAUSTED). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
