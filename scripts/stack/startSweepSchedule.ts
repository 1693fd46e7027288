export interface SweepScheduleOptions {
  /** The sweepOrders function's URL. */
  readonly url: string;
  readonly intervalMs: number;
  readonly log: (line: string) => void;
  /** Bounds one call (a pass over a big backlog may take a while). */
  readonly timeoutMs?: number;
  /** Runs before each pass (the stack re-provisions an emulator that may have restarted); a failure is logged, the pass still runs. */
  readonly beforePass?: () => Promise<void>;
}

export interface SweepSchedule {
  /** Passes the schedule started and how they ended (tests and the banner). */
  readonly passes: () => { readonly started: number; readonly failed: number };
  close(): Promise<void>;
}

/**
 * Plays Cloud Scheduler for the local stack: POSTs to the sweepOrders function every
 * `intervalMs`, as the deployed job does every minute. A pass still running when the next
 * is due is not doubled (the platform would overlap them; locally that only adds noise).
 * Logs a pass only when it did something or failed.
 */
export function startSweepSchedule(options: SweepScheduleOptions): SweepSchedule {
  let started = 0;
  let failed = 0;
  let running: Promise<void> | undefined;
  const pass = async (): Promise<void> => {
    started++;
    await options.beforePass?.().catch((error: unknown) => options.log(`[sweeper] before pass ${started}: ${(error as Error).message.split('\n')[0]}`));
    try {
      const res = await fetch(options.url, { method: 'POST', signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
      const report = (await res.json().catch(() => undefined)) as Record<string, { republished?: unknown[]; recorded?: unknown[]; pulled?: number } | undefined> | undefined;
      if (!res.ok) failed++;
      const touched =
        (report?.unpublished?.republished?.length ?? 0) + (report?.stuck?.republished?.length ?? 0) + (report?.deadLetters?.pulled ?? 0);
      if (!res.ok || touched > 0) {
        options.log(`[sweeper] pass ${started}: HTTP ${res.status}; ${describe(report)}`);
      }
    } catch (error) {
      failed++;
      options.log(`[sweeper] pass ${started} failed: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => {
    running ??= pass().finally(() => {
      running = undefined;
    });
  }, options.intervalMs);
  timer.unref();
  return {
    passes: () => ({ started, failed }),
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

function describe(report: Record<string, { republished?: unknown[]; recorded?: unknown[]; pulled?: number } | undefined> | undefined): string {
  if (!report) return 'no report';
  const n = (list: unknown[] | undefined) => list?.length ?? 0;
  return (
    `unpublished republished ${n(report.unpublished?.republished)}, stuck republished ${n(report.stuck?.republished)}, ` +
    `dead letters pulled ${report.deadLetters?.pulled ?? 0} (republished ${n(report.deadLetters?.republished)}, recorded ${n(report.deadLetters?.recorded)})`
  );
}
