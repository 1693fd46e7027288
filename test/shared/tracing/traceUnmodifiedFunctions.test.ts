/**
 * Zero-code mode for real: unmodified functions (fixtures/unmodified, which import
 * functions-framework and Pub/Sub, nothing of the library) run as functions-framework
 * processes with NODE_OPTIONS="--require <built register>", against the local collector
 * and the bundled Pub/Sub emulator, all on free loopback ports.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { startCollector } from '../../../scripts/collector/startCollector';
import type { Collector } from '../../../scripts/collector/startCollector';
import { startPubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import type { PubSubEmulator } from '../../../scripts/pubsubEmulator/startPubSubEmulator';
import { findFreePort } from '../../../scripts/stack/assertPortsFree';
import { startChild } from '../../../scripts/stack/startChild';
import type { RunningChild } from '../../../scripts/stack/startChild';
import { waitForHttp } from '../../../scripts/stack/waitForHttp';
import { describeSpans, storedSpans as readStoredSpans, waitForSpan as waitForCollectorSpan } from '../../support/collectorSpans';
import type { StoredSpan } from '../../support/collectorSpans';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
// The package's zero-code entry, as a user's NODE_OPTIONS names it.
const REGISTER = require.resolve('cloud-functions-otel-tracing/register');
const FIXTURES = path.join(REPO_ROOT, 'test/shared/tracing/fixtures/unmodified');
const PROJECT = 'demo-zero-code';
const TOPIC = 'greetings';
const CALLER_SPAN_ID = 'cccccccccccccccc';
const ASYNC_DEADLINE_MS = 20_000;

interface RunningFunction {
  readonly url: string;
  readonly lines: string[];
  readonly child: RunningChild;
}

let collector: Collector;
let emulator: PubSubEmulator;
const running: RunningFunction[] = [];

const storedSpans = (traceId: string): Promise<StoredSpan[]> => readStoredSpans(collector.queryPort, traceId);
const waitForSpan = (traceId: string, found: (spans: StoredSpan[]) => StoredSpan | undefined): ReturnType<typeof waitForCollectorSpan> =>
  waitForCollectorSpan(collector.queryPort, traceId, found, ASYNC_DEADLINE_MS);

/** `target` from `source` under functions-framework, traced by the zero-code entry only. */
async function startUnmodified(service: string, source: string, args: readonly string[]): Promise<RunningFunction> {
  const port = await findFreePort('127.0.0.1');
  const lines: string[] = [];
  const child = startChild({
    name: service,
    command: process.execPath,
    args: [FUNCTIONS_FRAMEWORK, `--port=${port}`, `--source=${path.join(FIXTURES, source)}`, ...args],
    env: {
      PATH: process.env.PATH,
      NODE_OPTIONS: `--require ${REGISTER}`,
      OTEL_SERVICE_NAME: service,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}`,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      PUBSUB_EMULATOR_HOST: `127.0.0.1:${emulator.port}`,
      METADATA_SERVER_DETECTION: 'none',
      GREETINGS_TOPIC: TOPIC,
    },
    cwd: REPO_ROOT,
    log: (line) => lines.push(line),
  });
  const url = `http://127.0.0.1:${port}/`;
  const fn = { url, lines, child };
  running.push(fn);
  await waitForHttp(`${url}robots.txt`, { part: service, timeoutMs: 30_000, giveUp: () => (child.isRunning() ? undefined : `exited:\n${lines.join('\n')}`) });
  return fn;
}

function traceparent(): { traceId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, header: `00-${traceId}-${CALLER_SPAN_ID}-01` };
}

void describe('zero-code mode: NODE_OPTIONS="--require <package>/register" and an unmodified function', () => {
  let publisher: RunningFunction;
  let receiver: RunningFunction;
  let legacyReceiver: RunningFunction;
  let legacy: RunningFunction;
  let esm: RunningFunction;

  before(async () => {
    collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
    emulator = await startPubSubEmulator({ port: 0 });
    [publisher, receiver, legacyReceiver, legacy, esm] = await Promise.all([
      startUnmodified('publisher', 'functions.js', ['--target=publishGreeting']),
      startUnmodified('receiver', 'functions.js', ['--target=receiveGreeting']),
      startUnmodified('legacy-receiver', 'functions.js', ['--target=legacyCloudEvent', '--signature-type=cloudevent']),
      startUnmodified('legacy', 'functions.js', ['--target=legacyHello']),
      startUnmodified('esm', 'functions.mjs', ['--target=esmHello']),
    ]);
    const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: `127.0.0.1:${emulator.port}`, emulatorMode: true, universeDomain: 'googleapis.com' });
    try {
      const [topic] = await pubsub.createTopic(TOPIC);
      await topic.createSubscription('to-receiver', { pushConfig: { pushEndpoint: receiver.url } });
      await topic.createSubscription('to-legacy-receiver', { pushConfig: { pushEndpoint: legacyReceiver.url } });
    } finally {
      await pubsub.close();
    }
  });

  after(async () => {
    await Promise.all(running.map((fn) => fn.child.stop(5_000)));
    await emulator?.close();
    await collector?.close();
  });

  void it("traces a declared HTTP function: its server span, continuing the caller's traceparent, and the publish's gRPC span are in the collector when the response arrives", async () => {
    const { traceId, header } = traceparent();
    const res = await fetch(publisher.url, { method: 'POST', headers: { traceparent: header } });
    const spans = await storedSpans(traceId);
    assert.equal(res.status, 202, await res.text());
    const server = spans.find((s) => s.service === 'publisher' && s.kind === 'server');
    assert.ok(server, `server span stored before the response arrived:\n${describeSpans(spans)}\n${publisher.lines.join('\n')}`);
    assert.equal(server.parentId, CALLER_SPAN_ID, `the server span continues the caller's traceparent:\n${describeSpans(spans)}`);
    const publish = spans.find((s) => s.service === 'publisher' && s.kind === 'client' && /google\.pubsub\.v1\.Publisher\/Publish/.test(s.operationName));
    assert.ok(publish, `the gRPC span of the publish is stored too:\n${describeSpans(spans)}`);
  });

  void it("gives each consumer (declared, and exported the legacy way) a span that is a child of the publisher's, from the message's attributes", async () => {
    const { traceId, header } = traceparent();
    const res = await fetch(publisher.url, { method: 'POST', headers: { traceparent: header } });
    assert.equal(res.status, 202);
    const publisherServer = (await storedSpans(traceId)).find((s) => s.service === 'publisher' && s.kind === 'server');
    assert.ok(publisherServer, 'publisher server span stored');
    for (const service of ['receiver', 'legacy-receiver']) {
      const { span, spans } = await waitForSpan(traceId, (all) => all.find((s) => s.service === service && s.kind === 'consumer'));
      assert.ok(span, `${service}'s consumer span is in the publisher's trace:\n${describeSpans(spans)}`);
      assert.equal(span.parentId, publisherServer.spanID, `${service}'s consumer span is a child of the publisher's span:\n${describeSpans(spans)}`);
      assert.equal(span.tags.find((t) => t.key === 'messaging.destination.name')?.value, TOPIC);
    }
  });

  const plainHttp = [
    { what: 'a function exported the legacy way (exports.fn, found by --target)', service: 'legacy', body: 'hello', fn: () => legacy },
    { what: 'a function declared in an ES module', service: 'esm', body: 'hello from an ES module', fn: () => esm },
  ];
  for (const { what, service, body, fn } of plainHttp) {
    void it(`traces ${what}`, async () => {
      const { traceId, header } = traceparent();
      const res = await fetch(fn().url, { headers: { traceparent: header } });
      const spans = await storedSpans(traceId);
      assert.equal(await res.text(), body);
      const server = spans.find((s) => s.service === service && s.kind === 'server');
      assert.ok(server, `server span stored before the response arrived:\n${describeSpans(spans)}\n${fn().lines.join('\n')}`);
      assert.equal(server.parentId, CALLER_SPAN_ID);
    });
  }

  void it('prints no zero-code warning for the installed functions-framework and Pub/Sub', () => {
    for (const fn of running) assert.ok(!fn.lines.some((l) => /GCF_TRACING_(UNSUPPORTED_VERSION|NOT_TRACED)/.test(l)), fn.lines.join('\n'));
  });
});
