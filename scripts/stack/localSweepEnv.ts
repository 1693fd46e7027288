import { StackOptionsError } from './parseStackOptions';

/** Cloud Scheduler calls the deployed sweeper every minute; the local stack, more often. */
export const LOCAL_SWEEP_INTERVAL_MS = 10_000;
/** Published and unprocessed this long locally counts as stuck (production: 10 minutes). */
export const LOCAL_STUCK_AFTER_MS = 30_000;

/**
 * The sweeper's settings for the local stack: shorter than production so a local outage
 * recovers while one watches, unless the environment already says otherwise.
 * SWEEP_INTERVAL_MS is the stack's (the schedule), the others the function's.
 */
export function localSweepEnv(base: NodeJS.ProcessEnv): { readonly intervalMs: number; readonly env: NodeJS.ProcessEnv } {
  const raw = base.SWEEP_INTERVAL_MS?.trim();
  const intervalMs = raw ? Number(raw) : LOCAL_SWEEP_INTERVAL_MS;
  if (!/^\d*$/.test(raw ?? '') || !Number.isSafeInteger(intervalMs) || intervalMs < 100) {
    throw new StackOptionsError(`SWEEP_INTERVAL_MS must be a whole number of milliseconds, at least 100, got "${raw}"`);
  }
  return { intervalMs, env: { ...base, SWEEP_STUCK_AFTER_MS: base.SWEEP_STUCK_AFTER_MS ?? String(LOCAL_STUCK_AFTER_MS) } };
}
