/**
 * The end of a benchmark worker's file (run by runJsonWorker): runs `main` and exits, 0 when
 * it resolves, 1 with the error on stderr when it rejects, so open handles (a collector, a
 * gRPC channel) cannot keep the worker, and so the benchmark, waiting.
 */
export function runWorkerMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/** `value` if it is one of `allowed`, else an error naming what is. */
export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T {
  if (!allowed.includes(value as T)) throw new Error(`${what} must be one of ${allowed.join(', ')}`);
  return value as T;
}
