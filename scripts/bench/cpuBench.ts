import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from '../load/runLoad';
import { sendOrder } from '../load/sendOrder';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';
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

/**
 * Each step adds one thing, so their differences split what tracing costs:
 * untraced (OTEL_SDK_DISABLED) → unsampled (SDK, instrumentation and wrappers on, nothing
 * recorded: the plumbing) → background (spans recorded, exported in batches off the
 * request path) → traced (the default: a flush, so an export, before each response).
 */
const VARIANTS = ['traced', 'background', 'unsampled', 'untraced'] as const;
type VariantName = (typeof VARIANTS)[number];

const VARIANT_ENV: Record<VariantName, Readonly<Record<string, string>>> = {
  traced: {},
  background: { FLUSH_MODE: 'background' },
  unsampled: { OTEL_TRACES_SAMPLER: 'always_off' },
  untraced: {},
};

interface Variant {
  readonly name: VariantName;
  readonly stack: BenchStack;
  readonly emulators: EmulatorProcesses;
  readonly cpuMs: Record<Part, number>;
  /** CPU ms per order of each function, round by round (rounds pair up across variants). */
  readonly perRound: { readonly createOrder: number[]; readonly processOrder: number[] };
  orders: number;
  errors: number;
}

/** CPU all of a stack's processes may use in 150 ms and still count as quiet. */
const QUIET_MS = 1;

/**
 * CPU time per order of every process of four stacks, from each thread's scheduler run
 * time (processCpu.ts): traced with the default flush before each response, traced with
 * FLUSH_MODE=background, unsampled and untraced, the same load sent to each in rotating rounds. Each stack has its own
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
      const stack = await startBenchStack(name !== 'untraced', { emulators, functionEnv: VARIANT_ENV[name] });
      closers.push(() => stack.close());
      variants.push({ name, stack, emulators, cpuMs: zero(), perRound: { createOrder: [], processOrder: [] }, orders: 0, errors: 0 });
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
        v.perRound.createOrder.push((after.createOrder - before.createOrder) / perRound);
        v.perRound.processOrder.push((after.processOrder - before.processOrder) / perRound);
        v.orders += perRound;
        v.errors += errors;
      }
      log(`cpu: round ${round + 1}/${rounds}`);
    }
    return report(variants, settings.concurrency, rounds, perRound);
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

function report(variants: readonly Variant[], concurrency: number, rounds: number, perRound: number): BenchResult {
  const by = (name: VariantName): Variant => variants.find((v) => v.name === name)!;
  const perOrder = (v: Variant, part: Part): number => v.cpuMs[part] / v.orders;
  const [t, b, s, u] = [by('traced'), by('background'), by('unsampled'), by('untraced')];
  const figures: Record<string, number> = {};
  for (const part of PARTS) {
    figures[`${part} traced ms/order`] = perOrder(t, part);
    figures[`${part} untraced ms/order`] = perOrder(u, part);
    figures[`${part} added ms/order`] = perOrder(t, part) - perOrder(u, part);
    figures[`${part} traced/untraced`] = ratio(perOrder(t, part), perOrder(u, part));
    figures[`${part} background added ms/order`] = perOrder(b, part) - perOrder(u, part);
  }
  for (const fn of ['createOrder', 'processOrder'] as const) {
    // What each step adds, from whole-run totals; and the median of the per-round
    // differences, which one noisy round cannot move.
    figures[`${fn} plumbing ms (unsampled - untraced)`] = perOrder(s, fn) - perOrder(u, fn);
    figures[`${fn} recording ms (background - unsampled)`] = perOrder(b, fn) - perOrder(s, fn);
    figures[`${fn} export before response ms (traced - background)`] = perOrder(t, fn) - perOrder(b, fn);
    figures[`${fn} added ms, median of rounds`] = pairedMedian(t.perRound[fn], u.perRound[fn]);
    figures[`${fn} background added ms, median of rounds`] = pairedMedian(b.perRound[fn], u.perRound[fn]);
  }
  for (const v of variants) figures[`${v.name} errors`] = v.errors;
  return {
    name: 'cpu',
    figures,
    // The cost target is relative to the floor of one export per invocation, which only
    // `flushcpu` measures in the same run; these whole-function figures also carry the
    // client libraries' own spans and emulator round trips, so they are reported, not judged.
    targets: [],
    notes: [
      `${rounds} rotating rounds of ${perRound} orders per stack at concurrency ${concurrency}; CPU = the scheduler's run time of every thread (/proc/<pid>/task/*/schedstat), per order`,
      '"traced" flushes before each response (the default); "background" is FLUSH_MODE=background; "unsampled" is OTEL_TRACES_SAMPLER=always_off (everything on, nothing recorded)',
      'one order = one createOrder and one processOrder invocation; the untraced stack exports nothing, so its collector shows the idle floor',
      'the cost target (at most 0.25 ms per invocation beyond one kept-alive POST plus recording the spans) is judged by --only flushcpu',
    ],
  };
}

/** Median over rounds of a[i] - b[i]. */
export function pairedMedian(a: readonly number[], b: readonly number[]): number {
  const differences = a.map((value, i) => value - (b[i] ?? NaN)).sort((x, y) => x - y);
  if (differences.length === 0) return NaN;
  const middle = Math.floor(differences.length / 2);
  return differences.length % 2 === 1 ? differences[middle]! : (differences[middle - 1]! + differences[middle]!) / 2;
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
 * Waits until the stack's processes have used next to no CPU for two samples in a row: pushes
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
    // Idle processes still use a little (timers, the emulators' housekeeping).
    still = now - last < QUIET_MS ? still + 1 : 0;
    last = now;
  }
}
