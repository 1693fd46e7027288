import { latencyStats } from '../load/latencyStats';
import { runLoad } from '../load/runLoad';
import { sendOrder } from '../load/sendOrder';
import type { BenchResult } from './benchResult';
import { ratio, target } from './benchResult';
import { startDelayProxy } from './delayProxy';
import { startRoundTripProbe } from './roundTripProbe';
import { startBenchStack } from './startBenchStack';
import type { BenchStack } from './startBenchStack';
import { startEmulatorProcesses } from './startEmulatorProcesses';

export interface RttSettings {
  /** Orders per variant, sequential and again at `concurrency`. */
  readonly orders: number;
  readonly concurrency: number;
  readonly rttMs: number;
  readonly rounds?: number;
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

const VARIANTS = ['untraced', 'before-response', 'background'] as const;
type VariantName = (typeof VARIANTS)[number];
type Mode = 'seq' | 'conc';
const PROBES_PER_ROUND = 20;

interface Variant {
  readonly name: VariantName;
  readonly stack: BenchStack;
  readonly latencies: Record<Mode, number[]>;
  errors: number;
}

/**
 * createOrder's latency when the collector is `rttMs` away: a delay proxy sits between
 * the traced functions and their collector. Untraced vs the default flush before the
 * response (one export round trip per request, shared by concurrent requests) vs
 * FLUSH_MODE=background (export off the request path). Variants rotate each round.
 */
export async function rttBench(settings: RttSettings): Promise<BenchResult> {
  const log = settings.log ?? (() => undefined);
  const rounds = settings.rounds ?? 5;
  const perRound = Math.max(1, Math.ceil(settings.orders / rounds));
  const closers: (() => Promise<void>)[] = [];
  try {
    const variants: Variant[] = [];
    for (const name of VARIANTS) {
      log(`rtt: starting the ${name} stack (collector ${settings.rttMs} ms away)…`);
      // Emulators in their own processes: in this one, their work would delay the
      // proxy's timers and show up as a longer round trip.
      const emulators = await startEmulatorProcesses();
      closers.push(() => emulators.close());
      const stack = await startBenchStack(name !== 'untraced', {
        emulators,
        functionEnv: name === 'untraced' ? {} : { FLUSH_MODE: name },
        // Both receivers: the functions export OTLP/HTTP (the default), gRPC by choice.
        wrapCollector: async (collector) => {
          const grpc = await startDelayProxy(collector.host, collector.grpcPort, settings.rttMs);
          const http = await startDelayProxy(collector.host, collector.httpPort, settings.rttMs).catch(async (error: unknown) => {
            await grpc.close();
            throw error;
          });
          return {
            ...collector,
            grpcPort: grpc.port,
            httpPort: http.port,
            close: async () => {
              await Promise.all([grpc.close(), http.close()]);
              await collector.close();
            },
          };
        },
      });
      closers.push(() => stack.close());
      variants.push({ name, stack, latencies: { seq: [], conc: [] }, errors: 0 });
    }
    const run = async (v: Variant, mode: Mode, orders: number, record: boolean): Promise<void> => {
      const result = await runLoad({ orders, concurrency: mode === 'seq' ? 1 : settings.concurrency, rate: undefined, maxDurationMs: 300_000 }, (i) =>
        sendOrder(i, { target: v.stack.urls.createOrder, timeoutMs: 10_000, tracing: undefined }),
      );
      if (!record) return;
      for (const r of result.results) {
        if (r.error) v.errors++;
        else v.latencies[mode].push(r.latencyMs);
      }
    };
    // The warm-up also opens each exporter's channel through the proxy.
    for (const v of variants) await run(v, 'conc', settings.warmup ?? 30, false);
    const probe = await startRoundTripProbe(settings.rttMs);
    closers.push(() => probe.close());
    const roundTrips: number[] = [];
    for (let round = 0; round < rounds; round++) {
      roundTrips.push(...(await probe.sample(PROBES_PER_ROUND)));
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length]!;
        await run(v, 'seq', perRound, true);
        await run(v, 'conc', perRound, true);
      }
      log(`rtt: round ${round + 1}/${rounds}`);
    }
    return report(variants, settings, rounds, perRound, latencyStats(roundTrips).p50);
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

function report(variants: readonly Variant[], settings: RttSettings, rounds: number, perRound: number, measuredRttMs: number): BenchResult {
  const stats = (name: VariantName, mode: Mode) => latencyStats(variants.find((v) => v.name === name)!.latencies[mode]);
  const figures: Record<string, number> = { 'proxy round trip p50 ms (measured)': measuredRttMs };
  const targets = [];
  for (const mode of ['seq', 'conc'] as const) {
    const label = mode === 'seq' ? 'sequential' : `c=${settings.concurrency}`;
    for (const name of VARIANTS) {
      const s = stats(name, mode);
      figures[`${label} ${name} p50 ms`] = s.p50;
      figures[`${label} ${name} p99 ms`] = s.p99;
    }
    const untraced = stats('untraced', mode).p50;
    // The round trip the proxy really added (see roundTripProbe.ts), not the nominal one.
    const beyondRtt = stats('before-response', mode).p50 - untraced - measuredRttMs;
    const background = ratio(stats('background', mode).p50, untraced);
    figures[`${label} before-response p50 − untraced − nominal RTT ms`] = stats('before-response', mode).p50 - untraced - settings.rttMs;
    figures[`${label} before-response p50 − untraced − measured RTT ms`] = beyondRtt;
    figures[`${label} background/untraced p50`] = background;
    targets.push(target(`${label} before-response adds ≤ one RTT + 1 ms at p50 (ms beyond the RTT)`, beyondRtt, 'max', 1));
    targets.push(target(`${label} background/untraced p50`, background, 'max', 1.05));
  }
  for (const v of variants) figures[`${v.name} errors`] = v.errors;
  return {
    name: 'rtt',
    figures,
    targets,
    notes: [
      `collector ${settings.rttMs} ms round trip away (delay proxy, TCP_NODELAY both sides); ${rounds} rotating rounds of ${perRound} orders per variant, sequential then at concurrency ${settings.concurrency}`,
      `the round trip subtracted is the proxy's measured one: ${PROBES_PER_ROUND} one-byte echoes through the same proxy code before each round`,
    ],
  };
}
