import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadPlan {
  /** At most this many requests. */
  readonly orders: number;
  /** In-flight requests (closed loop), or the in-flight cap under a fixed rate. */
  readonly concurrency: number;
  /** Arrivals per second (open loop); undefined = closed loop. */
  readonly rate: number | undefined;
  /** No request starts after this long. */
  readonly maxDurationMs: number;
}

export interface LoadRun<R> {
  readonly results: R[];
  /** Epoch ms of the first send and of the last answer. */
  readonly startedAt: number;
  readonly endedAt: number;
  /** True when the time bound, not the count, ended the run. */
  readonly timeBound: boolean;
}

/**
 * Drives `send` for at most `plan.orders` requests and at most `plan.maxDurationMs`.
 * `send` must not throw (sendOrder never does); `onResult` sees each as it lands.
 */
export async function runLoad<R>(plan: LoadPlan, send: (index: number) => Promise<R>, onResult: (result: R) => void = () => undefined): Promise<LoadRun<R>> {
  const results: R[] = [];
  const startedAt = Date.now();
  const deadline = startedAt + plan.maxDurationMs;
  let next = 0;
  let timeBound = false;
  const record = (result: R): void => {
    results.push(result);
    onResult(result);
  };
  const mayStart = (): boolean => {
    if (next >= plan.orders) return false;
    if (Date.now() >= deadline) {
      timeBound = true;
      return false;
    }
    return true;
  };

  if (plan.rate === undefined) {
    const worker = async (): Promise<void> => {
      while (mayStart()) record(await send(next++));
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.orders) }, worker));
  } else {
    // Open loop: request i is due at start + i/rate whatever the answers do, except
    // that no more than `concurrency` are outstanding (so a stalled target cannot
    // make the generator pile up unbounded work).
    const interval = 1000 / plan.rate;
    const inFlight = new Set<Promise<void>>();
    while (mayStart()) {
      const due = startedAt + next * interval;
      const wait = Math.min(due, deadline) - Date.now();
      if (wait > 0) await sleep(wait);
      if (!mayStart()) break;
      while (inFlight.size >= plan.concurrency) await Promise.race(inFlight);
      const p: Promise<void> = send(next++).then((r) => {
        record(r);
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  }
  return { results, startedAt, endedAt: Date.now(), timeBound };
}
