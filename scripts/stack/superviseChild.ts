import type { ChildExit } from './startChild';
import { describeExit } from './startChild';

/** One run of a supervised part: a function process or the collector. */
export interface SupervisedRun {
  readonly pid: number | undefined;
  /** Settles when this run ends, asked or not. */
  readonly exited: Promise<ChildExit | unknown>;
  /** Ends this run (SIGTERM, bounded); resolves once it has. */
  stop(): Promise<unknown>;
}

export interface SuperviseOptions {
  /** As a user names it: "processOrder". */
  readonly name: string;
  /** Starts a fresh run; a throw or rejection counts as a crash. */
  readonly start: () => SupervisedRun | Promise<SupervisedRun>;
  readonly log: (line: string) => void;
  /** Called once, after the last allowed crash; the part then stays down. */
  readonly onGiveUp: (reason: string) => void;
  /** Crashes within crashWindowMs that make it give up (default 5). */
  readonly maxCrashes?: number;
  readonly crashWindowMs?: number;
  /** Wait before the first restart, doubled per further crash in the window, capped. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

export interface Supervisor {
  readonly name: string;
  /** pid of the current run (changes on each restart). */
  readonly pid: number | undefined;
  /** Restarts so far. */
  readonly restarts: number;
  /** Stops supervising and ends the current run. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Keeps a part of the local stack running as a platform keeps an instance: a run that
 * ends unasked is restarted after a backoff, with a line saying so, until it crashes
 * maxCrashes times within crashWindowMs; then it gives up and says why. The first run
 * is started by the caller (its start-up errors are the caller's), later runs here.
 */
export function superviseChild(first: SupervisedRun, options: SuperviseOptions): Supervisor {
  const maxCrashes = options.maxCrashes ?? 5;
  const windowMs = options.crashWindowMs ?? 60_000;
  const minMs = options.minBackoffMs ?? 250;
  const maxMs = Math.max(minMs, options.maxBackoffMs ?? 8_000);
  let current: SupervisedRun | undefined = first;
  let restarts = 0;
  let stopping: Promise<void> | undefined;
  let cancelWait: (() => void) | undefined;
  let restarting: Promise<unknown> | undefined;
  const crashes: number[] = [];

  const watch = (run: SupervisedRun): void => {
    void run.exited.then((exit) => {
      if (!stopping) void crashed(`${options.name} (pid ${run.pid ?? '?'}) ${describe(exit)}`);
    });
  };

  const crashed = async (what: string): Promise<void> => {
    current = undefined;
    const now = Date.now();
    crashes.push(now);
    while (crashes.length > 0 && crashes[0]! <= now - windowMs) crashes.shift();
    if (crashes.length >= maxCrashes) {
      const reason = `${what}; it crashed ${crashes.length} times within ${windowMs / 1000} s, giving up`;
      options.log(`[stack] ${reason}`);
      options.onGiveUp(reason);
      return;
    }
    const delay = Math.min(maxMs, minMs * 2 ** (crashes.length - 1));
    options.log(`[stack] ${what}; restarting it in ${delay} ms (crash ${crashes.length} of ${maxCrashes} allowed within ${windowMs / 1000} s)`);
    const waited = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), delay);
      cancelWait = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    cancelWait = undefined;
    if (!waited || stopping) return;
    let run: SupervisedRun;
    try {
      const starting = Promise.resolve().then(options.start);
      restarting = starting;
      run = await starting;
    } catch (err) {
      return crashed(`${options.name} could not restart: ${(err as Error).message}`);
    }
    current = run;
    if (stopping) {
      await run.stop();
      return;
    }
    restarts++;
    options.log(`[stack] ${options.name} is back as pid ${run.pid ?? '?'} (restart ${restarts})`);
    watch(run);
  };

  watch(first);
  return {
    name: options.name,
    get pid() {
      return current?.pid;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopping ??= (async () => {
        cancelWait?.();
        // A run being started now is stopped by crashed() once it is up; wait for that.
        await restarting?.catch(() => undefined);
        await current?.stop();
      })();
      return stopping;
    },
  };
}

function describe(exit: unknown): string {
  const e = exit as Partial<ChildExit> | undefined;
  if (e && typeof e === 'object' && ('code' in e || 'signal' in e || 'error' in e)) return describeExit(e as ChildExit);
  return 'exited';
}
