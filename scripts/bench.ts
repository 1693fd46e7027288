import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli } from './cli/runCli';
import type { BenchResult } from './bench/benchResult';
import { formatBenchResult } from './bench/benchResult';
import { coldFloorBench } from './bench/coldFloorBench';
import { coldStartBench } from './bench/coldStartBench';
import { collectorBench } from './bench/collectorBench';
import { cpuBench } from './bench/cpuBench';
import { e2eBench } from './bench/e2eBench';
import { exporterBench } from './bench/exporterBench';
import { flushBench } from './bench/flushBench';
import { flushCpuBench } from './bench/flushCpuBench';
import { grpcBench } from './bench/grpcBench';
import { overheadBench } from './bench/overheadBench';
import type { OverheadOutcome } from './bench/overheadBench';
import type { BenchOptions } from './bench/parseBenchOptions';
import { BENCH_HELP, BenchOptionsError, parseBenchOptions } from './bench/parseBenchOptions';
import { rttBench } from './bench/rttBench';
import { throttleBench } from './bench/throttleBench';

// The grpc benchmark's rounds of all its variants (about 3 minutes at 300 iterations per process).
const GRPC_ROUNDS = 8;
// The flushcpu benchmark's rounds of all its modes (about 1.5 minutes).
const FLUSH_CPU_ROUNDS = 6;

// Exit codes: 0 ran (missed targets are reported, not failures), 1 a benchmark could not run, 2 bad usage.
runCli({ parse: parseBenchOptions, usageError: BenchOptionsError, help: BENCH_HELP, run: bench });

async function bench(options: BenchOptions): Promise<number> {
  const log = (line: string): void => console.log(`  … ${line}`);
  const wants = (name: string): boolean => options.only.includes(name as never);
  const results: BenchResult[] = [];
  const failures: string[] = [];
  const attempt = async (name: string, fn: () => Promise<BenchResult | BenchResult[]>): Promise<void> => {
    console.log(`\n[${name}] running…`);
    try {
      const out = await fn();
      for (const r of Array.isArray(out) ? out : [out]) {
        results.push(r);
        console.log(formatBenchResult(r));
      }
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
      console.error(`[${name}] could not run: ${(err as Error).message}`);
    }
  };

  let overhead: OverheadOutcome | undefined;
  if (wants('overhead') || wants('memory')) {
    // One interleaved run on a traced and an untraced stack serves both.
    await attempt(wants('overhead') ? 'overhead' : 'memory', async () => {
      overhead = await overheadBench({ orders: options.orders, concurrency: options.concurrency, log });
      return [...(wants('overhead') ? [overhead.overhead] : []), ...(wants('memory') ? [overhead.memory] : [])];
    });
  }
  if (wants('cpu')) await attempt('cpu', () => cpuBench({ orders: options.orders, concurrency: options.concurrency, log }));
  if (wants('rtt')) await attempt('rtt', () => rttBench({ orders: options.orders, concurrency: options.concurrency, rttMs: options.rttMs, log }));
  if (wants('collector')) await attempt('collector', () => collectorBench());
  if (wants('exporters')) await attempt('exporters', () => exporterBench());
  if (wants('grpc')) await attempt('grpc', () => grpcBench(options.invocations, GRPC_ROUNDS, log));
  if (wants('flush')) await attempt('flush', () => flushBench(options.invocations, options.rounds, overhead?.tracedP50Ms));
  if (wants('flushcpu')) await attempt('flushcpu', () => flushCpuBench(FLUSH_CPU_ROUNDS, log));
  if (wants('coldstart')) await attempt('coldstart', () => coldStartBench(options.runs, log));
  if (wants('coldfloor')) await attempt('coldfloor', () => coldFloorBench(options.runs, log));
  if (wants('e2e')) await attempt('e2e', () => e2eBench(options.orders, options.concurrency));
  if (wants('throttle')) await attempt('throttle', () => throttleBench(options.throttleRequests, log));

  const report = { startedAt: new Date().toISOString(), node: process.version, options, results, failures };
  await mkdir(path.dirname(path.resolve(options.json)), { recursive: true });
  await writeFile(options.json, JSON.stringify(report, null, 2) + '\n');
  console.log(`\nJSON: ${path.resolve(options.json)}`);
  return failures.length ? 1 : 0;
}
