import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface ChildSpec {
  /** Prefix for every output line and the name used in errors. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Receives each output line, already prefixed with `[name] `. */
  readonly log: (line: string) => void;
}

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  readonly error?: Error;
}

export interface RunningChild {
  readonly name: string;
  readonly pid: number | undefined;
  /** Settles once, when the process has exited; never rejects. */
  readonly exited: Promise<ChildExit>;
  isRunning(): boolean;
  /**
   * SIGTERM so it can flush its spans, then SIGKILL after timeoutMs. Only this
   * child's pid is signalled. Idempotent.
   */
  stop(timeoutMs: number): Promise<ChildExit>;
}

// Children still alive when the runner exits (crash, process.exit) are killed here,
// synchronously, because an 'exit' listener cannot wait for anything.
const live = new Set<RunningChild>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Node's default on SIGINT/SIGTERM ends the process without 'exit' listeners, which
  // would orphan the children (they are in their own process group). A runner with its
  // own handler (npm start, soak) shuts down gracefully; one without (bench, load) exits
  // through process.exit here, so the hook below still runs.
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    const exitUnlessHandled = (): void => {
      if (process.listenerCount(signal) === 1) process.exit(code);
    };
    process.on(signal, exitUnlessHandled);
  }
  process.on('exit', () => {
    for (const child of live) {
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
}

export function describeExit(exit: ChildExit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/** Spawns a child whose stdout/stderr lines are prefixed with its name. */
export function startChild(spec: ChildSpec): RunningChild {
  installExitHook();
  const proc = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: a terminal's Ctrl-C reaches only the runner, which then
    // sends SIGTERM, the signal the functions flush their spans on (they would
    // exit at once on SIGINT). The price: if the runner is SIGKILLed, nothing can
    // stop them; every other way out goes through the exit hook above.
    detached: true,
  });
  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
    proc.once('error', (error) => resolve({ code: null, signal: null, error }));
  }).then((exit) => {
    running = false;
    live.delete(child);
    return exit;
  });
  pipeLines(proc.stdout, spec);
  pipeLines(proc.stderr, spec);

  let stopping: Promise<ChildExit> | undefined;
  const child: RunningChild = {
    name: spec.name,
    pid: proc.pid,
    exited,
    isRunning: () => running,
    stop(timeoutMs) {
      stopping ??= (async () => {
        if (!running) return exited;
        proc.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const graceful = await Promise.race([
          exited,
          new Promise<undefined>((resolve) => {
            timer = setTimeout(() => resolve(undefined), timeoutMs);
          }),
        ]);
        clearTimeout(timer); // a pending grace timer would hold the runner's event loop open
        if (graceful) return graceful;
        spec.log(`[${spec.name}] did not exit ${timeoutMs} ms after SIGTERM; sending SIGKILL`);
        proc.kill('SIGKILL');
        return exited;
      })();
      return stopping;
    },
  };
  if (proc.pid !== undefined) live.add(child);
  return child;
}

function pipeLines(stream: Readable, spec: ChildSpec): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => spec.log(`[${spec.name}] ${line}`));
}

