import { SoakError } from './soakError';

/**
 * SIGINT/SIGTERM end the soak early: the phase under way is abandoned and the stack closed
 * (its functions run in their own process group, so a terminal's Ctrl-C reaches only us,
 * and Node's default signal exit would skip the hook that kills them). A second signal
 * exits at once; the exit hook then SIGKILLs the functions.
 */
export function onInterrupt(log: (line: string) => void): { readonly interrupted: Promise<never>; remove(): void } {
  let handler: (signal: NodeJS.Signals) => void = () => undefined;
  const now = (): never => process.exit(130);
  const interrupted = new Promise<never>((_, reject) => {
    handler = (signal) => {
      log(`${signal}: stopping the soak and its stack (again to exit at once)…`);
      process.off('SIGINT', handler).off('SIGTERM', handler).once('SIGINT', now).once('SIGTERM', now);
      reject(new SoakError(`interrupted by ${signal}; no summary written`));
    };
  });
  interrupted.catch(() => undefined);
  process.once('SIGINT', handler).once('SIGTERM', handler);
  return { interrupted, remove: () => void process.off('SIGINT', handler).off('SIGTERM', handler) };
}
