export interface BackoffBounds {
  readonly minMs: number;
  readonly maxMs: number;
}

/** The real service's retry policy defaults when a policy leaves one out (and Eventarc's trigger policy). */
export const REAL_POLICY_DEFAULTS: BackoffBounds = { minMs: 10_000, maxMs: 600_000 };

const clamp = (value: number, low: number, high: number): number => Math.min(Math.max(value, low), high);

/**
 * The backoff window a subscription uses. Its retryPolicy is honoured exactly, with the
 * real service's defaults for a missing bound: a local run must never redeliver sooner
 * than production would, or an outage that production rides out (Eventarc: 10 s .. 600 s,
 * five attempts, about 2.5 minutes) would dead-letter locally within a second or two.
 * Only without a policy do the emulator's own bounds apply (push backs off regardless).
 */
export function effectiveBackoff(policy: { minMs?: number; maxMs?: number } | undefined, bounds: BackoffBounds): BackoffBounds {
  if (!policy) return bounds;
  const minMs = policy.minMs ?? REAL_POLICY_DEFAULTS.minMs;
  const maxMs = Math.max(minMs, policy.maxMs ?? REAL_POLICY_DEFAULTS.maxMs);
  return { minMs, maxMs };
}

/** Exponential delay before redelivery after the `failures`-th failed attempt (1-based). */
export function retryDelayMs(failures: number, window: BackoffBounds): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return clamp(window.minMs * 2 ** exponent, window.minMs, window.maxMs);
}
