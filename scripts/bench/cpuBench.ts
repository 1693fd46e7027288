import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from '../load/runLoad';
import { sendOrder } from '../load/sendOrder';
import type { BenchResult } from './benchResult';
import { ratio, target } from './benchResult';
import { processCpuMs } from './processCpu';
import { startBenchStack } from './startBenchStack';
import type { BenchStack } from './startBenchStack';
import { startEmulatorProcesses } from './startEmulatorProcesses';
import type { EmulatorProcesses } from './startEmulatorProcesses';

export interface CpuSettings {
  readonly orders: number;
  readonly concurrency: number;
  readonly rounds?: number;
  readonly warmup?: number;
  readonly log?: (line: string) => void;
}

const PARTS = ['createOrder', 'processOrder', 'pubsubEmulator', 'firestoreEmulator', 'collector'] as const;
type Part = (typeof PARTS)[number];

const VARIANTS = ['traced', 'background', 'untraced'] as const;

interface Variant {
  readonly name: (typeof VARIANTS)[number];
  readonly stack: BenchStack;
  readonly emulators: EmulatorProcesses;
  readonly cpuMs: Record<Part, number>;
  orders: number;
  errors: number;
}

/** Added CPU per invocation each function may cost (issue 12). */
const ADDED_MS_LIMIT = 0.5;

/**
 * CPU time per order of every process of three stacks, from /proc/<pid>/stat: traced
 * with the default flush before each response, traced with FLUSH_MODE=background, and
 * untraced, the same load sent to each in rotating rounds. Each stack has its own
 * emulator processes, so what tracing costs the emulators shows too. A round ends when
 * the stack has gone quiet (processOrder done, spans exported), so each round's CPU is
 * that round's orders, whole.
 */
export async function cpuBench(settings: CpuSettings): Promise<BenchResult> {
  const log = settings.log ?? (() => undefined);
  const rounds = settings.rounds ?? 10;
  const perRound = Math.max(1, Math.ceil(settings.orders / rounds));
  const closers: (() => Promise<void>)[] = [];
  try {
    const variants: Variant[] = [];
    for (const name of VARIANTS) {
      log(`cpu: starting the ${name} stack with its own emulator processes…`);
      const emulators = await startEmulatorProcesses();
      closers.push(() => emulators.close());
      const stack = await startBenchStack(name !== 'untraced', { emulators, functionEnv: name === 'background' ? { FLUSH_MODE: 'background' } : {} });
      closers.push(() => stack.close());
      variants.push({ name, stack, emulators, cpuMs: zero(), orders: 0, errors: 0 });
    }
    const send = async (v: Variant, orders: number): Promise<number> => {
      const result = await runLoad({ orders, concurrency: settings.concurrency, rate: undefined, maxDurationMs: 300_000 }, (i) =>
        sendOrder(i, { target: v.stack.urls.createOrder, timeoutMs: 10_000, tracing: undefined }),
      );
      await quiet(v);
      return result.results.filter((r) => r.error).length;
    };
    for (const v of variants) await send(v, settings.warmup ?? 50);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length]!;
        const before = await sample(v);
        const errors = await send(v, perRound);
        const after = await sample(v);
        for (const part of PARTS) v.cpuMs[part] += after[part] - before[part];
        v.orders += perRound;
        v.errors += errors;
      }
      log(`cpu: round ${round + 1}/${rounds}`);
    }
    return report(variants as [Variant, Variant, Variant], settings.concurrency, rounds, perRound);
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

function report([t, b, u]: [Variant, Variant, Variant], concurrency: number, rounds: number, perRound: number): BenchResult {
  const figures: Record<string, number> = {};
  const added: Partial<Record<Part, number>> = {};
  for (const part of PARTS) {
    const traced = t.cpuMs[part] / t.orders;
    const background = b.cpuMs[part] / b.orders;
    const untraced = u.cpuMs[part] / u.orders;
    added[part] = traced - untraced;
    figures[`${part} traced ms/order`] = traced;
    figures[`${part} untraced ms/order`] = untraced;
    figures[`${part} added ms/order`] = traced - untraced;
    figures[`${part} traced/untraced`] = ratio(traced, untraced);
    figures[`${part} background added ms/order`] = background - untraced;
  }
  for (const v of [t, b, u]) figures[`${v.name} errors`] = v.errors;
  return {
    name: 'cpu',
    figures,
    targets: [
      target('createOrder added CPU ms per invocation', added.createOrder ?? NaN, 'max', ADDED_MS_LIMIT),
      target('processOrder added CPU ms per invocation', added.processOrder ?? NaN, 'max', ADDED_MS_LIMIT),
    ],
    notes: [
      `${rounds} rotating rounds of ${perRound} orders per stack at concurrency ${concurrency}; CPU = utime+stime from /proc/<pid>/stat (10 ms ticks), per order`,
      '"traced" flushes before each response (the default); "background" is FLUSH_MODE=background (exports batched off the request path)',
      'one order = one createOrder and one processOrder invocation; the untraced stack exports nothing, so its collector shows the idle floor',
    ],
  };
}

function zero(): Record<Part, number> {
  return { createOrder: 0, processOrder: 0, pubsubEmulator: 0, firestoreEmulator: 0, collector: 0 };
}

async function sample(v: Variant): Promise<Record<Part, number>> {
  const pids: Record<Part, number | undefined> = {
    createOrder: v.stack.pids.createOrder,
    processOrder: v.stack.pids.processOrder,
    pubsubEmulator: v.emulators.pids.pubsub,
    firestoreEmulator: v.emulators.pids.firestore,
    collector: v.stack.collectorPid,
  };
  const out = zero();
  for (const part of PARTS) {
    const ms = await processCpuMs(pids[part]);
    if (ms === undefined) throw new Error(`cannot read the CPU time of ${v.name} ${part} (pid ${pids[part] ?? '?'}) from /proc`);
    out[part] = ms;
  }
  return out;
}

/**
 * Waits until no process of the stack has used CPU for two samples in a row: pushes
 * delivered, processOrder answered, spans exported. Bounded.
 */
async function quiet(v: Variant): Promise<void> {
  const total = async (): Promise<number> => Object.values(await sample(v)).reduce((a, b) => a + b, 0);
  const deadline = Date.now() + 30_000;
  let last = await total();
  let still = 0;
  while (still < 2 && Date.now() < deadline) {
    await sleep(150);
    const now = await total();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
