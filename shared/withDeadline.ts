import { DependencyError } from './errors';
import type { Dependency } from './errors';

/**
 * Bounds a dependency call: a client library retrying for a minute must not hold
 * a request that long. The call itself is not cancelled; its result is ignored.
 */
export function withDeadline<T>(dependency: Dependency, operation: string, timeoutMs: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DependencyError(dependency, `${dependency}: ${operation} did not answer within ${timeoutMs} ms`, true)),
      timeoutMs,
    );
    timer.unref();
  });
  return Promise.race([call(), deadline]).finally(() => clearTimeout(timer));
}
