import type { Tracing } from './startTracing';

let installed = false;

/**
 * On SIGTERM (the platform stopping an instance) shut the provider down, exporting
 * what remains, within the flush deadline.
 *
 * functions-framework answers SIGTERM with a synchronous process.exit(); our listener
 * runs first (it is registered before the framework's), so it holds that exit back
 * until the shutdown has finished or the deadline has passed.
 */
export function shutdownOnSigterm(tracing: Tracing, processLike: NodeJS.Process = process): void {
  if (installed || !tracing.enabled) return;
  installed = true;
  processLike.once('SIGTERM', () => {
    const exit = processLike.exit.bind(processLike);
    let exitCode: number | undefined;
    let exitRequested = false;
    let done = false;
    processLike.exit = ((code?: number) => {
      exitRequested = true;
      exitCode = code ?? exitCode;
      if (done) exit(exitCode);
    }) as NodeJS.Process['exit'];
    const deadline = setTimeout(finish, tracing.flushTimeoutMs);
    deadline.unref();
    void tracing.shutdown().finally(finish);
    function finish(): void {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      processLike.exit = exit;
      if (exitRequested) exit(exitCode);
      // Nobody else asked to exit: behave as Node does on SIGTERM without our listener.
      else if (processLike.listenerCount('SIGTERM') === 0) exit(143);
    }
  });
}
