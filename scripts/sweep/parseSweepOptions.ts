import { parseFlags } from '../cli/parseFlags';
import { hostPort } from '../cli/hostPort';
import { wholeNumber } from '../cli/wholeNumber';

export interface SweepOptions {
  /** Only orders created at least this long ago (ms): younger ones may still be in their request's hands. */
  readonly olderThanMs: number;
  /** At most this many orders per run. */
  readonly limit: number;
  /** List what would be published; change nothing. */
  readonly dryRun: boolean;
  /** `host:port` of a Firestore emulator; undefined = $FIRESTORE_EMULATOR_HOST, else the real service. */
  readonly firestore: string | undefined;
  /** `host:port` of a Pub/Sub emulator; undefined = $PUBSUB_EMULATOR_HOST, else the real service. */
  readonly pubsub: string | undefined;
  readonly help: boolean;
}

export class SweepOptionsError extends Error {
  override readonly name = 'SweepOptionsError';
}

export const DEFAULT_OLDER_THAN_MS = 60_000;

export const SWEEP_HELP = `Usage: npm run sweep -- [options]

Recovery for the createOrder outbox: publishes orders that were stored ("received")
but never recorded as published (their publish failed and no retry with the same
Idempotency-Key came, or the instance died between the steps), each in its original
trace, and records the publish. Orders already processed are only recorded. A message
that did go out before is sent again; processOrder's idempotent processing makes that
harmless. Run it on a schedule (e.g. Cloud Scheduler → Cloud Run job, every minute).

Uses the functions' configuration: GOOGLE_CLOUD_PROJECT, ORDERS_TOPIC,
ORDERS_COLLECTION, FIRESTORE_EMULATOR_HOST, PUBSUB_EMULATOR_HOST, OTEL_* (service name
order-sweeper unless OTEL_SERVICE_NAME says otherwise).

Options:
  --older-than-ms N   only orders created at least N ms ago (default ${DEFAULT_OLDER_THAN_MS};
                      keep it above createOrder's IDEMPOTENCY_IN_FLIGHT_MS, 30000 by
                      default, or the sweeper races requests still at work)
  --limit N           at most N orders per run (default 500, at most 10000)
  --dry-run           list what would be published; change nothing
  --firestore H:P     Firestore emulator (default $FIRESTORE_EMULATOR_HOST; local stack: 127.0.0.1:8086)
  --pubsub H:P        Pub/Sub emulator (default $PUBSUB_EMULATOR_HOST; local stack: 127.0.0.1:8085)
  -h, --help          this text

Exit codes: 0 every pending order found was published (or none was found); 1 some
could not be (the next run tries again); 2 bad usage.`;

/** Reads the sweeper's options: flag, then environment, then default. Throws SweepOptionsError naming the flag. */
export function parseSweepOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): SweepOptions {
  const values = parseFlags(
    argv,
    {
      'older-than-ms': { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      firestore: { type: 'string' },
      pubsub: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new SweepOptionsError(message),
  );
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string).trim() : undefined);
  return {
    olderThanMs: int('--older-than-ms', str('older-than-ms') ?? String(DEFAULT_OLDER_THAN_MS), 0, 30 * 24 * 3600 * 1000),
    limit: int('--limit', str('limit') ?? '500', 1, 10_000),
    dryRun: values['dry-run'] === true,
    firestore: hostPort('--firestore', str('firestore') ?? env.FIRESTORE_EMULATOR_HOST, usageError),
    pubsub: hostPort('--pubsub', str('pubsub') ?? env.PUBSUB_EMULATOR_HOST, usageError),
    help: values.help === true,
  };
}

function int(flag: string, raw: string, min: number, max: number): number {
  return wholeNumber(flag, raw, min, max, usageError);
}

function usageError(message: string): SweepOptionsError {
  return new SweepOptionsError(message);
}

