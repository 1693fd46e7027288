/**
 * The tracing library's one public entry. Importing it starts tracing, so it must be
 * the FIRST import of a function's entry file: the gRPC patch has to be in place before
 * any Google client library is loaded (a warning with code GCF_TRACING_LOADED_LATE
 * says when it was not). Then register functions with `http` / `cloudEvent` from here
 * instead of from @google-cloud/functions-framework: same arguments, traced. Messages
 * published through @google-cloud/pubsub carry the trace context without a call.
 */
import { tracing } from './startedTracing';
import * as functionsFramework from '@google-cloud/functions-framework';
import type { CloudEventFunction, CloudEventFunctionWithCallback, HttpFunction } from '@google-cloud/functions-framework';
import { traceCloudEvent } from './traceCloudEvent';
import { traceHttp } from './traceHttp';
import { isTraced, markTraced } from './tracedHandlers';
import { tracePubSubPublishes } from './tracePubSubPublishes';
import type { HttpTracingOptions } from './traceHttp';

tracePubSubPublishes(tracing);

/** functions-framework's `http(name, handler)`, traced: a SERVER span per request, flushed before the response leaves. */
export function http(name: string, handler: HttpFunction): void {
  functionsFramework.http(name, isTraced(handler) ? handler : wrapHttp(handler));
}

/** functions-framework's `cloudEvent(name, handler)`, traced: a CONSUMER span per event, flushed before the push is answered. */
export function cloudEvent<T = unknown>(name: string, handler: CloudEventFunction<T> | CloudEventFunctionWithCallback<T>): void {
  functionsFramework.cloudEvent<T>(name, isTraced(handler) ? handler : wrapCloudEvent(handler));
}

/** `handler` traced without registering it (to register it yourself, or to test it). */
export function wrapHttp(handler: HttpFunction, options?: HttpTracingOptions): HttpFunction {
  return markTraced(traceHttp(tracing, handler, options));
}

/** `handler` traced without registering it. */
export function wrapCloudEvent<T = unknown>(handler: CloudEventFunction<T> | CloudEventFunctionWithCallback<T>): CloudEventFunction<T> {
  return markTraced(traceCloudEvent(tracing, handler));
}

// functions-framework's types, so a file that imported them with http/cloudEvent keeps one import.
export type { CloudEvent, CloudEventFunction, CloudEventFunctionWithCallback, HttpFunction, Request, Response } from '@google-cloud/functions-framework';
/** The tracing this process runs: its tracer, `flush()`, `shutdown()`, settings. */
export { tracing };
export type { Tracing } from './startTracing';
export type { HttpTracingOptions } from './traceHttp';
export { activeSpan } from './activeSpan';
export { injectTraceContext } from './messageContext';
export { MESSAGE_PUBLISHED_TYPE } from './messagePublishedData';
export type { MessagePublishedData } from './messagePublishedData';
export { createLogger } from './structuredLogger';
export type { Logger } from './structuredLogger';
export { ConfigError } from './configError';
export { loadTracingConfig } from './tracingConfig';
export type { FlushMode, IncomingTraceContextMode, TracingConfig } from './tracingConfig';
