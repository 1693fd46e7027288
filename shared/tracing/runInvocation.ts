import { SpanStatusCode, TraceFlags, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanKind } from '@opentelemetry/api';
import { Invocation } from './invocationSpans';
import type { Tracing } from './startTracing';
import { ATTR_FAAS_COLDSTART } from './semconv';

export interface InvocationSpec {
  readonly name: string;
  readonly kind: SpanKind;
  /** The remote parent (extracted from headers or message attributes), or ROOT_CONTEXT. */
  readonly parent: Context;
  readonly attributes: Attributes;
  readonly links?: Link[];
}

/** One invocation under way: its span, the context to run the function in, and its end. */
export interface StartedInvocation {
  readonly span: Span;
  /** The parent with this invocation's span active and its span tracking attached. */
  readonly context: Context;
  /** Records an error the function raised on the invocation's span. */
  fail(error: unknown): void;
  /**
   * Ends the span. `before-response`: resolves once every span the invocation started has
   * ended and the flush has settled (bounded by the flush deadline). `background`: resolves
   * at once; stragglers are ended after a short grace and exported with the next batch.
   * Runs once; later calls return the same promise. Never rejects.
   */
  finish(): Promise<void>;
}

let coldStart = true;

/** True for the first invocation in this process only (`faas.coldstart`). */
function takeColdStart(): boolean {
  const first = coldStart;
  coldStart = false;
  return first;
}

/** Starts one function invocation under its own span; the caller ends it with finish(). */
export function startInvocation(tracing: Tracing, spec: InvocationSpec): StartedInvocation {
  const invocation = new Invocation();
  const invocationContext = invocation.attachTo(spec.parent);
  const span = tracing.tracer.startSpan(
    spec.name,
    {
      kind: spec.kind,
      attributes: { ...spec.attributes, [ATTR_FAAS_COLDSTART]: takeColdStart() },
      ...(spec.links ? { links: spec.links } : {}),
    },
    invocationContext,
  );
  let finished: Promise<void> | undefined;
  return {
    span,
    context: trace.setSpan(invocationContext, span),
    fail: (error) => recordError(span, error),
    finish: () => (finished ??= end(tracing, span, invocation)),
  };
}

/**
 * Runs one function invocation under its own span and, in `before-response` mode, flushes
 * before returning: the span, and every span the client libraries started beneath it,
 * has ended and been exported (or the flush deadline has passed) when this promise
 * settles, because the platform throttles CPU once the response has left.
 */
export async function runInvocation<T>(tracing: Tracing, spec: InvocationSpec, work: (span: Span) => Promise<T>): Promise<T> {
  const started = startInvocation(tracing, spec);
  try {
    return await context.with(started.context, () => work(started.span));
  } catch (error) {
    started.fail(error);
    throw error;
  } finally {
    await started.finish();
  }
}

function recordError(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : String(error);
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: typeof exception === 'string' ? exception : exception.message });
}

function end(tracing: Tracing, span: Span, invocation: Invocation): Promise<void> {
  span.end();
  // Not sampled (the caller's flag, or the ratio): this invocation recorded no span, so
  // it has nothing to wait for or to flush. Saves the flush of every unsampled request.
  if (!tracing.enabled || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return Promise.resolve();
  // Most of the deadline belongs to the export; stragglers get a short grace.
  const graceMs = Math.min(100, tracing.flushTimeoutMs / 4);
  if (tracing.flushMode === 'background') {
    // CPU stays allocated after the response: nothing waits, the batch exports later.
    void invocation.settle(graceMs);
    return Promise.resolve();
  }
  return settleAndFlush(tracing, invocation, graceMs);
}

async function settleAndFlush(tracing: Tracing, invocation: Invocation, graceMs: number): Promise<void> {
  const started = performance.now();
  await invocation.settle(graceMs);
  await tracing.flush(Math.max(1, tracing.flushTimeoutMs - (performance.now() - started)));
}
