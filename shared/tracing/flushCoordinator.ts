import { diag } from '@opentelemetry/api';
import { COMPONENT } from './names';

export type FlushOutcome = 'flushed' | 'timed-out' | 'failed';

/** Flushes exporting at once, at most; beyond it, one shared flush waits for a free slot. */
export const MAX_CONCURRENT_FLUSHES = 4;

/**
 * Shares force-flushes between concurrent invocations, with a deadline per caller.
 *
 * A caller may only rely on a flush that *starts* after its spans ended. Callers share
 * the flush that has been asked for and not started yet: it starts in the next turn of
 * the event loop (setImmediate), so every invocation finishing in the same turn, e.g.
 * on the same batch of I/O, shares one export (group commit). A caller arriving while
 * earlier flushes are exporting does not queue behind them: its flush starts beside
 * them, so a flush costs a caller its own export's round trip, not up to two. Only with
 * MAX_CONCURRENT_FLUSHES exporting does the next flush wait for a free slot, still one
 * shared by every caller arriving meanwhile.
 */
export class FlushCoordinator {
  /** Asked for, not started yet: every caller until it starts shares it. */
  private next: Promise<void> | undefined;
  private running = 0;
  private slotFreed: (() => void) | undefined;

  constructor(
    private readonly forceFlush: () => Promise<void>,
    private readonly timeoutMs: number,
    private readonly maxConcurrent = MAX_CONCURRENT_FLUSHES,
  ) {}

  /** Resolves when a flush that began after this call has finished, or at the deadline. Never rejects. */
  flush(timeoutMs = this.timeoutMs): Promise<FlushOutcome> {
    const scheduled = (this.next ??= this.schedule());
    // One promise per caller, settled by the flush or by the deadline, whichever comes first
    // (each promise costs an async-hook call under functions-framework's per-request domain).
    return new Promise<FlushOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      if (timeoutMs <= 0) resolve('timed-out');
      else {
        timer = setTimeout(() => resolve('timed-out'), timeoutMs);
        // A pending deadline must not keep an idle instance (or a test) alive.
        timer.unref();
      }
      scheduled.then(
        () => {
          clearTimeout(timer);
          resolve('flushed');
        },
        (error: unknown) => {
          clearTimeout(timer);
          diag.error(`${COMPONENT}: force-flush failed`, error);
          resolve('failed');
        },
      );
    });
  }

  private async schedule(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.running >= this.maxConcurrent) await new Promise<void>((resolve) => (this.slotFreed = resolve));
    // From here on, spans that end need a newer flush.
    this.next = undefined;
    this.running++;
    try {
      await this.forceFlush();
    } finally {
      this.running--;
      const wake = this.slotFreed;
      this.slotFreed = undefined;
      wake?.();
    }
  }
}
