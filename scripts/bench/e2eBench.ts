import { runLoadTest } from '../load/runLoadTest';
import type { BenchResult } from './benchResult';
import { ratio, target } from './benchResult';
import { startBenchStack } from './startBenchStack';

/**
 * Orders per second through the whole pipeline (request → processed), counted only
 * when every trace is complete, against the HTTP half's own rate in the same run.
 */
export async function e2eBench(orders: number, concurrency: number): Promise<BenchResult> {
  const stack = await startBenchStack(true);
  try {
    const u = stack.urls;
    const { summary, results, verifications } = await runLoadTest({
      target: u.createOrder,
      orders,
      concurrency,
      rate: undefined,
      maxDurationMs: 300_000,
      requestTimeoutMs: 10_000,
      otlp: u.otlpGrpc,
      traces: u.query,
      firestore: u.firestore,
      projectId: stack.options.projectId,
      waitMs: 60_000,
      maxErrorRate: 0,
      idToken: undefined,
    });
    const first = Math.min(...results.map((r) => r.startedAt));
    // An order is processed at its send time + its end-to-end time (from its trace).
    const sentAt = new Map(results.map((r) => [r.orderId, r.startedAt]));
    const processedAt = verifications.flatMap((v) => (v.check.endToEndMs === undefined ? [] : [(sentAt.get(v.orderId) ?? first) + v.check.endToEndMs]));
    const pipelineS = Math.max(0.001, (Math.max(first, ...processedAt) - first) / 1000);
    const pipelineRate = summary.verification.complete / pipelineS;
    const allComplete = summary.ok ? 1 : 0;
    return {
      name: 'e2e',
      figures: {
        'orders sent': summary.requests,
        'traces complete': summary.verification.complete,
        'orders processed': summary.verification.processed,
        'all complete (1/0)': allComplete,
        'pipeline orders/s': pipelineRate,
        'createOrder req/s': summary.throughput,
        'pipeline/createOrder rate': ratio(pipelineRate, summary.throughput),
        'end-to-end p50 ms': summary.endToEndMs.p50,
        'end-to-end p99 ms': summary.endToEndMs.p99,
      },
      targets: [target('every trace complete and processed', allComplete, 'min', 1)],
      notes: [
        `${orders} orders at concurrency ${concurrency}; pipeline time = first send → last processOrder span end; started ${new Date(first).toISOString()}`,
      ],
    };
  } finally {
    await stack.close();
  }
}
