import { parseFlags } from '../cli/parseFlags';
import { wholeNumber } from '../cli/wholeNumber';
import { timestamp } from '../load/parseLoadOptions';

export const BENCH_NAMES = ['overhead', 'cpu', 'rtt', 'collector', 'exporters', 'grpc', 'flush', 'flushcpu', 'coldstart', 'coldfloor', 'e2e', 'memory', 'throttle'] as const;
export type BenchName = (typeof BENCH_NAMES)[number];

export interface BenchOptions {
  readonly only: readonly BenchName[];
  /** Orders per variant (overhead, memory, cpu, rtt) and for the end-to-end run. */
  readonly orders: number;
  readonly concurrency: number;
  /** Cold starts per variant. */
  readonly runs: number;
  /** Flush benchmark: sequential invocations, and rounds of 50 concurrent ones; grpc: iterations per process. */
  readonly invocations: number;
  readonly rounds: number;
  /** rtt: round trip the delay proxy adds between createOrder and the collector. */
  readonly rttMs: number;
  /** Requests per variant of the throttle benchmark. */
  readonly throttleRequests: number;
  readonly json: string;
  readonly help: boolean;
}

export class BenchOptionsError extends Error {
  override readonly name = 'BenchOptionsError';
}

export const BENCH_HELP = `Usage: npm run bench -- [options]

Benchmarks, each reported as ratios against a baseline measured in the same run on
the same machine (variants interleaved). Not pass/fail tests: figures and targets
are printed and written as JSON.

  overhead   createOrder p50/p99/throughput, tracing on (otlp) vs off (OTEL_SDK_DISABLED)
  cpu        CPU ms per order of each process (functions, emulators, collector): traced
             (before-response), background, unsampled (plumbing only) and untraced, from
             the scheduler's clock in /proc; each stack has its own emulator processes
  rtt        createOrder p50/p99 with the collector --rtt-ms away (delay proxy, TCP_NODELAY):
             untraced vs FLUSH_MODE=before-response vs background, sequential and at
             --concurrency
  collector  the local collector's CPU to decode and store one order's spans (in process)
  exporters  client CPU of one export of an order's spans: OTLP http/protobuf, http/json, grpc
  grpc       client CPU per Firestore call of @opentelemetry/instrumentation-grpc over the
             SDK alone, and over untraced (fresh processes, Firestore emulator)
  flush      force-flush cost per invocation, sequential and 50 concurrent
  flushcpu   client CPU per invocation of the tracing library alone (fresh processes):
             untraced, unsampled, background, before-response, and one bare POST per
             invocation (the least an export per invocation can cost)
  coldstart  spawn → first 202: traced vs untraced vs a bare hello function, untraced,
             one-import and zero-code (--require register), and the one-import hello with
             the tracing package installed from its tarball, traced vs untraced
  coldfloor  what each part costs a hello function's cold start (modules loaded, CPU to
             the first answer): functions-framework alone, + the OpenTelemetry API and
             SDK, + the OTLP/HTTP exporter, the package untraced and traced (--runs)
  e2e        orders/s through the whole pipeline with every trace complete
  memory     peak RSS (VmHWM) of each function process, traced vs untraced
  throttle   both flush modes through the local Cloud Run front end: request billing
             (SIGSTOP between requests) vs instance billing, latency p50/p99 and the
             fraction of spans at the collector at the answer, within 10 s, after
             scale-in (--throttle-requests per variant; about 1 minute)

Options:
  --only A,B        run only these (default: all, one after another)
  --orders N        orders per variant for overhead/memory, cpu and rtt, and for e2e
                    (default 500)
  --concurrency N   requests in flight (default 10)
  --runs N          cold starts per variant (default 10)
  --invocations N   sequential flush invocations; grpc: iterations per process (default 300)
  --rounds N        rounds of 50 concurrent flush invocations (default 20)
  --rtt-ms N        round trip the rtt benchmark's delay proxy adds (default 20)
  --throttle-requests N  requests per variant of the throttle benchmark (default 60)
  --json FILE       where the figures go (default reports/bench-<timestamp>.json)
  -h, --help        this text

Bigger runs: --orders 5000 --concurrency 50 --runs 30 --invocations 2000 --rounds 100.
Exit codes: 0 ran (targets missed are reported, not failures), 1 a benchmark could not run, 2 bad usage.`;

export function parseBenchOptions(argv: readonly string[] = process.argv.slice(2), now: Date = new Date()): BenchOptions {
  const values = parseFlags(
    argv,
    {
      only: { type: 'string' },
      orders: { type: 'string' },
      concurrency: { type: 'string' },
      runs: { type: 'string' },
      invocations: { type: 'string' },
      rounds: { type: 'string' },
      'rtt-ms': { type: 'string' },
      'throttle-requests': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new BenchOptionsError(message),
  );
  const only = typeof values.only === 'string' ? values.only.split(',').map((s) => s.trim()).filter(Boolean) : [...BENCH_NAMES];
  for (const name of only) {
    if (!(BENCH_NAMES as readonly string[]).includes(name)) throw new BenchOptionsError(`--only: unknown benchmark "${name}"; one of ${BENCH_NAMES.join(', ')}`);
  }
  if (only.length === 0) throw new BenchOptionsError('--only must name at least one benchmark');
  const int = (name: string, fallback: number, max: number): number => {
    const raw = values[name];
    if (raw === undefined) return fallback;
    return wholeNumber(`--${name}`, String(raw), 1, max, (message) => new BenchOptionsError(message));
  };
  const json = typeof values.json === 'string' && values.json.trim() ? values.json.trim() : `reports/bench-${timestamp(now)}.json`;
  return {
    only: only as BenchName[],
    orders: int('orders', 500, 1_000_000),
    concurrency: int('concurrency', 10, 10_000),
    runs: int('runs', 10, 1000),
    invocations: int('invocations', 300, 1_000_000),
    rounds: int('rounds', 20, 100_000),
    rttMs: int('rtt-ms', 20, 10_000),
    throttleRequests: int('throttle-requests', 60, 100_000),
    json,
    help: values.help === true,
  };
}
