import { decodeExportRequest } from '../collector/exportCodec';
import { latencyStats } from '../load/latencyStats';
import { TraceStore } from '../collector/traceStore';
import type { BenchResult } from './benchResult';
import { target } from './benchResult';
import { orderExportRequests } from './orderExportRequests';

/** Collector CPU to decode and store one order's spans (issue 12). */
const MS_PER_ORDER_LIMIT = 0.3;

/**
 * What the local collector spends on one order's spans once they have arrived: decode
 * the two OTLP/protobuf export requests (createOrder's 7 spans, processOrder's 4) and
 * store them, as its gRPC receiver does. Process CPU time over `orders` distinct orders
 * after a warm-up; the gRPC transport itself is in the cpu benchmark's collector figure.
 */
export async function collectorBench(orders = 2000): Promise<BenchResult> {
  const warm = orderExportRequests(500);
  const requests = orderExportRequests(orders);
  const bytes = requests.reduce((n, r) => n + r.length, 0);
  const run = (batch: readonly Uint8Array[]): void => {
    const store = new TraceStore(10_000);
    for (const body of batch) {
      const result = decodeExportRequest(Buffer.from(body.buffer, body.byteOffset, body.length), 'protobuf');
      if (!result.ok || result.spans.length === 0) throw new Error(`collector bench: a request did not decode: ${result.ok ? 'no spans' : result.error}`);
      store.add(result.spans);
    }
  };
  run(warm);
  // Median of five passes: one pass is short enough for a neighbour's burst to skew it.
  const passes: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    const before = process.cpuUsage();
    run(requests);
    const used = process.cpuUsage(before);
    passes.push((used.user + used.system) / 1000 / orders);
  }
  const msPerOrder = latencyStats(passes).p50;
  return {
    name: 'collector',
    figures: { 'decode+store CPU ms/order': msPerOrder, 'µs/span': (msPerOrder * 1000) / 11, 'bytes/order': bytes / orders },
    targets: [target('decode+store CPU ms per order', msPerOrder, 'max', MS_PER_ORDER_LIMIT)],
    notes: [`${orders} distinct orders (11 spans each, two OTLP/protobuf requests) decoded and stored in process after a warm-up of 500; median CPU of 5 passes`],
  };
}
