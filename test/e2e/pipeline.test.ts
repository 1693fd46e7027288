import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, defaultTextMapSetter, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { connect } from 'node:net';
import { Firestore } from '@google-cloud/firestore';
import { FREE_PORT_ARGS, parseStackOptions } from '../../scripts/stack/parseStackOptions';
import { startStack } from '../../scripts/stack/startStack';
import type { Stack } from '../../scripts/stack/startStack';
import { googleEmulatorsSkip } from '../support/startEmulators';

// The whole pipeline, for real: collector, both emulators, both functions as
// functions-framework processes, all on free ports. The emulators are what `npm start`
// picks (--emulators auto): Google's where gcloud has them, since push delivery and
// Firestore's semantics are theirs to get right; else the bundled ones (the first test
// is then skipped, saying so).

// Off GCP, Google auth in this process would otherwise probe a metadata server.
process.env.METADATA_SERVER_DETECTION ??= 'none';

const ORDER = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }], currency: 'EUR' };
const TRACE_ID = randomBytes(16).toString('hex');
const CLIENT_SPAN_ID = randomBytes(8).toString('hex');
const CLIENT_SERVICE = 'e2e-client';
const ASYNC_DEADLINE_MS = 30_000;
const POLL_MS = 200;

interface JaegerSpan {
  readonly traceID: string;
  readonly spanID: string;
  readonly operationName: string;
  readonly references: readonly { readonly refType: string; readonly spanID: string }[];
  readonly processID: string;
  readonly tags: readonly { readonly key: string; readonly value: unknown }[];
}
interface TraceView {
  readonly spans: readonly JaegerSpan[];
  readonly service: (s: JaegerSpan) => string;
  readonly parent: (s: JaegerSpan) => JaegerSpan | undefined;
}

async function fetchTrace(queryUrl: string, traceId: string): Promise<TraceView | undefined> {
  const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
  if (res.status === 404) return undefined;
  assert.equal(res.status, 200, `query API answered ${res.status}`);
  const body = (await res.json()) as {
    data: { traceID: string; spans: JaegerSpan[]; processes: Record<string, { serviceName: string }> }[];
  };
  const t = body.data[0];
  if (!t) return undefined;
  const byId = new Map(t.spans.map((s) => [s.spanID, s]));
  return {
    spans: t.spans,
    service: (s) => t.processes[s.processID]?.serviceName ?? '?',
    parent: (s) => {
      const ref = s.references.find((r) => r.refType === 'CHILD_OF');
      return ref ? byId.get(ref.spanID) : undefined;
    },
  };
}

const tag = (s: JaegerSpan, key: string): unknown => s.tags.find((t) => t.key === key)?.value;
const kind = (s: JaegerSpan): unknown => tag(s, 'span.kind');

function isDescendant(view: TraceView, span: JaegerSpan, ancestor: JaegerSpan): boolean {
  let current = view.parent(span);
  for (let depth = 0; current && depth < 64; depth++) {
    if (current.spanID === ancestor.spanID) return true;
    current = view.parent(current);
  }
  return false;
}

function describeTrace(view: TraceView | undefined): string {
  if (!view) return '(no trace)';
  return view.spans
    .map((s) => `${view.service(s)} ${s.spanID} <- ${view.parent(s)?.spanID ?? '-'} ${String(kind(s))} ${s.operationName}`)
    .join('\n');
}

void describe('order pipeline end to end', () => {
  let stack: Stack;
  let db: Firestore;
  let clientProvider: BasicTracerProvider;
  const lines: string[] = [];

  before(async () => {
    const options = parseStackOptions([...FREE_PORT_ARGS, '--emulators=auto', '--ready-timeout-ms=90000'], { GOOGLE_CLOUD_PROJECT: 'demo-e2e' });
    try {
      stack = await startStack(options, { log: (line) => lines.push(line) });
    } catch (err) {
      throw new Error(`stack did not start: ${(err as Error).message}\n${lines.slice(-40).join('\n')}`, { cause: err });
    }
    const [host, port] = stack.urls.firestore.split(':');
    db = new Firestore({ projectId: 'demo-e2e', host, port: Number(port), ssl: false });
    clientProvider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': CLIENT_SERVICE }),
      idGenerator: { generateTraceId: () => TRACE_ID, generateSpanId: () => CLIENT_SPAN_ID },
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${stack.urls.otlpHttp}/v1/traces` }))],
    });
  });

  after(async () => {
    await clientProvider?.shutdown();
    await db?.terminate();
    await stack?.close();
  });

  void it("runs on Google's emulators", { skip: googleEmulatorsSkip("the pipeline on Google's emulators (it ran on the bundled ones)") }, () => {
    assert.equal(stack.emulators.backend, 'google');
  });

  void it('carries one trace from the client through createOrder, Pub/Sub and processOrder', async () => {
    // The client's own span, sent as traceparent, as a caller instrumented with OpenTelemetry would.
    const clientSpan = clientProvider.getTracer('e2e').startSpan('POST createOrder', { kind: SpanKind.CLIENT });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    new W3CTraceContextPropagator().inject(trace.setSpan(ROOT_CONTEXT, clientSpan), headers, defaultTextMapSetter);
    assert.equal(headers.traceparent, `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01`);

    const res = await fetch(stack.urls.createOrder, { method: 'POST', headers, body: JSON.stringify(ORDER) });
    const body = (await res.json()) as { orderId?: string; traceId?: string };

    // Query at once: createOrder flushes before it answers, so no batch timer may be needed.
    const early = await fetchTrace(stack.urls.query, TRACE_ID);
    clientSpan.end();
    await clientProvider.forceFlush();

    assert.equal(res.status, 202, JSON.stringify(body));
    assert.equal(body.traceId, TRACE_ID);
    assert.ok(body.orderId, 'orderId in the 202');
    assert.ok(early, 'createOrder spans are in the collector when the 202 arrives');
    const earlyServer = early.spans.find((s) => early.service(s) === 'createOrder' && kind(s) === 'server');
    const earlyProducer = early.spans.find((s) => early.service(s) === 'createOrder' && kind(s) === 'producer');
    assert.ok(earlyServer && earlyProducer, `createOrder server and publish spans already stored:\n${describeTrace(early)}`);

    // The asynchronous half: poll, bounded in count and time.
    let view: TraceView | undefined;
    const deadline = Date.now() + ASYNC_DEADLINE_MS;
    for (let i = 0; i < ASYNC_DEADLINE_MS / POLL_MS && Date.now() < deadline; i++) {
      view = await fetchTrace(stack.urls.query, TRACE_ID);
      const consumer = view?.spans.find((s) => view?.service(s) === 'processOrder' && kind(s) === 'consumer');
      const hasClient = view?.spans.some((s) => s.spanID === CLIENT_SPAN_ID);
      const consumerChildren = consumer ? view?.spans.filter((s) => view && isDescendant(view, s, consumer)).length ?? 0 : 0;
      if (hasClient && consumerChildren > 0 && !view?.spans.some((s) => view && !view.parent(s) && s.spanID !== CLIENT_SPAN_ID)) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    assert.ok(view, 'trace found');
    const dump = describeTrace(view);

    for (const s of view.spans) {
      assert.equal(s.traceID, TRACE_ID, `every span is in the one trace:\n${dump}`);
      if (s.spanID !== CLIENT_SPAN_ID) assert.ok(view.parent(s), `span ${s.operationName} has its parent in the trace:\n${dump}`);
    }
    const services = new Set(view.spans.map((s) => view.service(s)));
    assert.deepEqual([...services].sort(), [CLIENT_SERVICE, 'createOrder', 'processOrder'].sort(), dump);

    const client = view.spans.find((s) => s.spanID === CLIENT_SPAN_ID);
    assert.ok(client, `client span stored:\n${dump}`);
    const server = view.spans.find((s) => view.service(s) === 'createOrder' && kind(s) === 'server');
    assert.ok(server, dump);
    assert.equal(view.parent(server)?.spanID, CLIENT_SPAN_ID, `createOrder server span is a child of the client span:\n${dump}`);

    const producer = view.spans.find((s) => view.service(s) === 'createOrder' && kind(s) === 'producer');
    assert.ok(producer && isDescendant(view, producer, server), `publish span under the server span:\n${dump}`);
    assert.equal(tag(producer, 'messaging.system'), 'gcp_pubsub');

    const createWrites = view.spans.filter((s) => view.service(s) === 'createOrder' && /firestore/i.test(s.operationName));
    assert.ok(createWrites.length > 0 && createWrites.every((s) => isDescendant(view, s, server)), `createOrder Firestore spans under its server span:\n${dump}`);

    const consumer = view.spans.find((s) => view.service(s) === 'processOrder' && kind(s) === 'consumer');
    assert.ok(consumer, `processOrder consumer span:\n${dump}`);
    assert.equal(view.parent(consumer)?.spanID, producer.spanID, `consumer span is a child of the publish span:\n${dump}`);
    assert.equal(tag(consumer, 'messaging.system'), 'gcp_pubsub');
    // The topic reaches processOrder with either emulator: in ce-source from the bundled
    // one, from the push endpoint's /projects/P/topics/T path from Google's.
    assert.equal(consumer.operationName, 'process orders', dump);
    assert.equal(tag(consumer, 'messaging.destination.name'), 'orders');
    assert.ok(!lines.some((l) => /Failed to extract the topic name/.test(l)), 'functions-framework found the topic of every push');

    const processSpans = view.spans.filter((s) => view.service(s) === 'processOrder' && s.spanID !== consumer.spanID);
    assert.ok(processSpans.every((s) => isDescendant(view, s, consumer)), `every other processOrder span is under its consumer span:\n${dump}`);
    assert.ok(processSpans.some((s) => /firestore/i.test(s.operationName)), `processOrder Firestore spans:\n${dump}`);
  });

  void it('marks the order processed in Firestore', async () => {
    const res = await fetch(stack.urls.createOrder, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ORDER),
    });
    assert.equal(res.status, 202);
    const { orderId } = (await res.json()) as { orderId: string };
    const ref = db.collection('orders').doc(orderId);
    let status: unknown;
    const deadline = Date.now() + ASYNC_DEADLINE_MS;
    for (let i = 0; i < ASYNC_DEADLINE_MS / POLL_MS && Date.now() < deadline; i++) {
      status = (await ref.get()).get('status');
      if (status === 'processed') break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    assert.equal(status, 'processed');
  });

  void it('answers GET with 405', async () => {
    const res = await fetch(stack.urls.createOrder);
    assert.equal(res.status, 405);
  });

  void it('restarts processOrder after a SIGKILL, and an order accepted meanwhile is processed', async () => {
    const killed = stack.pids.processOrder;
    assert.ok(killed !== undefined);
    process.kill(killed, 'SIGKILL');
    // Accepted while processOrder is down: its push fails and the emulator redelivers.
    const res = await fetch(stack.urls.createOrder, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ORDER) });
    assert.equal(res.status, 202);
    const { orderId } = (await res.json()) as { orderId: string };
    const ref = db.collection('orders').doc(orderId);
    let status: unknown;
    const deadline = Date.now() + 2 * ASYNC_DEADLINE_MS;
    for (let i = 0; i < (2 * ASYNC_DEADLINE_MS) / POLL_MS && Date.now() < deadline; i++) {
      status = (await ref.get()).get('status');
      if (status === 'processed') break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    assert.equal(status, 'processed', lines.slice(-20).join('\n'));
    assert.ok(lines.some((l) => new RegExp(`^\\[stack\\] processOrder \\(pid ${killed}\\) was killed by SIGKILL; restarting it in \\d+ ms`).test(l)), lines.join('\n'));
    assert.notEqual(stack.pids.processOrder, killed);
  });

  void it('close() stops everything: nothing listens on the stack\'s ports afterwards', async () => {
    await stack.close();
    const ports = [stack.urls.pubsub, stack.urls.firestore, stack.urls.createOrder, stack.urls.processOrder, stack.urls.otlpGrpc].map((u) => Number(/:(\d+)\/?$/.exec(u)![1]));
    const listening = await Promise.all(ports.map((port) => answers('127.0.0.1', port)));
    assert.deepEqual(listening, ports.map(() => false), `ports ${ports.join(', ')}`);
  });
});

/** True when something accepts a TCP connection on host:port. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
