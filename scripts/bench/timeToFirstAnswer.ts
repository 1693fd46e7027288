import { findFreePort } from '../stack/assertPortsFree';
import { startChild } from '../stack/startChild';
import { processCpuMs } from './processCpu';

export interface FirstAnswerRun {
  /** Names the child in errors, e.g. `createOrder`. */
  readonly name: string;
  readonly functionsFrameworkMain: string;
  /** functions-framework flags other than --port (target, source, signature type). */
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** POSTed until the process answers; must be one it answers with a 2xx. */
  readonly request: { readonly headers: Record<string, string>; readonly body: string | Buffer };
  readonly timeoutMs: number;
}

export interface FirstAnswer {
  /** Spawn → first 2xx, wall clock. */
  readonly ms: number;
  /**
   * CPU the process had used by then (all threads; undefined off Linux): steadier than the
   * wall clock on a shared machine, where other tenants stretch every start-up alike.
   */
  readonly cpuMs: number | undefined;
  /** The first answer's body. */
  readonly body: string;
}

/**
 * Cold start as this project measures it: spawn of a fresh functions-framework process
 * → its first 2xx answer to a POST, polled every 5 ms until it listens. The process is
 * stopped afterwards; a non-2xx answer or an early exit is an error.
 */
export async function timeToFirstAnswer(run: FirstAnswerRun): Promise<FirstAnswer> {
  const port = await findFreePort('127.0.0.1');
  const started = performance.now();
  const child = startChild({
    name: `cold-${run.name}`,
    command: process.execPath,
    args: [run.functionsFrameworkMain, ...run.args, `--port=${port}`],
    env: run.env,
    cwd: run.cwd,
    log: () => undefined,
  });
  try {
    const deadline = Date.now() + run.timeoutMs;
    while (Date.now() < deadline) {
      if (!child.isRunning()) throw new Error(`${run.name} exited before answering`);
      let res: Response;
      try {
        res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: run.request.headers, body: run.request.body, signal: AbortSignal.timeout(10_000) });
      } catch {
        // Not listening yet.
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const body = await res.text();
      if (res.ok) return { ms: performance.now() - started, cpuMs: await processCpuMs(child.pid), body };
      throw new Error(`${run.name} answered ${res.status} to its first request`);
    }
    throw new Error(`${run.name} did not answer within ${run.timeoutMs} ms`);
  } finally {
    await child.stop(5_000);
  }
}
