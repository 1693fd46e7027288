/**
 * The grpc benchmark's variants do what they are named for, against the real Firestore
 * client and the bundled emulator: no SDK records nothing, the SDK alone records only
 * the root span, and the instrumentation adds one span per gRPC call (Commit, then
 * BatchGetDocuments). CPU figures are the benchmark's business, not asserted here.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { runGrpcCallWorker } from '../../../scripts/bench/grpcBench';
import { startEmulatorProcesses } from '../../../scripts/bench/startEmulatorProcesses';
import type { EmulatorProcesses } from '../../../scripts/bench/startEmulatorProcesses';

let emulators: EmulatorProcesses;

before(async () => {
  emulators = await startEmulatorProcesses();
});

after(async () => {
  await emulators.close();
});

for (const [variant, spans] of [
  ['untraced', 0],
  ['no-grpc-spans', 1],
  ['instrumentation-grpc', 3],
] as const) {
  test(`${variant}: ${spans} span(s) per iteration`, async () => {
    const timings = await runGrpcCallWorker(variant, 10, emulators.firestore);
    assert.equal(timings.variant, variant);
    assert.equal(timings.spansPerIteration, spans);
    assert.ok(timings.cpuMsPerIteration > 0);
  });
}
