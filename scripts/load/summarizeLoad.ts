import type { HistogramBucket } from './histogram';
import { histogram } from './histogram';
import type { LatencyStats } from './latencyStats';
import { latencyStats } from './latencyStats';
import type { TimelinePoint } from './loadTimeline';
import { loadTimeline } from './loadTimeline';
import type { SpanTimeStats } from './spanTimeStats';
import { spanTimeStats } from './spanTimeStats';
import type { OrderResult } from './sendOrder';
import type { OrderVerification } from './verifyOrders';

export interface BrokenTrace {
  readonly traceId: string;
  readonly orderId: string;
  readonly missing: readonly string[];
}

export interface LoadSummary {
  readonly target: string;
  /** Where traces were read: a Jaeger query API, or the Cloud Trace API (with cloudTraceProject). */
  readonly traces: string;
  /** Set when traces came from Cloud Trace: the project they are in (the report links to the console). */
  readonly cloudTraceProject?: string;
  /**
   * What answered: `cloud-run; billing=request` (the local front end's X-Local-Platform
   * header), `none` (no such header: functions-framework directly, or a deployed function),
   * or several, comma-separated, if it changed during the run.
   */
  readonly platform: string;
  /** Invocations that were their instance's first (`faas.coldstart=true`) in the verified traces. */
  readonly coldStarts: number;
  readonly startedAt: string;
  /** Sending phase: first request to last answer, seconds. */
  readonly durationS: number;
  readonly requests: number;
  readonly accepted: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly errorRate: number;
  /** Answered requests per second over the sending phase. */
  readonly throughput: number;
  readonly latencyMs: LatencyStats;
  readonly latencyHistogram: readonly HistogramBucket[];
  /** Client span start → processOrder span end, from the traces. */
  readonly endToEndMs: LatencyStats;
  readonly verification: {
    readonly checked: number;
    readonly complete: number;
    readonly incomplete: number;
    readonly processed: number;
    readonly notProcessed: number;
    /** Where "processed" came from. */
    readonly processedFrom: 'firestore' | 'trace';
    /** Orders whose trace is incomplete or that were not processed. */
    readonly brokenCount: number;
    /** The first few broken orders and what each lacks. */
    readonly broken: readonly BrokenTrace[];
  };
  /** Up to `sampleSize` accepted orders (broken ones first) for the report's links. */
  readonly sample: readonly { readonly orderId: string; readonly traceId: string; readonly latencyMs: number; readonly complete: boolean }[];
  /** The `slowestCount` slowest accepted orders, slowest first. */
  readonly slowest: readonly { readonly orderId: string; readonly traceId: string; readonly latencyMs: number; readonly endToEndMs: number | undefined; readonly complete: boolean }[];
  /** Every failed request (up to `failureLimit`), with the trace its client span started. */
  readonly failures: readonly { readonly index: number; readonly traceId: string | undefined; readonly error: string; readonly message: string | undefined; readonly latencyMs: number }[];
  readonly failureCount: number;
  /** Throughput and latency over the sending phase. */
  readonly timeline: readonly TimelinePoint[];
  readonly endToEndHistogram: readonly HistogramBucket[];
  /** Duration of each span name over every checked trace. */
  readonly spanTimes: readonly SpanTimeStats[];
  readonly maxErrorRate: number;
  readonly ok: boolean;
}

export interface SummaryInput {
  readonly target: string;
  readonly traces: string;
  readonly cloudTraceProject?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly results: readonly OrderResult[];
  readonly verifications: readonly OrderVerification[];
  readonly processedFrom: 'firestore' | 'trace';
  readonly maxErrorRate: number;
  readonly brokenLimit?: number;
  readonly sampleSize?: number;
  readonly slowestCount?: number;
  readonly failureLimit?: number;
}

/** Pure: figures for the table, the JSON and the HTML report. */
export function summarizeLoad(input: SummaryInput): LoadSummary {
  const { results, verifications } = input;
  const errors: Record<string, number> = {};
  for (const r of results) if (r.error) errors[r.error] = (errors[r.error] ?? 0) + 1;
  const failed = results.filter((r) => r.error).length;
  const durationS = Math.max(0.001, (input.endedAt - input.startedAt) / 1000);
  const latencies = results.map((r) => r.latencyMs);
  const complete = verifications.filter((v) => v.check.complete);
  const processed = verifications.filter((v) => v.processed);
  const broken = verifications.filter((v) => !v.check.complete || !v.processed);
  const errorRate = results.length ? failed / results.length : 0;
  const byOrder = new Map(results.map((r) => [r.orderId, r]));
  const sample = [...broken, ...verifications.filter((v) => v.check.complete && v.processed)]
    .slice(0, input.sampleSize ?? 100)
    .map((v) => ({ orderId: v.orderId, traceId: v.traceId, latencyMs: byOrder.get(v.orderId)?.latencyMs ?? NaN, complete: v.check.complete && v.processed }));
  const endToEnd = verifications.flatMap((v) => (v.check.endToEndMs === undefined ? [] : [v.check.endToEndMs]));
  const byVerification = new Map(verifications.map((v) => [v.orderId, v]));
  const failed_ = results.filter((r) => r.error);
  return {
    target: input.target,
    traces: input.traces,
    ...(input.cloudTraceProject === undefined ? {} : { cloudTraceProject: input.cloudTraceProject }),
    platform: [...new Set(results.filter((r) => r.status !== undefined).map((r) => r.platform ?? 'none'))].join(', ') || 'unknown (no answer)',
    coldStarts: verifications.reduce((n, v) => n + (v.check.coldStarts ?? 0), 0),
    startedAt: new Date(input.startedAt).toISOString(),
    durationS,
    requests: results.length,
    accepted: results.length - failed,
    errors,
    errorRate,
    throughput: results.length / durationS,
    latencyMs: latencyStats(latencies),
    latencyHistogram: histogram(latencies),
    endToEndMs: latencyStats(endToEnd),
    verification: {
      checked: verifications.length,
      complete: complete.length,
      incomplete: verifications.length - complete.length,
      processed: processed.length,
      notProcessed: verifications.length - processed.length,
      processedFrom: input.processedFrom,
      brokenCount: broken.length,
      broken: broken.slice(0, input.brokenLimit ?? 5).map((v) => ({ traceId: v.traceId, orderId: v.orderId, missing: v.check.missing })),
    },
    sample,
    slowest: results
      .filter((r) => !r.error && r.orderId && r.traceId)
      .sort((a, b) => b.latencyMs - a.latencyMs)
      .slice(0, input.slowestCount ?? 20)
      .map((r) => {
        const v = byVerification.get(r.orderId!);
        return { orderId: r.orderId!, traceId: r.traceId!, latencyMs: r.latencyMs, endToEndMs: v?.check.endToEndMs, complete: v ? v.check.complete && v.processed : false };
      }),
    failures: failed_
      .slice(0, input.failureLimit ?? 1000)
      .map((r) => ({ index: r.index, traceId: r.traceId, error: r.error!, message: r.message, latencyMs: r.latencyMs })),
    failureCount: failed_.length,
    timeline: loadTimeline(results, input.startedAt, input.endedAt),
    endToEndHistogram: histogram(endToEnd),
    spanTimes: spanTimeStats(verifications.flatMap((v) => v.check.spanTimes ?? [])),
    maxErrorRate: input.maxErrorRate,
    ok: results.length > 0 && errorRate <= input.maxErrorRate && broken.length === 0,
  };
}
