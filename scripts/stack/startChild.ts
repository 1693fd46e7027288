import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { startGroupWatchdog } from './startGroupWatchdog';

export interface ChildSpec {
  /** Prefix for every output line and the name used in errors. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Receives each output line, already prefixed with `[name] `. */
  readonly log: (line: string) => void;
  /**
   * Signal the child's whole process group, not just its pid: for wrappers such as
   * `gcloud ... start`, a Python process whose Java grandchild does the listening.
   */
  readonly signalGroup?: boolean;
  /**
   * How long the group has after SIGTERM when this process dies without stopping it
   * (see startGroupWatchdog) before it is SIGKILLed. Default 5000.
   */
  readonly orphanGraceMs?: number;
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
  /** Sends signal now (to its group when spec.signalGroup); a child already gone is ignored. */
  kill(signal: NodeJS.Signals): void;
  /**
   * SIGTERM so it can flush its spans, then SIGKILL after timeoutMs. Only this
   * child's pid is signalled, or its process group when spec.signalGroup. Idempotent.
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
    for (const child of live) child.kill('SIGKILL');
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
    // exit at once on SIGINT). If the runner dies before it can (SIGKILL, a crash the
    // exit hook misses), the group's watchdog stops it.
    detached: true,
  });
  const watchdog = proc.pid === undefined ? undefined : startGroupWatchdog(proc.pid, spec.orphanGraceMs ?? 5_000);
  let running = true;
  const exited = new Promise<ChildExit>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
    proc.once('error', (error) => resolve({ code: null, signal: null, error }));
  }).then((exit) => {
    running = false;
    // A group may outlive its leader; it stays on the exit hook's list until stop() saw it gone.
    if (!spec.signalGroup || !groupAlive(proc.pid)) {
      live.delete(child);
      watchdog?.dismiss();
    }
    return exit;
  });
  pipeLines(proc.stdout, spec);
  pipeLines(proc.stderr, spec);

  let stopping: Promise<ChildExit> | undefined;
  const kill = (signal: NodeJS.Signals): void => {
    if (proc.pid === undefined) return;
    try {
      if (spec.signalGroup) process.kill(-proc.pid, signal);
      else if (running) proc.kill(signal);
    } catch {
      // already gone
    }
  };
  // Resolves true once the child (and with signalGroup, every process of its group) is gone.
  const gone = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const leaderGone = await Promise.race([
      exited.then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
    clearTimeout(timer); // a pending grace timer would hold the runner's event loop open
    if (!leaderGone || !spec.signalGroup) return leaderGone;
    while (groupAlive(proc.pid)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  };
  const child: RunningChild = {
    name: spec.name,
    pid: proc.pid,
    exited,
    isRunning: () => running,
    kill,
    stop(timeoutMs) {
      stopping ??= (async () => {
        if (running || (spec.signalGroup && groupAlive(proc.pid))) {
          kill('SIGTERM');
          if (!(await gone(timeoutMs))) {
            spec.log(`[${spec.name}] did not exit ${timeoutMs} ms after SIGTERM; sending SIGKILL`);
            kill('SIGKILL');
          }
        }
        const exit = await exited;
        live.delete(child);
        watchdog?.dismiss();
        return exit;
      })();
      return stopping;
    },
  };
  if (proc.pid !== undefined) live.add(child);
  return child;
}

function groupAlive(pgid: number | undefined): boolean {
  if (pgid === undefined) return false;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function pipeLines(stream: Readable, spec: ChildSpec): void {
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => spec.log(`[${spec.name}] ${line}`));
}

