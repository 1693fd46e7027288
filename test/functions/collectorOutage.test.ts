/**
 * A collector outage never hurts the request. createOrder runs as a real
 * functions-framework process with the real SDK and OTLP exporter (gRPC, then HTTP),
 * against the Firestore and Pub/Sub emulators, while its collector port is in turn:
 * served by the real collector (baseline), closed, held by a server that accepts and
 * never answers, held by one that refuses (503/429 + Retry-After; UNAVAILABLE /
 * RESOURCE_EXHAUSTED), each followed by the real collector coming back on the same port.
 *
 * Every request must be accepted (stored and published), none may wait more than the
 * flush deadline beyond the baseline, each outage must log exactly one line when it
 * starts and one when it ends (with the spans dropped), and traces must resume.
 */
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import type { PubSub, Subscription } from '@google-cloud/pubsub';
import { startCollector } from '../../scripts/collector/startCollector';
import type { Collector } from '../../scripts/collector/startCollector';
import { findFreePort } from '../../scripts/stack/assertPortsFree';
import { startChild } from '../../scripts/stack/startChild';
import type { RunningChild } from '../../scripts/stack/startChild';
import { waitForHttp } from '../../scripts/stack/waitForHttp';
import { waitFor } from '../support/waitFor';
import { listenHanging, listenRefusingGrpc, listenRefusingHttp } from './fakeCollectors';
import type { FakeCollector } from './fakeCollectors';
import { startEmulators } from '../support/startEmulators';
import type { TestEmulators } from '../support/startEmulators';

const PROJECT = 'demo-collector-outage';
const FLUSH_TIMEOUT_MS = 300;
// Loose on purpose: a correctness bound on a shared 2-core machine, not a benchmark.
const SLACK_MS = 2000;
const SEQUENTIAL = 5;
const CONCURRENT = 8;
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const ORDER = { customerId: 'c-outage', items: [{ sku: 'sku-1', quantity: 1, unitPrice: 2.5 }], currency: 'EUR' };

let emulators: TestEmulators | undefined;
let db: Firestore;
let pubsub: PubSub;
let subscription: Subscription;
const published = new Set<string>();

before(async () => {
  emulators = await startEmulators();
  const { PubSub } = await import('@google-cloud/pubsub');
  const { Firestore } = await import('@google-cloud/firestore');
  pubsub = new PubSub({ projectId: PROJECT });
  db = new Firestore({ projectId: PROJECT });
  const [topic] = await pubsub.createTopic('orders');
  [subscription] = await topic.createSubscription('outage-test');
  subscription.on('message', (message: { attributes: Record<string, string>; ack(): void }) => {
    message.ack();
    published.add(message.attributes.orderId ?? '');
  });
});

after(async () => {
  await subscription?.close();
  await pubsub?.close();
  await db?.terminate();
  await emulators?.close();
});

interface Sent {
  readonly status: number;
  readonly ms: number;
  readonly orderId: string;
  readonly traceId: string;
}

interface TelemetryLine {
  readonly message: string;
  readonly droppedSpans?: number;
  readonly reason?: string;
}

/** createOrder under functions-framework, exporting to the collector at `endpoint`. */
async function startCreateOrder(protocol: 'grpc' | 'http/json' | 'http/protobuf', endpoint: string, lines: string[]): Promise<{ child: RunningChild; url: string }> {
  const port = await findFreePort('127.0.0.1');
  const child = startChild({
    name: 'createOrder',
    command: process.execPath,
    args: [FUNCTIONS_FRAMEWORK, '--target=createOrder', `--port=${port}`, `--source=${REPO_ROOT}`],
    env: {
      PATH: process.env.PATH,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      FIRESTORE_EMULATOR_HOST: process.env.FIRESTORE_EMULATOR_HOST,
      PUBSUB_EMULATOR_HOST: process.env.PUBSUB_EMULATOR_HOST,
      METADATA_SERVER_DETECTION: 'none',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_SERVICE_NAME: `createOrder-${protocol}`,
      FLUSH_TIMEOUT_MS: String(FLUSH_TIMEOUT_MS),
    },
    cwd: REPO_ROOT,
    log: (line) => lines.push(line.replace(/^\[createOrder\] /, '')),
  });
  const url = `http://127.0.0.1:${port}/`;
  await waitForHttp(`${url}robots.txt`, { part: 'createOrder', timeoutMs: 20_000, giveUp: () => (child.isRunning() ? undefined : 'exited') });
  return { child, url };
}

async function sendOne(url: string): Promise<Sent> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ORDER) });
  const body = (await response.json()) as { orderId?: string; traceId?: string };
  return { status: response.status, ms: performance.now() - started, orderId: body.orderId ?? '', traceId: body.traceId ?? '' };
}

interface Phase {
  readonly sequential: Sent[];
  readonly concurrent: Sent[];
  readonly all: Sent[];
}

/** SEQUENTIAL requests one after another, then CONCURRENT at once. */
async function sendPhase(url: string): Promise<Phase> {
  const sequential: Sent[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) sequential.push(await sendOne(url));
  const concurrent = await Promise.all(Array.from({ length: CONCURRENT }, () => sendOne(url)));
  return { sequential, concurrent, all: [...sequential, ...concurrent] };
}

/** Worst latency of a phase's requests, and how much above the baseline's median of the same kind. */
function worstAdded(phase: Phase, baseline: Phase): { kind: string; worst: number; added: number; limit: number }[] {
  return (['sequential', 'concurrent'] as const).map((kind) => {
    const worst = Math.max(...phase[kind].map((s) => s.ms));
    const normal = baseline[kind].map((s) => s.ms);
    return { kind, worst, added: worst - median(normal), limit: Math.max(...normal) + FLUSH_TIMEOUT_MS + SLACK_MS };
  });
}

async function traceStored(collector: Collector, traceId: string): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  await response.arrayBuffer();
  return response.status === 200;
}

function telemetryLines(lines: readonly string[], from: number): TelemetryLine[] {
  return lines
    .slice(from)
    .filter((line) => line.includes('"gcf-tracing"'))
    .map((line) => JSON.parse(line) as TelemetryLine);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}


// http/json shares the HTTP transport with http/protobuf, the default.
for (const protocol of ['http/protobuf', 'grpc'] as const) {
  test(`OTLP ${protocol}: collector down, hanging or refusing costs no request, is logged once per outage, and traces resume`, { timeout: 90_000 }, async (t: TestContext) => {
    let collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
    const ports = { grpcPort: collector.grpcPort, httpPort: collector.httpPort, queryPort: collector.queryPort };
    const otlpPort = protocol === 'grpc' ? ports.grpcPort : ports.httpPort;
    const lines: string[] = [];
    const { child, url } = await startCreateOrder(protocol, `http://127.0.0.1:${otlpPort}`, lines);
    const all: Sent[] = [];
    try {
      // Baseline: the collector is up; every trace arrives.
      await sendOne(url); // warm-up (cold start, first connections) is not part of the baseline
      const baseline = await sendPhase(url);
      all.push(...baseline.all);
      for (const sent of baseline.all) assert.ok(await traceStored(collector, sent.traceId), `baseline trace ${sent.traceId} missing`);
      const ms = (sent: readonly Sent[]): string => `median ${median(sent.map((s) => s.ms)).toFixed(0)} ms, max ${Math.max(...sent.map((s) => s.ms)).toFixed(0)} ms`;
      const figures: string[] = [`baseline: ${baseline.all.length} requests; sequential ${ms(baseline.sequential)}; ${CONCURRENT} concurrent ${ms(baseline.concurrent)}`];

      const outages: ReadonlyArray<[string, () => Promise<FakeCollector | undefined>]> = [
        ['closed port', async () => undefined],
        ['accepts and never answers', () => listenHanging(otlpPort)],
        [protocol === 'grpc' ? 'UNAVAILABLE / RESOURCE_EXHAUSTED' : '503 / 429 with Retry-After', () => (protocol === 'grpc' ? listenRefusingGrpc(otlpPort) : listenRefusingHttp(otlpPort))],
      ];
      for (const [name, breakCollector] of outages) {
        await collector.close();
        const fake = await breakCollector();
        const logFrom = lines.length;
        const during = await sendPhase(url);
        all.push(...during.all);
        if (fake) assert.ok(fake.seen() > 0, `${name}: the exporter never reached the fake collector`);
        await fake?.close();

        // The real collector comes back on the same port; requests continue until a trace arrives.
        collector = await startCollector({ ...ports, log: () => undefined });
        let untilResumed = 0;
        const resumeStarted = performance.now();
        for (;;) {
          const sent = await sendOne(url);
          all.push(sent);
          untilResumed++;
          if (await traceStored(collector, sent.traceId)) break;
          assert.ok(performance.now() - resumeStarted < 20_000, `${name}: traces did not resume within 20 s (${untilResumed} requests)`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await waitFor(`${name}: the recovery log line`, () => telemetryLines(lines, logFrom).some((l) => l.message === 'trace export recovered'), 5000);

        const logged = telemetryLines(lines, logFrom);
        assert.deepEqual(
          logged.map((l) => l.message),
          ['trace export failing; spans are dropped until it recovers', 'trace export recovered'],
          `${name}: one line when the outage starts, one when it ends`,
        );
        const dropped = logged[1]!.droppedSpans ?? 0;
        // Each request's spans (at least its server span) were lost while the collector was away.
        assert.ok(dropped >= during.all.length, `${name}: only ${dropped} dropped spans counted for ${during.all.length} requests`);
        const latency = worstAdded(during, baseline);
        for (const { kind, worst, limit } of latency) {
          assert.ok(worst <= limit, `${name}: a ${kind} request took ${worst.toFixed(0)} ms, more than the baseline's worst + the flush deadline`);
        }
        figures.push(
          `${name}: ${during.all.length} requests; ` +
            latency.map(({ kind, worst, added }) => `${kind} worst ${worst.toFixed(0)} ms (${added >= 0 ? '+' : ''}${added.toFixed(0)} ms vs baseline median)`).join(', ') +
            `; ${dropped} spans dropped; traces resumed after ${untilResumed} request(s); logged: ${logged.map((l) => JSON.stringify(l)).join(' ')}`,
        );
      }

      // Nothing was lost: every order was accepted, stored and published.
      assert.deepEqual(new Set(all.map((s) => s.status)), new Set([202]), 'every request was accepted');
      const stored = await db.getAll(...all.map((s) => db.collection('orders').doc(s.orderId)));
      assert.equal(stored.filter((snapshot) => snapshot.exists).length, all.length, 'every order is stored');
      await waitFor('every order to be published', () => all.every((s) => published.has(s.orderId)), 10_000);
      assert.ok(child.isRunning(), 'createOrder did not crash');
      figures.push(`total: ${all.length} requests, ${all.length} stored and published`);
      for (const line of figures) t.diagnostic(line);
    } finally {
      await child.stop(5000);
      await collector.close();
    }
  });
}
