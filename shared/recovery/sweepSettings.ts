import { ConfigError } from '../config';

/** How the recovery sweeper decides what to republish; read once per instance. */
export interface SweepSettings {
  /** Stored-but-unpublished orders older than this are republished (must exceed IDEMPOTENCY_IN_FLIGHT_MS). */
  readonly unpublishedAfterMs: number;
  /** Orders published this long ago and still `received` are republished. */
  readonly stuckAfterMs: number;
  /** At most this many orders per pass and kind (unpublished, stuck). */
  readonly limit: number;
  /** The pull subscription on the dead-letter topic that a pass drains. */
  readonly deadLetterSubscription: string;
  /** At most this many dead letters per pass. */
  readonly deadLetterLimit: number;
}

export const SWEEP_DEFAULTS = {
  // Above createOrder's IDEMPOTENCY_IN_FLIGHT_MS (30 s by default): younger orders may still
  // be in the hands of the request that stored them.
  unpublishedAfterMs: 60_000,
  // Pub/Sub's own redelivery (Eventarc's 10 s .. 600 s backoff) reaches the dead-letter
  // topic after about 2.5 minutes of failures; 10 minutes catches what neither path saw.
  stuckAfterMs: 600_000,
  limit: 500,
  deadLetterLimit: 500,
} as const;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The sweeper's settings from the environment (SWEEP_UNPUBLISHED_AFTER_MS,
 * SWEEP_STUCK_AFTER_MS, SWEEP_LIMIT, DEAD_LETTER_SUBSCRIPTION, SWEEP_DEAD_LETTER_LIMIT).
 * Throws ConfigError naming the variable.
 */
export function loadSweepSettings(env: Env, ordersTopic: string): SweepSettings {
  const subscription = env.DEAD_LETTER_SUBSCRIPTION?.trim();
  return Object.freeze({
    unpublishedAfterMs: wholeMs(env, 'SWEEP_UNPUBLISHED_AFTER_MS', SWEEP_DEFAULTS.unpublishedAfterMs),
    stuckAfterMs: wholeMs(env, 'SWEEP_STUCK_AFTER_MS', SWEEP_DEFAULTS.stuckAfterMs),
    limit: count(env, 'SWEEP_LIMIT', SWEEP_DEFAULTS.limit),
    deadLetterSubscription: subscription || `${ordersTopic}-dead-letter-sub`,
    deadLetterLimit: count(env, 'SWEEP_DEAD_LETTER_LIMIT', SWEEP_DEFAULTS.deadLetterLimit),
  });
}

function wholeMs(env: Env, name: string, fallback: number): number {
  return whole(env, name, fallback, 0, 30 * 24 * 3_600_000);
}

function count(env: Env, name: string, fallback: number): number {
  return whole(env, name, fallback, 1, 10_000);
}

function whole(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new ConfigError(name, `"${raw}" is not a whole number between ${min} and ${max}`);
  return value;
}
