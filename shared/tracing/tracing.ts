import type { Config } from '../config';
import { startTracing } from './startTracing';
import type { Tracing, TracingOptions } from './startTracing';

let current: Tracing | undefined;

/**
 * Starts tracing once per process; later calls return the same instance. Tests call
 * it first with an in-memory exporter, then load the functions.
 */
export function initTracing(config: Config, options?: TracingOptions): Tracing {
  current ??= startTracing(config, options);
  return current;
}

