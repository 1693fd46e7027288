import { startTracing } from './startTracing';
import type { Tracing, TracingOptions } from './startTracing';
import type { TracingConfig } from './tracingConfig';

let current: Tracing | undefined;

/**
 * Starts tracing once per process; later calls return the same instance. Tests call
 * it first with an in-memory exporter, then load the functions.
 */
export function initTracing(config: TracingConfig, options?: TracingOptions): Tracing {
  current ??= startTracing(config, options);
  return current;
}

/** The tracing started in this process, if any. */
export function currentTracing(): Tracing | undefined {
  return current;
}
