import type { LoadOptions } from './parseLoadOptions';
import type { ProgressReporter } from './progressReporter';
import { runLoad } from './runLoad';
import type { OrderResult } from './sendOrder';
import { sendOrder } from './sendOrder';
import { startClientTracing } from './startClientTracing';
import type { LoadSummary } from './summarizeLoad';
import { summarizeLoad } from './summarizeLoad';
import { cloudTraceAuth, cloudTraceClient } from './cloudTraceClient';
import { firestoreStatusReader } from './firestoreStatusReader';
import { traceQueryClient } from './traceQueryClient';
import type { OrderToVerify, OrderVerification } from './verifyOrders';
import { verifyOrders } from './verifyOrders';

export type LoadTestSettings = Pick<
  LoadOptions,
  'target' | 'orders' | 'concurrency' | 'rate' | 'maxDurationMs' | 'requestTimeoutMs' | 'otlp' | 'traces' | 'firestore' | 'projectId' | 'waitMs' | 'maxErrorRate' | 'idToken'
> &
  Partial<Pick<LoadOptions, 'traceHeaders' | 'cloudTraceApi'>>;

export interface LoadTestOutcome {
  readonly summary: LoadSummary;
  readonly results: readonly OrderResult[];
  readonly verifications: readonly OrderVerification[];
}

const CLOUD_TRACE_POLL_MS = 2000;
const CLOUD_TRACE_CONCURRENCY = 4;

const SILENT: ProgressReporter = { update: () => undefined, line: () => undefined, done: () => undefined };

/**
 * The whole load test, programmatically: traced requests, then the bounded wait
 * for the asynchronous half, then the summary. Used by the CLI, the integration
 * test and the end-to-end benchmark.
 */
export async function runLoadTest(settings: LoadTestSettings, progress: ProgressReporter = SILENT): Promise<LoadTestOutcome> {
  const tracing = settings.traceHeaders === false ? undefined : startClientTracing(settings.otlp, settings.orders);
  const cloudTraceApi = settings.cloudTraceApi;
  // Deployed functions keep their orders in the project's Firestore: read it there unless an emulator is named.
  const statuses = settings.firestore || cloudTraceApi ? firestoreStatusReader(settings.firestore, settings.projectId) : undefined;
  const fetchTrace = cloudTraceApi
    ? cloudTraceClient(cloudTraceApi, settings.projectId, cloudTraceAuth(settings.projectId))
    : traceQueryClient(settings.traces);
  try {
    let errors = 0;
    let sent = 0;
    const started = Date.now();
    const total = settings.orders;
    const run = await runLoad(
      settings,
      (index) => sendOrder(index, { target: settings.target, timeoutMs: settings.requestTimeoutMs, tracing, idToken: settings.idToken }),
      (result) => {
        sent++;
        if (result.error) errors++;
        progress.update({ sent, total, errors, elapsedMs: Date.now() - started, maxDurationMs: settings.maxDurationMs });
      },
    );
    progress.done();
    // Our client spans must reach the collector before we ask for complete traces.
    await tracing?.flush();

    const accepted: OrderToVerify[] = run.results.flatMap((r) =>
      !r.error && r.orderId && r.traceId && (r.clientSpanId || !tracing) ? [{ orderId: r.orderId, traceId: r.traceId, clientSpanId: r.clientSpanId }] : [],
    );
    progress.line(`sent ${run.results.length} orders (${accepted.length} accepted); waiting up to ${settings.waitMs / 1000} s for complete traces and processed orders…`);
    const verifyStarted = Date.now();
    const verifications = await verifyOrders(
      accepted,
      {
        fetchTrace,
        readStatuses: statuses ? (ids) => statuses.read(ids) : undefined,
        onRound: (done, all) => progress.line(`verified ${done}/${all} (${((Date.now() - verifyStarted) / 1000).toFixed(1)} s)`),
      },
      // Cloud Trace's read quota is per minute: ask less often there; spans take seconds to arrive anyway.
      { waitMs: settings.waitMs, ...(cloudTraceApi ? { pollMs: CLOUD_TRACE_POLL_MS, concurrency: CLOUD_TRACE_CONCURRENCY } : {}) },
    );
    progress.done();
    const summary = summarizeLoad({
      target: settings.target,
      traces: cloudTraceApi ?? settings.traces,
      ...(cloudTraceApi ? { cloudTraceProject: settings.projectId } : {}),
      startedAt: run.startedAt,
      endedAt: run.endedAt,
      results: run.results,
      verifications,
      processedFrom: statuses ? 'firestore' : 'trace',
      maxErrorRate: settings.maxErrorRate,
    });
    return { summary, results: run.results, verifications };
  } finally {
    await tracing?.shutdown().catch(() => undefined);
    await statuses?.close().catch(() => undefined);
  }
}
