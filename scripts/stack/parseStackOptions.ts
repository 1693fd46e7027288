import { parseFlags } from '../cli/parseFlags';
import { hostPort } from '../cli/hostPort';
import type { StackPlatform } from './stackPlatform';
import { PLATFORM_FLAGS, PLATFORM_HELP, parsePlatform } from './stackPlatform';

export type StackExporter = 'otlp' | 'console' | 'none';

/** auto: Google's emulators when gcloud has them installed, else the bundled ones. */
export type EmulatorChoice = 'auto' | 'google' | 'bundled';

/** Every port is a number; 0 asks for a free one (tests, benchmarks). */
export interface StackPorts {
  readonly createOrder: number;
  readonly processOrder: number;
  readonly pubsub: number;
  readonly firestore: number;
  readonly otlpGrpc: number;
  readonly otlpHttp: number;
  readonly query: number;
  /** The recovery sweeper function (the schedule's target). */
  readonly sweep: number;
}

export interface StackOptions {
  readonly host: string;
  readonly ports: StackPorts;
  readonly exporter: StackExporter;
  readonly emulators: EmulatorChoice;
  readonly projectId: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly subscription: string;
  /** `host:port` of a Pub/Sub emulator to reuse instead of starting one. */
  readonly pubsubEmulatorHost: string | undefined;
  /** `host:port` of a Firestore emulator to reuse instead of starting one. */
  readonly firestoreEmulatorHost: string | undefined;
  /** How long each function may take to answer HTTP after spawning. */
  readonly readyTimeoutMs: number;
  /** How long a function may take to exit after SIGTERM before it is killed. */
  readonly stopTimeoutMs: number;
  /** Every function log line in the window as it comes, instead of a summary per interval. */
  readonly rawLogs: boolean;
  /** What the functions run on: full CPU, or behind a local Cloud Run front end each. */
  readonly platform: StackPlatform;
  readonly help: boolean;
}

export class StackOptionsError extends Error {
  override readonly name = 'StackOptionsError';
}

export const DEFAULT_STACK_PORTS: StackPorts = {
  createOrder: 8080,
  processOrder: 8081,
  pubsub: 8085,
  firestore: 8086,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  query: 16686,
  sweep: 8082,
};

const PORT_FLAGS = {
  'create-port': 'createOrder',
  'process-port': 'processOrder',
  'pubsub-port': 'pubsub',
  'firestore-port': 'firestore',
  'otlp-grpc-port': 'otlpGrpc',
  'otlp-http-port': 'otlpHttp',
  'query-port': 'query',
  'sweep-port': 'sweep',
} as const satisfies Record<string, keyof StackPorts>;

/** Every port flag set to 0: a whole stack on free ports (tests, benchmarks). */
export const FREE_PORT_ARGS: readonly string[] = Object.keys(PORT_FLAGS).map((flag) => `--${flag}=0`);

const EXPORTERS: readonly StackExporter[] = ['otlp', 'console', 'none'];
const EMULATOR_CHOICES: readonly EmulatorChoice[] = ['auto', 'google', 'bundled'];

export const STACK_HELP = `Usage: npm start -- [options]

Starts the local order pipeline: trace collector + query API/viewer, Firestore and
Pub/Sub emulators, createOrder, processOrder and the recovery sweeper (sweepOrders,
called every SWEEP_INTERVAL_MS, default 10000) under functions-framework.

Options (0 = any free port):
  --create-port N       createOrder HTTP port            (default 8080)
  --process-port N      processOrder CloudEvent port     (default 8081)
  --pubsub-port N       Pub/Sub emulator gRPC port        (default 8085)
  --firestore-port N    Firestore emulator gRPC port      (default 8086)
  --otlp-grpc-port N    collector OTLP/gRPC port          (default 4317)
  --otlp-http-port N    collector OTLP/HTTP port          (default 4318)
  --query-port N        trace query API + viewer port     (default 16686)
  --sweep-port N        recovery sweeper function port    (default 8082)
  --host ADDR           address every part listens on    (default 127.0.0.1, the
                        loopback; 0.0.0.0 exposes the stack to the network)
  --exporter KIND       otlp | console | none             (default otlp; console
                        prints each span as JSON in the function's output)
  --emulators WHICH     auto | google | bundled          (default auto: Google's
                        gcloud emulators when installed, else the bundled ones)
  --project ID          project id  (default $GOOGLE_CLOUD_PROJECT or demo-orders)
  --topic NAME          orders topic (default $ORDERS_TOPIC or orders)
  --ready-timeout-ms N  wait this long for each function to answer (default 30000)
  --raw-logs            print every function log line as it comes (default: a summary
                        every 10 s, warnings and errors in full; all lines in
                        .stack/logs/; on with --exporter console)
${PLATFORM_HELP}
  -h, --help            this text

Environment: PUBSUB_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST (host:port) reuse an
emulator that is already running instead of starting one.

A function, the collector or one of Google's emulators that exits is restarted (backoff,
a line saying so; an emulator is provisioned again); after 5 crashes of one part within
60 s the stack gives up and stops. Traces are kept in .stack/traces.jsonl across restarts.

A running stack is recorded in $TMPDIR/order-stack-<uid>/<pid>.json: a second start on
its ports says so (pid, ports, how to stop it or start another), and npm run sweep
finds its emulators and collector there.

Stopping: Ctrl-C, SIGTERM or SIGHUP (to npm or the runner); if the runner dies, every
part it started notices and exits within seconds.

Exit codes: 0 stopped by Ctrl-C/SIGTERM/SIGHUP, 1 failed to start or a part gave up,
2 bad options, 3 a stack of this project already runs on these ports.`;

/**
 * Reads the stack's options: flag, then environment, then default. Throws
 * StackOptionsError naming the flag or variable; only the CLI turns it into exit 2.
 */
export function parseStackOptions(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
): StackOptions {
  const values = parseFlags(
    argv,
    {
      ...Object.fromEntries(Object.keys(PORT_FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      host: { type: 'string' },
      exporter: { type: 'string' },
      emulators: { type: 'string' },
      project: { type: 'string' },
      topic: { type: 'string' },
      'ready-timeout-ms': { type: 'string' },
      'raw-logs': { type: 'boolean' },
      ...PLATFORM_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new StackOptionsError(message),
  );

  const ports = { ...DEFAULT_STACK_PORTS } as Record<keyof StackPorts, number>;
  for (const [flag, key] of Object.entries(PORT_FLAGS)) {
    const raw = values[flag];
    if (typeof raw === 'string') ports[key] = parsePort(`--${flag}`, raw);
  }

  const exporter = (values.exporter as string | undefined) ?? 'otlp';
  if (!EXPORTERS.includes(exporter as StackExporter)) {
    throw new StackOptionsError(`--exporter must be one of ${EXPORTERS.join(', ')}, got "${exporter}"`);
  }

  const emulators = (values.emulators as string | undefined) ?? 'auto';
  if (!EMULATOR_CHOICES.includes(emulators as EmulatorChoice)) {
    throw new StackOptionsError(`--emulators must be one of ${EMULATOR_CHOICES.join(', ')}, got "${emulators}"`);
  }

  const projectId = nonEmpty('--project', values.project as string | undefined) ?? nonEmpty('GOOGLE_CLOUD_PROJECT', env.GOOGLE_CLOUD_PROJECT) ?? 'demo-orders';
  const topic = nonEmpty('--topic', values.topic as string | undefined) ?? nonEmpty('ORDERS_TOPIC', env.ORDERS_TOPIC) ?? 'orders';
  const rawTimeout = values['ready-timeout-ms'] as string | undefined;
  const readyTimeoutMs = rawTimeout === undefined ? 30_000 : parsePositiveInt('--ready-timeout-ms', rawTimeout);

  return {
    host: nonEmpty('--host', values.host as string | undefined) ?? '127.0.0.1',
    ports,
    exporter: exporter as StackExporter,
    emulators: emulators as EmulatorChoice,
    projectId,
    topic,
    deadLetterTopic: `${topic}-dead-letter`,
    subscription: `${topic}-processOrder`,
    pubsubEmulatorHost: hostPort('PUBSUB_EMULATOR_HOST', env.PUBSUB_EMULATOR_HOST, usageError),
    firestoreEmulatorHost: hostPort('FIRESTORE_EMULATOR_HOST', env.FIRESTORE_EMULATOR_HOST, usageError),
    readyTimeoutMs,
    stopTimeoutMs: 5_000,
    // With the console exporter the spans are the output worth reading.
    rawLogs: values['raw-logs'] === true || exporter === 'console',
    platform: parsePlatform(values, usageError),
    help: values.help === true,
  };
}

function parsePort(name: string, raw: string): number {
  const port = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new StackOptionsError(`${name} must be a port number 0-65535, got "${raw}"`);
  }
  return port;
}

function parsePositiveInt(name: string, raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new StackOptionsError(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (trimmed === '') {
    if (name.startsWith('--')) throw new StackOptionsError(`${name} must not be empty`);
    return undefined; // an empty variable means "unset", as shells tend to leave them
  }
  return trimmed;
}

function usageError(message: string): StackOptionsError {
  return new StackOptionsError(message);
}
