import { latencyStats } from '../load/latencyStats';
import { runLoad } from '../load/runLoad';
import { sendOrder } from '../load/sendOrder';
import type { Stack } from '../stack/startStack';
import type { BenchResult } from './benchResult';
import { ratio, target } from './benchResult';
import { peakRssKiB, startBenchStack } from './startBenchStack';

export interface OverheadSettings {
  readonly orders: number;
  readonly concurrency: number;
  readonly rounds?: number;
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

export interface OverheadOutcome {
  readonly overhead: BenchResult;
  readonly memory: BenchResult;
  /** Traced createOrder p50, for the flush benchmark's share-of-invocation figure. */
  readonly tracedP50Ms: number;
}

interface Variant {
  readonly name: 'traced' | 'untraced';
  readonly stack: Stack;
  readonly latencies: number[];
  sentMs: number;
  sent: number;
  errors: number;
}

/**
 * Same load on a traced and an untraced stack, both running at once, in
 * alternating rounds (ABBA…) so drift in machine load hits both alike. The load
 * generator sends no traceparent to either; the traced function starts the trace.
 */
export async function overheadBench(settings: OverheadSettings): Promise<OverheadOutcome> {
  const log = settings.log ?? (() => undefined);
  const rounds = settings.rounds ?? 10;
  const perRound = Math.max(1, Math.ceil(settings.orders / rounds));
  const stacks: Stack[] = [];
  try {
    log('starting a traced and an untraced stack on free ports…');
    const traced = await startBenchStack(true);
    stacks.push(traced);
    const untraced = await startBenchStack(false);
    stacks.push(untraced);
    const variants: Variant[] = [
      { name: 'traced', stack: traced, latencies: [], sentMs: 0, sent: 0, errors: 0 },
      { name: 'untraced', stack: untraced, latencies: [], sentMs: 0, sent: 0, errors: 0 },
    ];
    const run = async (v: Variant, orders: number, record: boolean): Promise<void> => {
      const result = await runLoad({ orders, concurrency: settings.concurrency, rate: undefined, maxDurationMs: 300_000 }, (i) =>
        sendOrder(i, { target: v.stack.urls.createOrder, timeoutMs: 10_000, tracing: undefined }),
      );
      if (!record) return;
      v.sentMs += result.endedAt - result.startedAt;
      v.sent += result.results.length;
      for (const r of result.results) {
        if (r.error) v.errors++;
        else v.latencies.push(r.latencyMs);
      }
    };
    for (const v of variants) await run(v, settings.warmup ?? 50, false);
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) await run(v, perRound, true);
      log(`overhead: round ${round + 1}/${rounds}`);
    }
    const [t, u] = variants.map((v) => ({ ...latencyStats(v.latencies), throughput: (v.sent / v.sentMs) * 1000, errors: v.errors })) as [
      ReturnType<typeof latencyStats> & { throughput: number; errors: number },
      ReturnType<typeof latencyStats> & { throughput: number; errors: number },
    ];
    const p50 = ratio(t.p50, u.p50);
    const p99 = ratio(t.p99, u.p99);
    const throughput = ratio(t.throughput, u.throughput);
    const overhead: BenchResult = {
      name: 'overhead',
      figures: {
        'traced p50 ms': t.p50,
        'untraced p50 ms': u.p50,
        'traced p99 ms': t.p99,
        'untraced p99 ms': u.p99,
        'traced req/s': t.throughput,
        'untraced req/s': u.throughput,
        'traced errors': t.errors,
        'untraced errors': u.errors,
        'p50 ratio': p50,
        'p99 ratio': p99,
        'throughput ratio': throughput,
      },
      targets: [target('traced/untraced p50', p50, 'max', 1.1), target('traced/untraced p99', p99, 'max', 1.2), target('traced/untraced throughput', throughput, 'min', 0.9)],
      notes: [`${rounds} alternating rounds of ${perRound} orders per variant at concurrency ${settings.concurrency}, after ${settings.warmup ?? 50} warm-up orders each`],
    };

    const hwm = async (s: Stack) => ({ create: await peakRssKiB(s.pids.createOrder), process: await peakRssKiB(s.pids.processOrder) });
    const [mt, mu] = [await hwm(traced), await hwm(untraced)];
    const mib = (kib: number | undefined): number => (kib === undefined ? NaN : kib / 1024);
    const memory: BenchResult = {
      name: 'memory',
      figures: {
        'createOrder traced MiB': mib(mt.create),
        'createOrder untraced MiB': mib(mu.create),
        'processOrder traced MiB': mib(mt.process),
        'processOrder untraced MiB': mib(mu.process),
        'createOrder ratio': ratio(mib(mt.create), mib(mu.create)),
        'processOrder ratio': ratio(mib(mt.process), mib(mu.process)),
      },
      targets: [],
      notes: ['peak RSS (VmHWM from /proc/<pid>/status) of each function process after the overhead load'],
    };
    return { overhead, memory, tracedP50Ms: t.p50 };
  } finally {
    await Promise.all(stacks.map((s) => s.close()));
  }
}
