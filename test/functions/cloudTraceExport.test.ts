/**
 * The production exporter end to end: both functions as real functions-framework
 * processes with OTEL_TRACES_EXPORTER=gcp, exporting to a local TLS gRPC fake of Cloud
 * Trace's `BatchWriteSpans`, authenticated with a service-account key whose JWT-bearer
 * token exchange is answered by a fake of Google's token endpoint (see fixtures/fakeGoogleAuth:
 * the test CA is trusted through variables read when Node and grpc-js start, which is why
 * the functions must be child processes).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { startFirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import type { FirestoreEmulator } from '../../scripts/firestoreEmulator/startFirestoreEmulator';
import { startPubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import type { PubSubEmulator } from '../../scripts/pubsubEmulator/startPubSubEmulator';
import { findFreePort } from '../../scripts/stack/assertPortsFree';
import { provisionPubSub } from '../../scripts/stack/provisionPubSub';
import { startChild } from '../../scripts/stack/startChild';
import type { RunningChild } from '../../scripts/stack/startChild';
import { waitForHttp } from '../../scripts/stack/waitForHttp';
import { PROXY_VARIABLES, SERVER_TLS, TOKEN_URL, startFakeGoogleAuth } from './fixtures/fakeGoogleAuth';
import type { FakeGoogleAuth } from './fixtures/fakeGoogleAuth';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const FUNCTIONS_FRAMEWORK = path.join(REPO_ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
const CLOUD_TRACE_PROTOS = path.join(REPO_ROOT, 'node_modules/@google-cloud/opentelemetry-cloud-trace-exporter/build/protos/protos.json');

const PROJECT = 'demo-cloud-trace';
const TRACE_ID = randomBytes(16).toString('hex');
const CLIENT_SPAN_ID = randomBytes(8).toString('hex');
const ORDER = { customerId: 'c-1', items: [{ sku: 'sku-1', quantity: 2, unitPrice: 9.5 }], currency: 'EUR' };
const DEADLINE_MS = 30_000;
// Every span the two functions may export for one order; an exporter RPC or token fetch would be something else.
const EXPECTED_NAMES = /^(POST \/|create orders|send orders|process orders|mark_published orders|mark_processed orders|grpc\.google\.(firestore\.v1\.Firestore|pubsub\.v1\.Publisher)\/\w+)$/;

interface AttributeValue {
  readonly stringValue?: { readonly value: string };
  readonly intValue?: string;
  readonly boolValue?: boolean;
}
interface CloudTraceSpan {
  readonly name: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly displayName: { readonly value: string };
  readonly spanKind: string;
  readonly attributes: { readonly attributeMap: Record<string, AttributeValue> };
}
interface BatchWriteCall {
  readonly authorization: readonly string[];
  readonly projectName: string;
  readonly spans: readonly CloudTraceSpan[];
}

const batchWrites: BatchWriteCall[] = [];
let auth: FakeGoogleAuth;
let traceServer: grpc.Server;
let firestore: FirestoreEmulator;
let pubsub: PubSubEmulator;
let createOrderUrl: string;
const children: RunningChild[] = [];
const output: string[] = [];

/** Cloud Trace's BatchWriteSpans over TLS, from the protos the exporter ships; records each call. */
async function startFakeCloudTrace(): Promise<{ server: grpc.Server; port: number }> {
  const definition = protoLoader.fromJSON(JSON.parse(readFileSync(CLOUD_TRACE_PROTOS, 'utf8')) as object, { enums: String, longs: String, defaults: false });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { devtools: { cloudtrace: { v2: { TraceService: grpc.ServiceClientConstructor } } } };
  };
  const server = new grpc.Server();
  server.addService(loaded.google.devtools.cloudtrace.v2.TraceService.service, {
    BatchWriteSpans: (call: grpc.ServerUnaryCall<{ name: string; spans: CloudTraceSpan[] }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      batchWrites.push({
        authorization: call.metadata.get('authorization').map(String),
        projectName: call.request.name,
        spans: call.request.spans ?? [],
      });
      callback(null, {});
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(null, [{ private_key: SERVER_TLS.key, cert_chain: SERVER_TLS.cert }]);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );
  return { server, port };
}

before(async () => {
  auth = await startFakeGoogleAuth(PROJECT);
  const fake = await startFakeCloudTrace();
  traceServer = fake.server;
  firestore = await startFirestoreEmulator({ port: 0 });
  pubsub = await startPubSubEmulator({ port: 0 });

  const host = '127.0.0.1';
  const createPort = await findFreePort(host);
  const processPort = await findFreePort(host);
  createOrderUrl = `http://${host}:${createPort}/`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GOOGLE_CLOUD_PROJECT: PROJECT,
    ORDERS_TOPIC: 'orders',
    FIRESTORE_EMULATOR_HOST: `${host}:${firestore.port}`,
    PUBSUB_EMULATOR_HOST: `${host}:${pubsub.port}`,
    METADATA_SERVER_DETECTION: 'none',
    OTEL_TRACES_EXPORTER: 'gcp',
    // localhost: the certificate's name, as cloudtrace.googleapis.com would be in production.
    CLOUD_TRACE_ENDPOINT: `localhost:${fake.port}`,
    ...auth.env,
    // Generous: the first export also fetches the token; a loaded CI machine is slow.
    FLUSH_TIMEOUT_MS: '10000',
    NODE_OPTIONS: '--no-deprecation',
  };
  for (const name of [...PROXY_VARIABLES, 'OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG']) delete env[name];
  for (const name of Object.keys(env)) if (name.startsWith('OTEL_EXPORTER_OTLP_')) delete env[name];

  const spawnFunction = (target: string, port: number, extra: readonly string[]): RunningChild => {
    const child = startChild({
      name: target,
      command: process.execPath,
      args: [FUNCTIONS_FRAMEWORK, `--target=${target}`, `--port=${port}`, `--source=${REPO_ROOT}`, ...extra],
      env: { ...env, OTEL_SERVICE_NAME: target },
      cwd: REPO_ROOT,
      log: (line) => output.push(line),
    });
    children.push(child);
    return child;
  };
  const createOrder = spawnFunction('createOrder', createPort, []);
  const processOrder = spawnFunction('processOrder', processPort, ['--signature-type=cloudevent']);
  await Promise.all(
    [
      [createOrder, createOrderUrl],
      [processOrder, `http://${host}:${processPort}/`],
    ].map(([child, url]) =>
      waitForHttp(`${url as string}robots.txt`, {
        part: (child as RunningChild).name,
        timeoutMs: DEADLINE_MS,
        giveUp: () => ((child as RunningChild).isRunning() ? undefined : `exited:\n${output.join('\n')}`),
      }),
    ),
  );
  await provisionPubSub({
    apiEndpoint: `${host}:${pubsub.port}`,
    projectId: PROJECT,
    topic: 'orders',
    deadLetterTopic: 'orders-dead-letter',
    subscription: 'orders-processOrder',
    pushEndpoint: `http://${host}:${processPort}/`,
  });
});

after(async () => {
  await Promise.all(children.map((child) => child.stop(5000)));
  await pubsub?.close();
  await firestore?.close();
  traceServer?.forceShutdown();
  await auth?.close();
});

const exported = (): CloudTraceSpan[] => batchWrites.flatMap((call) => call.spans);
const traceIdOf = (span: CloudTraceSpan): string | undefined => /\/traces\/([0-9a-f]{32})\/spans\//.exec(span.name)?.[1];
const attr = (span: CloudTraceSpan, key: string): unknown => {
  const value = span.attributes.attributeMap[key];
  return value?.stringValue?.value ?? value?.boolValue ?? value?.intValue;
};

function one(spans: readonly CloudTraceSpan[], name: string, parent: CloudTraceSpan | string, dump: string): CloudTraceSpan {
  const parentId = typeof parent === 'string' ? parent : parent.spanId;
  const found = spans.filter((s) => s.displayName.value === name && s.parentSpanId === parentId);
  assert.equal(found.length, 1, `expected one "${name}" under ${parentId}:\n${dump}`);
  return found[0]!;
}

test('one order reaches Cloud Trace as one authenticated trace, without the exporter tracing itself', async () => {
  const res = await fetch(createOrderUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` },
    body: JSON.stringify(ORDER),
  });
  const body = (await res.json()) as { orderId?: string; traceId?: string };
  // createOrder flushes before it answers: its server span is already at Cloud Trace.
  const atResponse = exported().map((s) => s.displayName.value);
  assert.equal(res.status, 202, JSON.stringify(body));
  assert.equal(body.traceId, TRACE_ID);
  assert.ok(atResponse.includes('POST /'), `createOrder's spans were exported before the 202: ${atResponse.join(', ')}\n${output.join('\n')}`);

  const deadline = Date.now() + DEADLINE_MS;
  for (let i = 0; i < DEADLINE_MS / 100 && Date.now() < deadline; i++) {
    if (exported().some((s) => s.displayName.value === 'mark_processed orders')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // The consumer's own flush covers its spans; one more batch cannot be pending after it.
  const spans = exported();
  const dump = spans.map((s) => `${s.spanId} <- ${s.parentSpanId ?? '-'} ${s.spanKind} ${s.displayName.value} [${String(attr(s, 'service.name'))}]`).join('\n');

  assert.ok(batchWrites.length > 0, `no BatchWriteSpans call arrived:\n${output.join('\n')}`);
  for (const call of batchWrites) {
    assert.deepEqual(call.authorization, [`Bearer ${auth.accessToken}`], 'every export carries the token from the token endpoint');
    assert.equal(call.projectName, `projects/${PROJECT}`);
  }
  assert.ok(auth.tokenRequests.length >= 1, 'the exporter fetched a token');
  for (const request of auth.tokenRequests) {
    assert.equal(request.grantType, 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    assert.ok(request.signatureValid, 'the assertion is signed with the key file');
    assert.equal(request.claims.iss, auth.clientEmail);
    assert.equal(request.claims.aud, TOKEN_URL);
    assert.match(String(request.claims.scope), /cloud-platform/);
  }
  assert.deepEqual(auth.refusedConnects, [], 'nothing else went through the proxy');

  for (const span of spans) {
    assert.equal(traceIdOf(span), TRACE_ID, `every span is in the order's trace:\n${dump}`);
    assert.match(span.displayName.value, EXPECTED_NAMES, `no exporter RPC or token fetch was traced:\n${dump}`);
  }

  const server = one(spans, 'POST /', CLIENT_SPAN_ID, dump);
  assert.equal(server.spanKind, 'SERVER');
  assert.equal(attr(server, 'faas.trigger'), 'http');
  assert.equal(attr(server, 'service.name'), 'createOrder');
  const create = one(spans, 'create orders', server, dump);
  assert.equal(attr(create, 'db.system.name'), 'gcp.firestore');
  one(spans, 'grpc.google.firestore.v1.Firestore/Commit', create, dump);
  const send = one(spans, 'send orders', server, dump);
  assert.equal(send.spanKind, 'PRODUCER');
  assert.equal(attr(send, 'messaging.system'), 'gcp_pubsub');
  one(spans, 'grpc.google.pubsub.v1.Publisher/Publish', send, dump);

  // A slow first delivery on a loaded machine may be redelivered; the one that did the work counts.
  const consumers = spans.filter((s) => s.displayName.value === 'process orders' && s.parentSpanId === send.spanId);
  const consumer = consumers.find((s) => attr(s, 'orders.result') === 'processed');
  assert.ok(consumer, `a "process orders" span under "send orders" that processed the order:\n${dump}`);
  assert.equal(consumer.spanKind, 'CONSUMER');
  assert.equal(attr(consumer, 'faas.trigger'), 'pubsub');
  assert.equal(attr(consumer, 'messaging.system'), 'gcp_pubsub');
  assert.equal(attr(consumer, 'service.name'), 'processOrder');
  const mark = one(spans, 'mark_processed orders', consumer, dump);
  assert.equal(attr(mark, 'db.system.name'), 'gcp.firestore');
  one(spans, 'grpc.google.firestore.v1.Firestore/Commit', mark, dump);
  assert.equal(new Set(spans.map((s) => s.spanId)).size, spans.length, `no span exported twice:\n${dump}`);
});
