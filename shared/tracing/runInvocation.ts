import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanKind } from '@opentelemetry/api';
import { Invocation } from './invocationSpans';
import type { Tracing } from './startTracing';

export interface InvocationSpec {
  readonly name: string;
  readonly kind: SpanKind;
  /** The remote parent (extracted from headers or message attributes), or ROOT_CONTEXT. */
  readonly parent: Context;
  readonly attributes: Attributes;
  readonly links?: Link[];
}

let coldStart = true;

/** True for the first invocation in this process only (`faas.coldstart`). */
function takeColdStart(): boolean {
  const first = coldStart;
  coldStart = false;
  return first;
}

/**
 * Runs one function invocation under its own span and flushes before returning:
 * the span, and every span the client libraries started beneath it, has ended and
 * been exported (or the flush deadline has passed) when this promise settles. The
 * caller answers only afterwards, because the platform throttles CPU once the
 * response has left.
 */
export async function runInvocation<T>(
  tracing: Tracing,
  spec: InvocationSpec,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const invocation = new Invocation();
  const invocationContext = invocation.attachTo(spec.parent);
  const span = tracing.tracer.startSpan(
    spec.name,
    {
      kind: spec.kind,
      attributes: { ...spec.attributes, 'faas.coldstart': takeColdStart() },
      ...(spec.links ? { links: spec.links } : {}),
    },
    invocationContext,
  );
  try {
    return await context.with(trace.setSpan(invocationContext, span), () => work(span));
  } catch (error) {
    const exception = error instanceof Error ? error : String(error);
    span.recordException(exception);
    span.setStatus({ code: SpanStatusCode.ERROR, message: typeof exception === 'string' ? exception : exception.message });
    throw error;
  } finally {
    span.end();
    if (tracing.enabled) await settleAndFlush(tracing, invocation);
  }
}

async function settleAndFlush(tracing: Tracing, invocation: Invocation): Promise<void> {
  const started = performance.now();
  // Most of the deadline belongs to the export; stragglers get a short grace.
  await invocation.settle(Math.min(100, tracing.flushTimeoutMs / 4));
  await tracing.flush(Math.max(1, tracing.flushTimeoutMs - (performance.now() - started)));
}
