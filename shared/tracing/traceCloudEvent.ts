import type { CloudEvent, CloudEventFunction, CloudEventFunctionWithCallback } from '@google-cloud/functions-framework';
import { cloudEventInvocationSpec } from './cloudEventInvocationSpec';
import { runInvocation } from './runInvocation';
import type { Tracing } from './startTracing';

/**
 * `handler` traced: one CONSUMER span per event (see cloudEventInvocationSpec), active
 * while the handler runs; its spans are ended and flushed before the returned promise
 * settles, so before functions-framework answers the push (ack, or 500 for a retry).
 * Callback-style handlers are turned into promise-style ones.
 */
export function traceCloudEvent<T = unknown>(tracing: Tracing, handler: CloudEventFunction<T> | CloudEventFunctionWithCallback<T>): CloudEventFunction<T> {
  return (event: CloudEvent<T>) => runInvocation(tracing, cloudEventInvocationSpec(event, Date.now()), () => call(handler, event));
}

function call<T>(handler: CloudEventFunction<T> | CloudEventFunctionWithCallback<T>, event: CloudEvent<T>): Promise<unknown> {
  if (handler.length < 2) return Promise.resolve().then(() => (handler as CloudEventFunction<T>)(event));
  return new Promise((resolve, reject) => {
    (handler as CloudEventFunctionWithCallback<T>)(event, (error: unknown, result?: unknown) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result)));
  });
}
