export interface BackoffBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/**
 * The backoff window a subscription uses: its retryPolicy when it has one, squeezed
 * into the emulator's configured bounds (the real defaults of 10 s .. 600 s would
 * make local runs crawl), else the configured bounds themselves.
 */
export function effectiveBackoff(policy: { minMs?: number; maxMs?: number } | undefined, bounds: BackoffBounds): BackoffBounds {
  if (!policy) return bounds;
  const minMs = clamp(policy.minMs ?? bounds.minMs, bounds.minMs, bounds.maxMs);
  const maxMs = clamp(policy.maxMs ?? bounds.maxMs, minMs, bounds.maxMs);
  return { minMs, maxMs };
}

/** Exponential delay before redelivery after the `failures`-th failed attempt (1-based). */
export function retryDelayMs(failures: number, window: BackoffBounds): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return clamp(window.minMs * 2 ** exponent, window.minMs, window.maxMs);
}
