/**
 * A token bucket: `ratePerSecond` tokens refill continuously up to `capacity`; each
 * take() spends one if there is one. It starts full, so an instance's first request can
 * be sampled, as on Cloud Run. The clock is passed in (milliseconds), so it is pure to test.
 */
export class TokenBucket {
  private tokens: number;
  private lastMs: number | undefined;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity = 1,
  ) {
    if (!(ratePerSecond >= 0) || !Number.isFinite(ratePerSecond)) throw new RangeError(`token bucket rate must be a finite number >= 0, got ${ratePerSecond}`);
    if (!(capacity >= 1) || !Number.isFinite(capacity)) throw new RangeError(`token bucket capacity must be a finite number >= 1, got ${capacity}`);
    this.tokens = capacity;
  }

  /** Spends a token at time nowMs; true when there was one. */
  take(nowMs: number): boolean {
    // A clock that steps back refills nothing rather than draining the bucket.
    const elapsedMs = this.lastMs === undefined ? 0 : Math.max(0, nowMs - this.lastMs);
    this.lastMs = Math.max(nowMs, this.lastMs ?? nowMs);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsedMs / 1000) * this.ratePerSecond);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
