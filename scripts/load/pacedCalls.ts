export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: PaceClock = { now: () => Date.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * `fn`, started at most `perSecond` times a second however many callers wait (each call
 * takes the next free slot, in call order): for an API whose quota counts calls per minute.
 */
export function pacedCalls<A, R>(fn: (arg: A) => Promise<R>, perSecond: number, clock: PaceClock = REAL_CLOCK): (arg: A) => Promise<R> {
  const interval = 1000 / perSecond;
  let nextSlot = -Infinity;
  return async (arg) => {
    const now = clock.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await clock.sleep(slot - now);
    return fn(arg);
  };
}
