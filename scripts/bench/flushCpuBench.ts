import { startCollector } from '../collector/startCollector';
import { latencyStats } from '../load/latencyStats';
import type { BenchResult } from './benchResult';
import { target } from './benchResult';
import { pairedMedian } from './cpuBench';
import { FLUSH_CPU_MODES } from './flushCpuWorker';
import type { FlushCpuMode, FlushCpuTimings } from './flushCpuWorker';
import { runJsonWorker } from './runJsonWorker';

/**
 * The cost target of the default mode: what the library adds per invocation beyond its
 * floor, one kept-alive POST of the export plus recording the spans, both measured in
 * the same run (docs/performance.md, "the cost target").
 */
export const BEYOND_FLOOR_MS_LIMIT = 0.25;

/** Invocations per worker process: enough CPU time (~1–3 s) for process.cpuUsage to resolve tenths of a µs per invocation. */
export const FLUSH_CPU_INVOCATIONS = 3000;

/**
 * Client CPU per invocation of the tracing library alone, away from the functions and
 * their emulators: createOrder-shaped invocations (7 spans) in a domain each, every mode
 * in fresh processes, rotating, `rounds` times, exporting to a collector in this process
 * (whose CPU is not counted). It puts a floor under the default mode: `bare-post` is one
 * keep-alive POST per invocation of the same bytes, with nothing else around it, so
 * before-response can never add less than that over untraced.
 */
export async function flushCpuBench(rounds: number, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined, maxTraces: 1_000 });
  const cpu = Object.fromEntries(FLUSH_CPU_MODES.map((m) => [m, [] as number[]])) as Record<FlushCpuMode, number[]>;
  let exportBytes = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < FLUSH_CPU_MODES.length; i++) {
        const mode = FLUSH_CPU_MODES[(i + round) % FLUSH_CPU_MODES.length]!;
        const timings = await runFlushCpuWorker(mode, FLUSH_CPU_INVOCATIONS, `http://127.0.0.1:${collector.httpPort}`);
        cpu[mode].push(timings.cpuMsPerInvocation);
        exportBytes = timings.exportBytes;
      }
      log(`flushcpu: round ${round + 1}/${rounds}`);
    }
  } finally {
    await collector.close();
  }
  const added = (mode: FlushCpuMode, base: FlushCpuMode = 'untraced') => pairedMedian(cpu[mode], cpu[base]);
  const flushAdded = added('before-response', 'background');
  const postAdded = added('bare-post');
  const recording = added('background', 'unsampled');
  const beyondFloor = added('before-response') - postAdded - recording;
  const figures: Record<string, number> = {};
  for (const mode of FLUSH_CPU_MODES) figures[`${mode} CPU ms per invocation (median of rounds)`] = latencyStats(cpu[mode]).p50;
  figures['unsampled added ms (plumbing)'] = added('unsampled');
  figures['background added ms (spans recorded, exported in batches)'] = added('background');
  figures['before-response added ms'] = added('before-response');
  figures['flush before the response, over background ms'] = flushAdded;
  figures['one bare POST per invocation, over untraced ms (the floor of an export per invocation)'] = postAdded;
  figures['flush before the response beyond a bare POST ms'] = flushAdded - postAdded;
  figures['recording the spans ms (background - unsampled)'] = recording;
  figures['before-response beyond the floor ms (added - bare POST - recording)'] = beyondFloor;
  figures['bytes per export'] = exportBytes;
  return {
    name: 'flushcpu',
    figures,
    targets: [
      target('before-response CPU ms per invocation beyond the floor (one bare POST + recording the spans)', beyondFloor, 'max', BEYOND_FLOOR_MS_LIMIT),
    ],
    notes: [
      `${rounds} rotating rounds, each mode in a fresh process: ${FLUSH_CPU_INVOCATIONS} sequential createOrder-shaped invocations (a server span, three CLIENT spans, a gRPC span under each), each in its own domain; process CPU (user + system)`,
      'added = median over rounds of (mode − base); the collector runs in the benchmark process and is not counted',
    ],
  };
}

/** One mode in a fresh process (flushCpuWorker.js), exporting to the OTLP/HTTP endpoint given. */
export function runFlushCpuWorker(mode: FlushCpuMode, invocations: number, endpoint: string): Promise<FlushCpuTimings> {
  return runJsonWorker<FlushCpuTimings>('flushCpuWorker', [mode, String(invocations), endpoint], { timeoutMs: 300_000 });
}
