/**
 * The flushcpu benchmark's modes do what they are named for, against the real local
 * collector: untraced and unsampled send nothing, background and before-response send
 * every span of every invocation (7 each), bare-post sends an invocation's spans as OTLP
 * protobuf on every invocation. CPU figures are the benchmark's business, not asserted here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector } from '../../../scripts/collector/startCollector';
import type { Collector } from '../../../scripts/collector/startCollector';
import { runFlushCpuWorker } from '../../../scripts/bench/flushCpuBench';
import { WARMUP } from '../../../scripts/bench/flushCpuWorker';
import type { FlushCpuMode } from '../../../scripts/bench/flushCpuWorker';

const INVOCATIONS = 20;
let collector: Collector;

before(async () => {
  collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined, maxTraces: 100_000 });
});

after(async () => {
  await collector.close();
});

/** The benchmark's traces the collector holds (one per invocation), and the spans of the newest. */
async function received(): Promise<{ traces: number; spansOfOne: number }> {
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces?service=flush-cpu-bench&limit=1`);
  const body = (await response.json()) as { total: number; data: { spans: unknown[] }[] };
  return { traces: body.total, spansOfOne: body.data[0]?.spans.length ?? 0 };
}

for (const [mode, spansPerInvocation] of [
  ['untraced', 0],
  ['unsampled', 0],
  ['background', 7],
  ['before-response', 7],
] as const satisfies ReadonlyArray<readonly [FlushCpuMode, number]>) {
  test(`${mode}: ${spansPerInvocation} spans reach the collector per invocation`, async () => {
    const before = await received();
    const timings = await runFlushCpuWorker(mode, INVOCATIONS, `http://127.0.0.1:${collector.httpPort}`);
    assert.equal(timings.mode, mode);
    assert.ok(timings.cpuMsPerInvocation > 0);
    const after = await received();
    assert.equal(after.traces - before.traces, spansPerInvocation ? WARMUP + INVOCATIONS : 0, 'one trace per invocation');
    if (spansPerInvocation) assert.equal(after.spansOfOne, spansPerInvocation);
  });
}

test('bare-post: posts one invocation\'s spans, as OTLP protobuf the collector accepts', async () => {
  const before = await received();
  const timings = await runFlushCpuWorker('bare-post', INVOCATIONS, `http://127.0.0.1:${collector.httpPort}`);
  assert.ok(timings.exportBytes > 500, `an invocation's 7 spans make ${timings.exportBytes} bytes`);
  // The same trace every time, which the collector holds once.
  const after = await received();
  assert.equal(after.traces - before.traces, 1);
  assert.equal(after.spansOfOne, 7);
});
