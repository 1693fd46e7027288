import { latencyStats } from '../load/latencyStats';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';
import type { FlushTimings } from './flushCostWorker';
import { runJsonWorker } from './runJsonWorker';

/**
 * Flush cost per invocation, measured in a child process (flushCostWorker) against
 * a real collector on a free port. `tracedCreateOrderP50Ms`, when the overhead
 * benchmark ran, puts the flush next to a real invocation.
 */
export async function flushBench(invocations: number, rounds: number, tracedCreateOrderP50Ms: number | undefined): Promise<BenchResult> {
  const timings = await runJsonWorker<FlushTimings>('flushCostWorker', [String(invocations), String(rounds)], { timeoutMs: 600_000 });
  const seq = latencyStats(timings.sequential.flushMs);
  const seqInv = latencyStats(timings.sequential.invocationMs);
  const con = latencyStats(timings.concurrent.flushMs);
  const conInv = latencyStats(timings.concurrent.invocationMs);
  const expectedSpans = (20 + invocations + rounds * 50) * 5;
  const figures: Record<string, number> = {
    'sequential flush p50 ms': seq.p50,
    'sequential flush p99 ms': seq.p99,
    'sequential flush/invocation p50': ratio(seq.p50, seqInv.p50),
    '50-concurrent flush p50 ms': con.p50,
    '50-concurrent flush p99 ms': con.p99,
    '50-concurrent flush/invocation p50': ratio(con.p50, conInv.p50),
    'spans received / sent': ratio(timings.spansReceived, expectedSpans),
  };
  if (tracedCreateOrderP50Ms !== undefined) figures['sequential flush p50 / traced createOrder p50'] = ratio(seq.p50, tracedCreateOrderP50Ms);
  return {
    name: 'flush',
    figures,
    targets: [],
    notes: [
      `${invocations} sequential invocations, then ${rounds} rounds of 50 concurrent, 5 spans each, OTLP (the default, HTTP/protobuf) to a collector on loopback`,
      'the simulated invocation does no real I/O, so flush/invocation is close to 1 by construction; the share of a real createOrder is the last figure (when overhead ran)',
    ],
  };
}
