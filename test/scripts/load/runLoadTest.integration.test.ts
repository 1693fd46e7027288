import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FREE_PORT_ARGS, parseStackOptions } from '../../../scripts/stack/parseStackOptions';
import { startStack } from '../../../scripts/stack/startStack';
import type { Stack } from '../../../scripts/stack/startStack';
import { runLoadTest } from '../../../scripts/load/runLoadTest';

let stack: Stack | undefined;
const logs: string[] = [];

before(async () => {
  // No emulator from the developer's shell: this test starts its own on free ports.
  const env = { ...process.env, PUBSUB_EMULATOR_HOST: '', FIRESTORE_EMULATOR_HOST: '' };
  stack = await startStack(parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], env), { log: (line) => logs.push(line), env });
});

after(async () => {
  await stack?.close();
});

test('20 orders at concurrency 5: every trace complete, every order processed', { timeout: 120_000 }, async () => {
  const urls = stack!.urls;
  const { summary } = await runLoadTest({
    target: urls.createOrder,
    orders: 20,
    concurrency: 5,
    rate: undefined,
    maxDurationMs: 60_000,
    requestTimeoutMs: 10_000,
    otlp: urls.otlpGrpc,
    traces: urls.query,
    firestore: urls.firestore,
    projectId: stack!.options.projectId,
    waitMs: 30_000,
    maxErrorRate: 0,
    idToken: undefined,
  });
  const context = `${JSON.stringify(summary.verification.broken, null, 2)}\n${logs.slice(-30).join('\n')}`;
  assert.equal(summary.requests, 20);
  assert.equal(summary.accepted, 20, context);
  assert.equal(summary.verification.complete, 20, context);
  assert.equal(summary.verification.processed, 20, context);
  assert.equal(summary.verification.processedFrom, 'firestore');
  assert.equal(summary.endToEndMs.count, 20);
  assert.ok(summary.endToEndMs.p50 > 0);
  assert.equal(summary.ok, true);
});
