import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { startGroupWatchdog } from '../stack/startGroupWatchdog';

export interface InstanceExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: Error;
}

export type InstanceState = 'starting' | 'running' | 'stopped' | 'terminating' | 'exited';

export interface InstanceSpec {
  /** The command (argv) that starts the function; it must listen on $PORT. */
  readonly command: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly host: string;
  /** The internal port this instance gets as PORT. */
  readonly port: number;
  /** How long the instance has after SIGTERM when the front end itself dies (Cloud Run's grace). */
  readonly orphanGraceMs: number;
}

/**
 * One instance of the function: its process, started in a process group of its own so
 * the whole group (a wrapper such as `npx` and the node process under it) is stopped,
 * continued and ended together. Output goes straight to the front end's own stdout/stderr.
 */
export class FunctionInstance {
  readonly pid: number;
  readonly port: number;
  readonly exited: Promise<InstanceExit>;
  /** Resolves once the instance accepts connections; rejects if it exits first. */
  readonly ready: Promise<void>;
  private currentState: InstanceState = 'starting';

  constructor(spec: InstanceSpec) {
    const [file, ...args] = spec.command;
    if (file === undefined) throw new Error('no command to start the function');
    const proc = spawn(file, args, {
      env: { ...spec.env, PORT: String(spec.port) },
      stdio: ['ignore', 'inherit', 'inherit'],
      // Own session and process group: SIGSTOP/SIGCONT reach every process of the
      // instance and nothing of the front end; being in another session also keeps the
      // kernel from sending SIGHUP+SIGCONT to the stopped group when it becomes orphaned.
      detached: true,
    });
    this.port = spec.port;
    this.exited = new Promise<InstanceExit>((resolve) => {
      proc.once('exit', (code, signal) => resolve({ code, signal }));
      proc.once('error', (error) => resolve({ code: null, signal: null, error }));
    }).then((exit) => {
      this.currentState = 'exited';
      return exit;
    });
    this.pid = proc.pid ?? -1;
    // A front end killed outright runs no exit hook: the watchdog then ends the group, even a stopped one.
    const watchdog = proc.pid === undefined ? undefined : startGroupWatchdog(proc.pid, spec.orphanGraceMs);
    void this.exited.then(() => watchdog?.dismiss());
    this.ready = waitForPort(spec.host, spec.port, this.exited).then(() => {
      if (this.currentState === 'starting') this.currentState = 'running';
    });
    // A rejection nobody awaits (an instance that died before any request) is not a crash of ours.
    this.ready.catch(() => undefined);
  }

  get state(): InstanceState {
    return this.currentState;
  }

  /** SIGSTOP to the group: request-based billing with no request in flight. */
  freeze(): void {
    if (this.currentState !== 'running') return;
    if (this.signal('SIGSTOP')) this.currentState = 'stopped';
  }

  /** SIGCONT to the group: a request arrived. */
  thaw(): void {
    if (this.currentState !== 'stopped') return;
    if (this.signal('SIGCONT')) this.currentState = 'running';
  }

  /**
   * Scale-in, as Cloud Run shuts an instance down: CPU back (SIGCONT), SIGTERM, then
   * SIGKILL to the group if it has not exited within graceMs. Resolves once it has exited.
   */
  async terminate(graceMs: number): Promise<InstanceExit> {
    if (this.currentState !== 'exited') {
      this.currentState = 'terminating';
      this.signal('SIGCONT');
      this.signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        this.exited.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!inTime) this.signal('SIGKILL');
    }
    // The leader is gone; anything it left in its group goes too.
    const exit = await this.exited;
    this.signal('SIGKILL');
    return exit;
  }

  /** SIGKILL to the group now, synchronously (the front end's exit hook). */
  kill(): void {
    this.signal('SIGKILL');
  }

  private signal(signal: NodeJS.Signals): boolean {
    if (this.pid <= 0) return false;
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  }
}

/** Polls until host:port accepts a connection; rejects when `exited` settles first. */
async function waitForPort(host: string, port: number, exited: Promise<InstanceExit>): Promise<void> {
  let gone: InstanceExit | undefined;
  void exited.then((exit) => {
    gone = exit;
  });
  for (;;) {
    if (gone) throw new InstanceExitedError(gone);
    if (await canConnect(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export class InstanceExitedError extends Error {
  override readonly name = 'InstanceExitedError';
  constructor(readonly exit: InstanceExit) {
    super(`the instance ${describeInstanceExit(exit)} before it accepted connections`);
  }
}

export function describeInstanceExit(exit: InstanceExit): string {
  if (exit.error) return `could not start (${exit.error.message})`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}
