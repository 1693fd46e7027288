import { createContextKey, diag } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTRIBUTE_PREFIX, COMPONENT } from './names';

const INVOCATION_KEY = createContextKey(`${ATTRIBUTE_PREFIX}invocation`);

/** Attribute set on a span its invocation had to end because it was still open at the end. */
export const ENDED_AT_INVOCATION_END = `${ATTRIBUTE_PREFIX}span.ended_at_invocation_end`;

/**
 * The spans one function invocation started (its own and the client libraries'),
 * so the invocation can make sure all of them have ended before it flushes:
 * a span still open at flush time would be exported by some later invocation,
 * or never, once the platform throttles the CPU.
 */
export class Invocation {
  private readonly open = new Set<Span>();
  private idle: (() => void) | undefined;

  /** `parent` with this invocation attached: spans started under it are tracked. */
  attachTo(parent: Context): Context {
    return parent.setValue(INVOCATION_KEY, this);
  }

  get openSpanCount(): number {
    return this.open.size;
  }

  add(span: Span): void {
    this.open.add(span);
  }

  remove(span: Span): void {
    if (this.open.delete(span) && this.open.size === 0) this.idle?.();
  }

  /**
   * Waits up to `graceMs` for the open spans to end (a streaming gRPC call's span can
   * end a tick after the library resolved), then ends the stragglers itself.
   * Returns how many it had to end.
   */
  async settle(graceMs: number): Promise<number> {
    if (this.open.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.idle = resolve;
        timer = setTimeout(resolve, graceMs);
        timer.unref();
      });
      clearTimeout(timer);
      this.idle = undefined;
    }
    const stragglers = [...this.open];
    for (const span of stragglers) {
      diag.warn(`${COMPONENT}: span "${span.name}" was still open when its invocation ended; ending it`);
      span.setAttribute(ENDED_AT_INVOCATION_END, true);
      span.end();
    }
    return stragglers.length;
  }
}

/** Span processor that records, per invocation, which spans are still open. Register it first. */
export class InvocationSpanTracker implements SpanProcessor {
  private readonly owners = new WeakMap<object, Invocation>();

  onStart(span: Span, parentContext: Context): void {
    const invocation = parentContext.getValue(INVOCATION_KEY);
    if (invocation instanceof Invocation) {
      invocation.add(span);
      this.owners.set(span, invocation);
    }
  }

  onEnd(span: ReadableSpan): void {
    const invocation = this.owners.get(span);
    if (invocation) {
      this.owners.delete(span);
      invocation.remove(span as Span);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
