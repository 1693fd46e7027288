import { parseFlags } from '../cli/parseFlags';
import { hostPort } from '../cli/hostPort';
import { wholeNumber } from '../cli/wholeNumber';
import { SWEEP_DEFAULTS } from '../../shared/recovery/sweepSettings';

export interface SweepOptions {
  /** Unpublished orders created at least this long ago (ms): younger ones may still be in their request's hands. */
  readonly olderThanMs: number;
  /** Published orders still `received` this long after their last publish (ms). */
  readonly stuckAfterMs: number;
  /** At most this many orders per kind, and dead letters, per run. */
  readonly limit: number;
  /** List what would be published; change nothing. */
  readonly dryRun: boolean;
  /** Google Cloud project: the real services. Undefined: the local stack's emulators. */
  readonly project: string | undefined;
  /** `host:port` of the Firestore emulator; undefined with --project (the real service). */
  readonly firestore: string | undefined;
  /** `host:port` of the Pub/Sub emulator; undefined with --project (the real service). */
  readonly pubsub: string | undefined;
  readonly help: boolean;
}

export class SweepOptionsError extends Error {
  override readonly name = 'SweepOptionsError';
}

export const DEFAULT_OLDER_THAN_MS = SWEEP_DEFAULTS.unpublishedAfterMs;
const LOCAL_FIRESTORE = '127.0.0.1:8086';
const LOCAL_PUBSUB = '127.0.0.1:8085';

export const SWEEP_HELP = `Usage: npm run sweep -- [options]

One recovery pass, the same the deployed sweep-orders function runs every minute
(see docs/recovery.md): publishes (a) orders stored but never published, (b) orders
published but still not processed after --stuck-after-ms, each in its original trace,
and (c) drains the dead-letter subscription: a message whose order is still received
is published again, one no retry can fix is recorded (an ERROR log line) and
acknowledged. processOrder is idempotent, so a second message changes nothing.

Targets the local stack (npm start) unless told otherwise: its emulators at
$FIRESTORE_EMULATOR_HOST / $PUBSUB_EMULATOR_HOST, else those of the running stack
(found in $TMPDIR/order-stack-<uid>/, whatever its ports), else ${LOCAL_FIRESTORE} /
${LOCAL_PUBSUB}; project $GOOGLE_CLOUD_PROJECT or demo-orders. Its spans go to
$OTEL_EXPORTER_OTLP_ENDPOINT, else to the running stack's collector, else 127.0.0.1:4318;
a failed export is reported and does not change the exit code. With --project, the real services of that
project, with your application-default credentials.
Also read: ORDERS_TOPIC, ORDERS_COLLECTION, DEAD_LETTER_SUBSCRIPTION, OTEL_* (service
name order-sweeper unless OTEL_SERVICE_NAME says otherwise).

Options:
  --project ID          Google Cloud project (the real Firestore and Pub/Sub)
  --older-than-ms N     unpublished orders created at least N ms ago (default ${DEFAULT_OLDER_THAN_MS};
                        keep it above createOrder's IDEMPOTENCY_IN_FLIGHT_MS, 30000 by
                        default, or the sweeper races requests still at work)
  --stuck-after-ms N    published orders still received N ms after their publish
                        (default ${SWEEP_DEFAULTS.stuckAfterMs})
  --limit N             at most N orders of each kind, and N dead letters (default 500, at most 10000)
  --dry-run             list what would be published; change nothing
  --firestore H:P       Firestore emulator (default: as above)
  --pubsub H:P          Pub/Sub emulator (default: as above)
  -h, --help            this text

Exit codes: 0 everything found was settled (or nothing was found); 1 something is
left for the next run; 2 bad usage; 3 the stack or the credentials are missing.`;

/** Reads the sweeper's options: flag, then environment, then default. Throws SweepOptionsError naming the flag. */
export function parseSweepOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): SweepOptions {
  const values = parseFlags(
    argv,
    {
      project: { type: 'string' },
      'older-than-ms': { type: 'string' },
      'stuck-after-ms': { type: 'string' },
      limit: { type: 'string' },
      'dry-run': { type: 'boolean' },
      firestore: { type: 'string' },
      pubsub: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new SweepOptionsError(message),
  );
  const str = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string).trim() : undefined);
  const project = str('project');
  if (project === '') throw new SweepOptionsError('--project must not be empty');
  const cloud = project !== undefined;
  return {
    olderThanMs: int('--older-than-ms', str('older-than-ms') ?? String(DEFAULT_OLDER_THAN_MS), 0, 30 * 24 * 3600 * 1000),
    stuckAfterMs: int('--stuck-after-ms', str('stuck-after-ms') ?? String(SWEEP_DEFAULTS.stuckAfterMs), 0, 30 * 24 * 3600 * 1000),
    limit: int('--limit', str('limit') ?? '500', 1, 10_000),
    dryRun: values['dry-run'] === true,
    project,
    // --project means Google Cloud: emulator hosts left in the shell do not redirect it.
    firestore: hostPort('--firestore', str('firestore') ?? (cloud ? undefined : (env.FIRESTORE_EMULATOR_HOST ?? LOCAL_FIRESTORE)), usageError),
    pubsub: hostPort('--pubsub', str('pubsub') ?? (cloud ? undefined : (env.PUBSUB_EMULATOR_HOST ?? LOCAL_PUBSUB)), usageError),
    help: values.help === true,
  };
}

function int(flag: string, raw: string, min: number, max: number): number {
  return wholeNumber(flag, raw, min, max, usageError);
}

function usageError(message: string): SweepOptionsError {
  return new SweepOptionsError(message);
}
