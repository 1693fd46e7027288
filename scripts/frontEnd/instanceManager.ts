import type { FunctionInstance } from './functionInstance';
import { describeInstanceExit } from './functionInstance';
import type { Billing } from './parseFrontEndOptions';

/** Cloud Run's shutdown grace: SIGTERM, then this long with CPU, then SIGKILL. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface InstanceManagerOptions {
  readonly billing: Billing;
  readonly idleShutdownMs: number;
  readonly graceMs?: number;
  /** Starts a new instance (a cold start). */
  readonly start: () => Promise<FunctionInstance>;
  /** One structured line: severity, a fixed message, and fields. */
  readonly log: (severity: 'INFO' | 'WARNING', message: string, fields?: Record<string, unknown>) => void;
}

/** A request's hold on an instance: the instance runs (not stopped) until release(). */
export interface Lease {
  readonly instance: FunctionInstance;
  /** This request is the instance's first: it waited for a cold start. */
  readonly coldStart: boolean;
  /** The instance was stopped (SIGSTOP) when this request arrived and was continued for it. */
  readonly thawed: boolean;
  release(): void;
}

/**
 * Keeps the one instance a function has, as Cloud Run would: started by the first request
 * (and the first after a scale-in or crash), stopped whenever no request is in flight
 * under request-based billing, shut down after an idle time. Requests never reach an
 * instance that is shutting down: they wait for the next one.
 */
export class InstanceManager {
  private current: FunctionInstance | undefined;
  private starting: Promise<FunctionInstance> | undefined;
  private readonly inFlight = new Map<FunctionInstance, number>();
  private readonly served = new WeakSet<FunctionInstance>();
  private readonly terminating = new Set<Promise<unknown>>();
  private readonly all = new Set<FunctionInstance>();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Instances started so far (each one a cold start). */
  instancesStarted = 0;

  constructor(private readonly options: InstanceManagerOptions) {}

  /** The instance requests go to now, if one is up or starting. */
  get instance(): FunctionInstance | undefined {
    return this.current;
  }

  /** Every instance process still alive (the exit hook kills them). */
  get live(): readonly FunctionInstance[] {
    return [...this.all];
  }

  /** Waits for a running instance (starting one if needed) and holds it for one request. */
  async acquire(): Promise<Lease> {
    if (this.closed) throw new Error('the front end is closing');
    const instance = this.current ?? (await this.startInstance());
    this.inFlight.set(instance, (this.inFlight.get(instance) ?? 0) + 1);
    clearTimeout(this.idleTimer);
    const thawed = instance.state === 'stopped';
    instance.thaw();
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.released(instance);
    };
    try {
      await instance.ready;
    } catch (err) {
      release();
      throw err;
    }
    const coldStart = !this.served.has(instance);
    this.served.add(instance);
    return { instance, coldStart, thawed, release };
  }

  /** Shuts every instance down (SIGCONT, SIGTERM, grace, SIGKILL); no new ones start. */
  async close(graceMs = this.options.graceMs ?? SHUTDOWN_GRACE_MS): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    const starting = await this.starting?.catch(() => undefined);
    for (const instance of new Set([...this.all, ...(starting ? [starting] : [])])) {
      this.terminating.add(instance.terminate(graceMs));
    }
    this.current = undefined;
    await Promise.all(this.terminating);
  }

  private startInstance(): Promise<FunctionInstance> {
    // Concurrent first requests share one cold start.
    this.starting ??= (async () => {
      try {
        const instance = await this.options.start();
        this.instancesStarted++;
        this.all.add(instance);
        this.current = instance;
        const startedAt = Date.now();
        this.options.log('INFO', 'front end: cold start, instance starting', { pid: instance.pid, port: instance.port });
        instance.ready.then(
          () => {
            this.options.log('INFO', 'front end: instance ready', { pid: instance.pid, startMs: Date.now() - startedAt });
            // Every request that waited for it gave up (timeout): idle from the start.
            if ((this.inFlight.get(instance) ?? 0) === 0) this.idle(instance);
          },
          () => undefined,
        );
        void instance.exited.then((exit) => {
          this.all.delete(instance);
          this.inFlight.delete(instance);
          if (this.current !== instance) return;
          // Crashed (not asked to stop): the next request starts a new instance.
          this.current = undefined;
          this.options.log('WARNING', 'front end: instance ended unasked; the next request starts a new one', {
            pid: instance.pid,
            exit: describeInstanceExit(exit),
          });
        });
        return instance;
      } finally {
        this.starting = undefined;
      }
    })();
    return this.starting;
  }

  private released(instance: FunctionInstance): void {
    const left = (this.inFlight.get(instance) ?? 1) - 1;
    this.inFlight.set(instance, left);
    if (left > 0) return;
    this.idle(instance);
  }

  private idle(instance: FunctionInstance): void {
    if (instance !== this.current || instance.state === 'starting') return;
    // Request-based billing: no request in flight, no CPU.
    if (this.options.billing === 'request') instance.freeze();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.scaleIn(instance), this.options.idleShutdownMs);
  }

  private scaleIn(instance: FunctionInstance): void {
    if (this.current !== instance || (this.inFlight.get(instance) ?? 0) > 0) return;
    this.current = undefined;
    this.options.log('INFO', 'front end: idle, shutting the instance down (scale-in)', { pid: instance.pid });
    const ending = instance.terminate(this.options.graceMs ?? SHUTDOWN_GRACE_MS).then((exit) => {
      this.options.log('INFO', 'front end: instance shut down', { pid: instance.pid, exit: describeInstanceExit(exit) });
    });
    this.terminating.add(ending);
    void ending.finally(() => this.terminating.delete(ending));
  }
}
