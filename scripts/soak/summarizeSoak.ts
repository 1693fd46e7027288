import type { LoadSummary } from '../load/summarizeLoad';
import type { MemorySample } from './memorySampler';
import type { SoakOptions } from './parseSoakOptions';
import type { MemoryPoint, MemoryTrend, TrendRule } from './memoryTrend';
import { memoryTrend } from './memoryTrend';

export const SOAK_FUNCTIONS = ['createOrder', 'processOrder'] as const;
export type SoakFunction = (typeof SOAK_FUNCTIONS)[number];

/** What the run was asked to do, as the report records it. */
export type SoakPlan = Pick<SoakOptions, 'minutes' | 'rate' | 'concurrency' | 'sampleMs' | 'warmupS' | 'verifyS' | 'rule'>;

export interface FunctionMemory {
  readonly pid: number;
  /** Resident set (VmRSS), every reading after warm-up: what the platform's memory limit counts. */
  readonly rss: MemoryTrend;
  /**
   * Live heap: the heap in use just after each major GC after warm-up (one point per GC),
   * the saw-tooth's floor. Undefined when the heap reporter wrote nothing.
   */
  readonly heapAfterGc: MemoryTrend | undefined;
  /** False when too few major GCs fell after warm-up to judge the live heap (RSS alone decides). */
  readonly heapJudged: boolean;
  readonly heapUsedMaxMB: number | undefined;
  /** The fitted slopes as bytes per order at the achieved rate: what a per-order leak would be. */
  readonly rssBytesPerOrder: number;
  readonly heapBytesPerOrder: number | undefined;
  readonly pass: boolean;
  readonly notes: readonly string[];
  /** Every reading, warm-up included. */
  readonly samples: readonly MemorySample[];
}

/** Major GCs needed after warm-up before the live-heap line counts (a line through 2 points says little). */
export const MIN_HEAP_FLOORS = 3;

export interface SoakSummary {
  readonly startedAt: string;
  readonly node: string;
  readonly plan: SoakPlan;
  /** Orders the schedule called for (rate × duration). */
  readonly plannedOrders: number;
  /** Sent orders per second over the sending phase. */
  readonly achievedRate: number;
  readonly load: LoadSummary;
  readonly traces: {
    readonly sent: number;
    readonly complete: number;
    readonly processed: number;
    /** complete and processed / sent, in percent. */
    readonly completePercent: number;
    /** 100 %: every order sent was accepted, processed and has a complete trace. */
    readonly pass: boolean;
  };
  readonly memory: Readonly<Record<SoakFunction, FunctionMemory>>;
  readonly pass: boolean;
  /** Why it failed, in words; empty when it passed. */
  readonly failures: readonly string[];
  /** What qualifies the figures without failing the run (e.g. the rate was not reached). */
  readonly notes: readonly string[];
}

export interface SoakInput {
  readonly startedAt: number;
  readonly plan: SoakPlan;
  readonly pids: Readonly<Record<SoakFunction, number>>;
  readonly samples: ReadonlyMap<string, readonly MemorySample[]>;
  readonly load: LoadSummary;
}

/** Pure: the soak's figures and verdict from the load summary and the memory readings. */
export function summarizeSoak(input: SoakInput): SoakSummary {
  const { plan, load } = input;
  const warmupMs = plan.warmupS * 1000;
  const failures: string[] = [];

  const memory = Object.fromEntries(
    SOAK_FUNCTIONS.map((name) => {
      const m = functionMemory(input.pids[name], input.samples.get(name) ?? [], warmupMs, plan.rule, load.throughput);
      if (!m.rss.pass) failures.push(`${name} RSS: ${m.rss.reason}`);
      if (m.heapJudged && m.heapAfterGc && !m.heapAfterGc.pass) failures.push(`${name} live heap: ${m.heapAfterGc.reason}`);
      return [name, m];
    }),
  ) as Record<SoakFunction, FunctionMemory>;

  const v = load.verification;
  const good = v.checked - v.brokenCount;
  const tracesPass = load.requests > 0 && load.accepted === load.requests && v.checked === load.requests && v.brokenCount === 0;
  if (load.requests === 0) failures.push('no orders were sent');
  if (load.accepted < load.requests) failures.push(`${load.requests - load.accepted} of ${load.requests} orders not accepted: ${describeErrors(load.errors)}`);
  if (v.brokenCount > 0) failures.push(`${v.brokenCount} of ${v.checked} accepted orders incomplete (trace or processing)`);

  const notes: string[] = [];
  // Open loop with a cap: when the pipeline cannot keep up, arrivals wait for a free slot
  // and the soak measured a lower load than asked for. Said, not failed: nothing was lost.
  const planned = plannedOrders(plan);
  if (load.requests < planned * 0.95) {
    notes.push(
      `sent ${load.requests} of ${planned} planned orders (${load.throughput.toFixed(1)}/s of ${plan.rate}/s): the in-flight cap of ${plan.concurrency} held arrivals back, so the pipeline (or the machine) could not keep up`,
    );
  }
  return {
    startedAt: new Date(input.startedAt).toISOString(),
    node: process.version,
    plan,
    plannedOrders: planned,
    achievedRate: load.throughput,
    load,
    traces: {
      sent: load.requests,
      complete: v.complete,
      processed: v.processed,
      completePercent: load.requests ? (good / load.requests) * 100 : 0,
      pass: tracesPass,
    },
    memory,
    pass: failures.length === 0,
    failures,
    notes,
  };
}

/** One function's readings → its RSS and live-heap trends and verdict. */
export function functionMemory(pid: number, samples: readonly MemorySample[], warmupMs: number, rule: TrendRule, ordersPerS: number): FunctionMemory {
  const notes: string[] = [];
  const rss = memoryTrend(
    samples.map((s) => ({ tMs: s.tMs, mb: s.rssMB })),
    warmupMs,
    rule,
  );
  const floors = heapFloors(samples);
  const reported = samples.some((s) => s.heapUsedMB !== undefined);
  const heapAfterGc = reported ? memoryTrend(floors, warmupMs, { ...rule, minSamples: MIN_HEAP_FLOORS }) : undefined;
  const heapJudged = heapAfterGc !== undefined && heapAfterGc.samples >= MIN_HEAP_FLOORS;
  if (!reported) notes.push('no heap readings (the heap reporter wrote nothing): verdict on RSS alone');
  else if (!heapJudged) {
    notes.push(
      `only ${heapAfterGc?.samples ?? 0} major GCs after warm-up, too few to judge the live heap (verdict on RSS alone); the window is shorter than a few GC cycles, so run longer`,
    );
  }
  const heapUsed = samples.flatMap((s) => (s.heapUsedMB === undefined ? [] : [s.heapUsedMB]));
  return {
    pid,
    rss,
    heapAfterGc,
    heapJudged,
    heapUsedMaxMB: heapUsed.length ? Math.max(...heapUsed) : undefined,
    rssBytesPerOrder: bytesPerOrder(rss.slopeMBPerMin, ordersPerS),
    heapBytesPerOrder: heapJudged ? bytesPerOrder(heapAfterGc.slopeMBPerMin, ordersPerS) : undefined,
    pass: rss.pass && (!heapJudged || heapAfterGc.pass),
    notes,
    samples,
  };
}

/** One point per reading that shows a new major GC: the heap in use just after it, at that reading's time. */
export function heapFloors(samples: readonly MemorySample[]): MemoryPoint[] {
  const floors: MemoryPoint[] = [];
  let seen: number | undefined;
  for (const s of samples) {
    if (s.majorGcs === undefined) continue;
    if (s.heapAfterGcMB !== undefined && s.majorGcs > (seen ?? 0)) floors.push({ tMs: s.tMs, mb: s.heapAfterGcMB });
    seen = s.majorGcs;
  }
  return floors;
}

function bytesPerOrder(slopeMBPerMin: number, ordersPerS: number): number {
  return ordersPerS > 0 ? (slopeMBPerMin * 1024 * 1024) / (ordersPerS * 60) : NaN;
}

/** rate × duration, the orders the fixed schedule calls for. */
export function plannedOrders(plan: Pick<SoakPlan, 'rate' | 'minutes'>): number {
  return Math.max(1, Math.floor(plan.rate * plan.minutes * 60));
}

function describeErrors(errors: Readonly<Record<string, number>>): string {
  return Object.entries(errors)
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
}
