/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded only when tracing is on */
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import type { TracingConfig } from './tracingConfig';

/**
 * The configured sampler: the standard OTEL_TRACES_SAMPLER values, plus the library's
 * default, `sampled_parent_or_traceidratio`.
 *
 * That default exists because of Google's front end: it puts a `traceparent` on every
 * request and marks at most 0.1 requests/s per instance as sampled, so a parent-based
 * sampler would record about one order in ten seconds per instance. Here a sampled parent
 * is followed (a caller that records its side gets our side too), and an unsampled or
 * absent one is decided again by the trace-id ratio. A trace-id ratio decision depends on
 * the trace id alone, so every process that sees the trace decides the same way: the
 * consumer, whose parent (from the message) carries the publisher's decision, follows it
 * when it was "sampled" and, when it was "not sampled", re-decides to the same answer.
 * An order is recorded whole or not at all, as long as both functions run the same ratio.
 */
export function createSampler(sampler: TracingConfig['sampler']): Sampler {
  const { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, TraceIdRatioBasedSampler } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { name, ratio } = sampler;
  if (name === 'sampled_parent_or_traceidratio') {
    const byTraceId = new TraceIdRatioBasedSampler(ratio);
    return new ParentBasedSampler({ root: byTraceId, remoteParentNotSampled: byTraceId });
  }
  const root = name.endsWith('traceidratio') ? new TraceIdRatioBasedSampler(ratio) : name.endsWith('always_off') ? new AlwaysOffSampler() : new AlwaysOnSampler();
  // The standard parent-based samplers: the caller's flag decides, the ratio only for new root traces.
  return name.startsWith('parentbased_') ? new ParentBasedSampler({ root }) : root;
}
