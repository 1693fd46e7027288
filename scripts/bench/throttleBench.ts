import { latencyStats } from '../load/latencyStats';
import type { Billing } from '../frontEnd/parseFrontEndOptions';
import type { BenchResult } from './benchResult';
import { ratio } from './benchResult';
import { SPANS_PER_REQUEST } from './fixtures/throttledSpans';
import { callerTraceparent, send, spansInTrace, startThrottledWorld } from './throttledWorld';

type FlushMode = 'before-response' | 'background';

interface Variant {
  readonly flush: FlushMode;
  readonly billing: Billing;
}

interface VariantOutcome {
  readonly latencyMs: readonly number[];
  /** Fraction of all spans at the collector within 10 s of their request's answer. */
  readonly deliveredIn10s: number;
  /** Fraction of all spans at the collector when the answer arrived. */
  readonly deliveredAtAnswer: number;
  /** Fraction after scale-in (SIGCONT, SIGTERM: the library's shutdown flush). */
  readonly deliveredAfterScaleIn: number;
}

const VARIANTS: readonly Variant[] = [
  { flush: 'before-response', billing: 'request' },
  { flush: 'background', billing: 'request' },
  { flush: 'before-response', billing: 'instance' },
  { flush: 'background', billing: 'instance' },
];
const WINDOW_MS = 10_000;
// Between requests: long enough that request billing stops the instance each time.
const GAP_MS = 100;

/**
 * The flush modes under Cloud Run's CPU throttling, through the local front end: a real
 * functions-framework process (the fixture's `work`: a server span and two child spans
 * per request) stopped with SIGSTOP between requests (request billing) or never
 * (instance billing). Sequential requests with a gap; per variant the client's latency
 * p50/p99 and the fraction of spans at the collector when the answer came, within 10 s
 * of it, and after the instance's scale-in. Ratios are against instance billing in this run.
 */
export async function throttleBench(requests: number, log: (line: string) => void = () => undefined): Promise<BenchResult> {
  const outcomes = new Map<string, VariantOutcome>();
  for (const variant of VARIANTS) {
    log(`${variant.flush} under ${variant.billing} billing: ${requests} requests, ${GAP_MS} ms apart`);
    outcomes.set(key(variant), await runVariant(variant, requests));
  }
  const figures: Record<string, number> = {};
  for (const variant of VARIANTS) {
    const o = outcomes.get(key(variant))!;
    const stats = latencyStats(o.latencyMs);
    const name = key(variant);
    figures[`${name} p50 ms`] = stats.p50;
    figures[`${name} p99 ms`] = stats.p99;
    figures[`${name} spans at answer`] = o.deliveredAtAnswer;
    figures[`${name} spans within 10 s`] = o.deliveredIn10s;
    figures[`${name} spans after scale-in`] = o.deliveredAfterScaleIn;
  }
  for (const flush of ['before-response', 'background'] as const) {
    const throttled = latencyStats(outcomes.get(key({ flush, billing: 'request' }))!.latencyMs);
    const free = latencyStats(outcomes.get(key({ flush, billing: 'instance' }))!.latencyMs);
    figures[`${flush} p50 request/instance billing`] = ratio(throttled.p50, free.p50);
    figures[`${flush} p99 request/instance billing`] = ratio(throttled.p99, free.p99);
  }
  const bg = latencyStats(outcomes.get(key({ flush: 'background', billing: 'request' }))!.latencyMs);
  const br = latencyStats(outcomes.get(key({ flush: 'before-response', billing: 'request' }))!.latencyMs);
  figures['request billing p50 before-response/background'] = ratio(br.p50, bg.p50);
  figures['request billing p99 before-response/background'] = ratio(br.p99, bg.p99);
  return {
    name: 'throttle: flush modes under request-based billing (SIGSTOP between requests) vs instance billing',
    figures,
    targets: [],
    notes: [
      `${requests} sequential requests per variant, ${GAP_MS} ms apart, after 5 warm-up requests; one instance behind the local front end`,
      `spans: ${SPANS_PER_REQUEST} per request (server + 2 children); "within 10 s": at the collector within 10 s of the request's answer; "after scale-in": after SIGCONT, SIGTERM`,
      'background uses the SDK default batch delay (5 s): under request billing its timer runs only inside a later request',
    ],
  };
}

function key(v: Variant): string {
  return `${v.flush} ${v.billing}`;
}

async function runVariant(variant: Variant, requests: number): Promise<VariantOutcome> {
  const world = await startThrottledWorld({ target: 'work', billing: variant.billing, env: { FLUSH_MODE: variant.flush } });
  try {
    for (let i = 0; i < 5; i++) await send(world.frontEnd.url);
    const sent: { traceId: string; answeredAt: number }[] = [];
    const latencyMs: number[] = [];
    let atAnswer = 0;
    const arrivedAt = new Map<string, number>();
    for (let i = 0; i < requests; i++) {
      const caller = callerTraceparent(i);
      const started = performance.now();
      const answer = await send(world.frontEnd.url, { headers: { traceparent: caller.header } });
      latencyMs.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`request ${i} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      const answeredAt = Date.now();
      sent.push({ traceId: caller.traceId, answeredAt });
      const now = (await spansInTrace(world.collector, caller.traceId)).length;
      atAnswer += now;
      if (now >= SPANS_PER_REQUEST) arrivedAt.set(caller.traceId, answeredAt);
      await pollArrivals(world, sent, arrivedAt);
      await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    }
    // Every request gets its full 10 s window.
    const lastWindowEnd = sent.at(-1)!.answeredAt + WINDOW_MS;
    while (Date.now() < lastWindowEnd && arrivedAt.size < sent.length) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      await pollArrivals(world, sent, arrivedAt);
    }
    const inWindow = sent.filter((s) => (arrivedAt.get(s.traceId) ?? Infinity) <= s.answeredAt + WINDOW_MS).length;
    // Scale-in: the front end shuts the instance down as Cloud Run does (SIGCONT, SIGTERM, grace).
    await world.frontEnd.close();
    let afterScaleIn = 0;
    for (const s of sent) afterScaleIn += Math.min(SPANS_PER_REQUEST, (await spansInTrace(world.collector, s.traceId)).length);
    const total = sent.length * SPANS_PER_REQUEST;
    return { latencyMs, deliveredAtAnswer: atAnswer / total, deliveredIn10s: (inWindow * SPANS_PER_REQUEST) / total, deliveredAfterScaleIn: afterScaleIn / total };
  } finally {
    await world.close();
  }
}

/** Marks the traces now complete at the collector with the time they were first seen so. */
async function pollArrivals(world: Awaited<ReturnType<typeof startThrottledWorld>>, sent: readonly { traceId: string }[], arrivedAt: Map<string, number>): Promise<void> {
  for (const s of sent) {
    if (arrivedAt.has(s.traceId)) continue;
    if ((await spansInTrace(world.collector, s.traceId)).length >= SPANS_PER_REQUEST) arrivedAt.set(s.traceId, Date.now());
  }
}
