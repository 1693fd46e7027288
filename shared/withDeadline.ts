import { DependencyError } from './errors';
import type { Dependency } from './errors';

// Calls past their deadline that the client library is still retrying in the
// background. Firestore's commit retries UNAVAILABLE for up to 10 minutes and offers
// no per-call limit, so during an outage each request would leave one more behind;
// past this many per dependency, new calls fail at once instead of piling up.
const MAX_ABANDONED_CALLS = 100;
const abandoned = new Map<Dependency, number>();

/**
 * Bounds a dependency call: a client library retrying for a minute must not hold
 * a request that long. The call itself is not cancelled (the libraries offer no way);
 * its result is ignored, and while too many such calls are still running, further
 * calls to that dependency are refused without being attempted.
 */
export function withDeadline<T>(dependency: Dependency, operation: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  const stuck = abandoned.get(dependency) ?? 0;
  if (stuck >= MAX_ABANDONED_CALLS) {
    return Promise.reject(
      new DependencyError(dependency, `${dependency}: ${operation} not attempted: ${stuck} earlier calls are still unanswered after their deadline`, true),
    );
  }
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  let running: Promise<T>;
  try {
    running = call();
  } catch (error) {
    running = Promise.reject(error);
  }
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      abandoned.set(dependency, (abandoned.get(dependency) ?? 0) + 1);
      reject(new DependencyError(dependency, `${dependency}: ${operation} did not answer within ${timeoutMs} ms`, true));
    }, timeoutMs);
    timer.unref();
  });
  const settled = (): void => {
    if (timedOut) abandoned.set(dependency, (abandoned.get(dependency) ?? 1) - 1);
  };
  running.then(settled, settled);
  return Promise.race([running, deadline]).finally(() => clearTimeout(timer));
}

/** Calls to `dependency` abandoned at their deadline and not yet finished (for tests and logs). */
export function abandonedCalls(dependency: Dependency): number {
  return abandoned.get(dependency) ?? 0;
}
