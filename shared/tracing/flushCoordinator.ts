import { diag } from '@opentelemetry/api';
import { COMPONENT } from './names';

export type FlushOutcome = 'flushed' | 'timed-out' | 'failed';

/**
 * Shares force-flushes between concurrent invocations, with a deadline per caller.
 *
 * A caller must only rely on a flush that *started* after its spans ended, so a
 * caller arriving while a flush is in flight waits for the next one; every caller
 * arriving meanwhile shares that same next flush (group commit). At most one flush
 * runs and one is queued, however many invocations are in flight.
 */
export class FlushCoordinator {
  private inFlight: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(
    private readonly forceFlush: () => Promise<void>,
    private readonly timeoutMs: number,
  ) {}

  /** Resolves when a flush that began after this call has finished, or at the deadline. Never rejects. */
  flush(timeoutMs = this.timeoutMs): Promise<FlushOutcome> {
    const flushed = this.requestFlush().then(
      (): FlushOutcome => 'flushed',
      (error: unknown): FlushOutcome => {
        diag.error(`${COMPONENT}: force-flush failed`, error);
        return 'failed';
      },
    );
    if (timeoutMs <= 0) return Promise.resolve('timed-out');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<FlushOutcome>((resolve) => {
      timer = setTimeout(() => resolve('timed-out'), timeoutMs);
      // A pending deadline must not keep an idle instance (or a test) alive.
      timer.unref();
    });
    return Promise.race([flushed, deadline]).finally(() => clearTimeout(timer));
  }

  private requestFlush(): Promise<void> {
    if (this.inFlight === undefined) return this.start();
    this.queued ??= this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        // A flush begun in the gap also started after our callers asked: share it.
        return this.inFlight ?? this.start();
      });
    return this.queued;
  }

  private start(): Promise<void> {
    const run: Promise<void> = Promise.resolve()
      .then(() => this.forceFlush())
      .finally(() => {
        if (this.inFlight === run) this.inFlight = undefined;
      });
    this.inFlight = run;
    return run;
  }
}
