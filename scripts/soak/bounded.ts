import { SoakError } from './soakError';

/** `work`, or a SoakError once `ms` have passed (the work is abandoned, the caller cleans up). */
export function bounded<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SoakError(`${what} did not finish within ${(ms / 1000).toFixed(0)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
