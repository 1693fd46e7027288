import { latencyStats } from '../load/latencyStats';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';
import { pairedMedian } from './cpuBench';
import { GRPC_VARIANTS } from './grpcCallWorker';
import type { GrpcCallTimings, GrpcVariant } from './grpcCallWorker';
import { runJsonWorker } from './runJsonWorker';
import { startEmulatorProcesses } from './startEmulatorProcesses';

/**
 * Client CPU per Firestore call of @opentelemetry/instrumentation-grpc (the gRPC spans the
 * library records) over the SDK alone, and of the SDK alone over no tracing, on the real
 * Firestore client and emulator, each variant in fresh processes (grpcCallWorker),
 * rotating, `rounds` times. Each iteration is one Commit (unary) and
 * one BatchGetDocuments (server-streaming), in a domain with a root span, as in the
 * functions.
 */
export async function grpcBench(iterations: number, rounds: number, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  const emulators = await startEmulatorProcesses();
  const cpu = Object.fromEntries(GRPC_VARIANTS.map((v) => [v, [] as number[]])) as Record<GrpcVariant, number[]>;
  const spans = {} as Record<GrpcVariant, number>;
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < GRPC_VARIANTS.length; i++) {
        const variant = GRPC_VARIANTS[(i + round) % GRPC_VARIANTS.length]!;
        const timings = await runGrpcCallWorker(variant, iterations, emulators.firestore);
        cpu[variant].push(timings.cpuMsPerIteration);
        spans[variant] = timings.spansPerIteration;
      }
      log(`grpc: round ${round + 1}/${rounds}`);
    }
  } finally {
    await emulators.close();
  }
  // Per call: an iteration makes two. Against the SDK without gRPC spans, so only the instrumentation counts.
  const addedPerCall = (variant: GrpcVariant) => pairedMedian(cpu[variant], cpu['no-grpc-spans']) / 2;
  const figures: Record<string, number> = {};
  for (const variant of GRPC_VARIANTS) figures[`${variant} CPU ms per iteration (median of rounds)`] = latencyStats(cpu[variant]).p50;
  figures['SDK without gRPC spans, added ms per call'] = pairedMedian(cpu['no-grpc-spans'], cpu.untraced) / 2;
  figures['instrumentation-grpc, added ms per call'] = addedPerCall('instrumentation-grpc');
  figures['instrumentation-grpc / untraced (CPU per iteration, medians)'] = ratio(latencyStats(cpu['instrumentation-grpc']).p50, latencyStats(cpu.untraced).p50);
  figures['spans per iteration, instrumentation-grpc'] = spans['instrumentation-grpc'];
  return {
    name: 'grpc',
    figures,
    targets: [],
    notes: [
      `${rounds} rotating rounds, each variant in a fresh process: ${iterations} iterations of one Commit and one BatchGetDocuments against the Firestore emulator, each in a domain with a root span; process CPU (user + system)`,
      'added per call = median over rounds of (variant − SDK without gRPC spans) / 2',
    ],
  };
}

/** One variant in a fresh process (grpcCallWorker.js) against the Firestore emulator at `firestoreHost`. */
export function runGrpcCallWorker(variant: GrpcVariant, iterations: number, firestoreHost: string): Promise<GrpcCallTimings> {
  return runJsonWorker<GrpcCallTimings>('grpcCallWorker', [variant, String(iterations)], {
    timeoutMs: 300_000,
    env: { ...process.env, FIRESTORE_EMULATOR_HOST: firestoreHost, METADATA_SERVER_DETECTION: 'none', OTEL_SDK_DISABLED: undefined },
  });
}
