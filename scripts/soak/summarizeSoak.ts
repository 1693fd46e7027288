import type { LoadSummary } from '../load/summarizeLoad';
import type { MemorySample } from './memorySampler';
import type { MemoryTrend, TrendRule } from './memoryTrend';
import { memoryTrend } from './memoryTrend';

export const SOAK_FUNCTIONS = ['createOrder', 'processOrder'] as const;
export type SoakFunction = (typeof SOAK_FUNCTIONS)[number];

export interface SoakPlan {
  readonly minutes: number;
  readonly rate: number;
  readonly concurrency: number;
  readonly sampleMs: number;
  readonly warmupS: number;
  readonly verifyS: number;
  readonly rule: TrendRule;
}

export interface FunctionMemory {
  readonly pid: number;
  readonly rss: MemoryTrend;
  /** Undefined when the heap reporter wrote nothing (the verdict then rests on RSS). */
  readonly heapUsed: MemoryTrend | undefined;
  readonly pass: boolean;
  /** Every reading, warm-up included. */
  readonly samples: readonly MemorySample[];
}

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
      const samples = input.samples.get(name) ?? [];
      const rss = memoryTrend(
        samples.map((s) => ({ tMs: s.tMs, mb: s.rssMB })),
        warmupMs,
        plan.rule,
      );
      const heapPoints = samples.flatMap((s) => (s.heapUsedMB === undefined ? [] : [{ tMs: s.tMs, mb: s.heapUsedMB }]));
      const heapUsed = heapPoints.length ? memoryTrend(heapPoints, warmupMs, plan.rule) : undefined;
      const pass = rss.pass && (heapUsed?.pass ?? true);
      if (!rss.pass) failures.push(`${name} RSS: ${rss.reason}`);
      if (heapUsed && !heapUsed.pass) failures.push(`${name} heap: ${heapUsed.reason}`);
      return [name, { pid: input.pids[name], rss, heapUsed, pass, samples }];
    }),
  ) as Record<SoakFunction, FunctionMemory>;

  const v = load.verification;
  const good = v.checked - v.brokenCount;
  const tracesPass = load.requests > 0 && load.accepted === load.requests && v.checked === load.requests && v.brokenCount === 0;
  if (load.requests === 0) failures.push('no orders were sent');
  if (load.accepted < load.requests) failures.push(`${load.requests - load.accepted} of ${load.requests} orders not accepted: ${describeErrors(load.errors)}`);
  if (v.brokenCount > 0) failures.push(`${v.brokenCount} of ${v.checked} accepted orders incomplete (trace or processing)`);

  return {
    startedAt: new Date(input.startedAt).toISOString(),
    node: process.version,
    plan,
    plannedOrders: plannedOrders(plan),
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
  };
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
