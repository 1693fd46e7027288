/**
 * The gRPC client instrumentation against a real @grpc/grpc-js server and client on
 * loopback: the spans instrumentation-grpc made (names, kind, rpc.* and server.*
 * attributes, status), trace context in the call's metadata, and callbacks and stream
 * listeners left in the caller's context. The Firestore and Pub/Sub spans of the
 * pipeline are proven in test/functions/pipeline.test.ts.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { GrpcClientInstrumentation } from 'cloud-functions-otel-tracing/internal/grpcClientInstrumentation';

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const seenTraceparents: (string | undefined)[] = [];
let server: grpc.Server;
let port: number;

const bytes = (b: Buffer) => b;
const method = (path: string, responseStream: boolean) => ({
  path,
  requestStream: false,
  responseStream,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});
const SERVICE = {
  unary: method('/test.v1.Echo/Unary', false),
  fail: method('/test.v1.Echo/Fail', false),
  stream: { ...method('/test.v1.Echo/Stream', true), originalName: 'Stream' },
  export: method('/test.v1.Echo/Export', false),
};

before(async () => {
  provider.register();
  const instrumentation = new GrpcClientInstrumentation({ enabled: false, ignoreMethods: /^Export$/i });
  instrumentation.setTracerProvider(provider);
  for (const definition of instrumentation.getModuleDefinitions()) definition.patch?.(grpc, '1');

  server = new grpc.Server();
  const traceparent = (call: { metadata: grpc.Metadata }) => seenTraceparents.push(call.metadata.get('traceparent')[0]?.toString());
  server.addService(SERVICE, {
    unary: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      traceparent(call);
      callback(null, Buffer.from(`echo ${call.request.toString()}`));
    },
    fail: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      traceparent(call);
      callback({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
    },
    stream: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
      traceparent(call);
      for (let i = 0; i < 3; i++) call.write(Buffer.from(String(i)));
      call.end();
    },
    export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      traceparent(call);
      callback(null, Buffer.alloc(0));
    },
  });
  port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
});

after(async () => {
  server.forceShutdown();
  await provider.shutdown();
});

beforeEach(() => {
  exporter.reset();
  seenTraceparents.length = 0;
});

interface EchoClient extends grpc.Client {
  unary(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  unary(request: Buffer, metadata: grpc.Metadata, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  fail(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
  stream(request: Buffer): grpc.ClientReadableStream<Buffer>;
  Stream(request: Buffer): grpc.ClientReadableStream<Buffer>;
  export(request: Buffer, callback: grpc.requestCallback<Buffer>): grpc.ClientUnaryCall;
}

function newClient(): EchoClient {
  const Client = grpc.makeGenericClientConstructor(SERVICE, 'Echo');
  return new Client(`localhost:${port}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
}

/** Runs `work` under a fresh parent span; returns the parent and what the callbacks saw as active. */
async function underParent<T>(work: () => Promise<T>): Promise<{ parentSpanId: string; result: T }> {
  const parent = tracer.startSpan('caller');
  const result = await context.with(trace.setSpan(context.active(), parent), work);
  parent.end();
  return { parentSpanId: parent.spanContext().spanId, result };
}

test('a unary call is a CLIENT span under the caller, with rpc.* and server.*, and the server sees its context', async () => {
  const client = newClient();
  const { parentSpanId, result } = await underParent(
    () =>
      new Promise<{ reply: string; activeInCallback: string | undefined }>((resolve, reject) =>
        client.unary(Buffer.from('hi'), (error, reply) =>
          error ? reject(error) : resolve({ reply: reply!.toString(), activeInCallback: trace.getActiveSpan()?.spanContext().spanId }),
        ),
      ),
  );
  client.close();
  assert.equal(result.reply, 'echo hi');
  const [span, ...others] = exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
  assert.equal(others.length, 0);
  assert.equal(span!.name, 'grpc.test.v1.Echo/Unary');
  assert.equal(span!.parentSpanContext?.spanId, parentSpanId);
  assert.deepEqual(
    { ...span!.attributes },
    { 'rpc.system': 'grpc', 'rpc.service': 'test.v1.Echo', 'rpc.method': 'Unary', 'server.address': 'localhost', 'server.port': port, 'rpc.grpc.status_code': 0 },
  );
  assert.equal(span!.status.code, SpanStatusCode.UNSET);
  assert.equal(seenTraceparents[0], `00-${span!.spanContext().traceId}-${span!.spanContext().spanId}-01`);
  assert.equal(result.activeInCallback, parentSpanId, "the callback runs in the caller's context");
});

test("the caller's own metadata is kept and carries the context; no second Metadata is added", async () => {
  const client = newClient();
  const metadata = new grpc.Metadata();
  metadata.set('x-mine', 'kept');
  await underParent(() => new Promise<void>((resolve, reject) => client.unary(Buffer.from('m'), metadata, (error) => (error ? reject(error) : resolve()))));
  client.close();
  assert.equal(metadata.get('x-mine')[0], 'kept');
  assert.match(String(metadata.get('traceparent')[0]), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(seenTraceparents[0], metadata.get('traceparent')[0]);
});

test('a failed call ends its span with the gRPC status, an error status and the error', async () => {
  const client = newClient();
  const error = await underParent(() => new Promise<grpc.ServiceError>((resolve) => client.fail(Buffer.from('x'), (e) => resolve(e!))));
  client.close();
  assert.equal(error.result.code, grpc.status.NOT_FOUND);
  const span = exporter.getFinishedSpans().find((s) => s.name === 'grpc.test.v1.Echo/Fail')!;
  assert.equal(span.attributes['rpc.grpc.status_code'], grpc.status.NOT_FOUND);
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['grpc.error_name'], 'Error');
  assert.match(String(span.attributes['grpc.error_message']), /no such thing/);
});

test('a call grpc-js refuses before it starts (no callback) still ends its span, as an error', () => {
  const client = newClient();
  const noCallback = client.unary.bind(client) as unknown as (request: Buffer) => unknown;
  assert.throws(() => noCallback(Buffer.from('x')), /Incorrect arguments/);
  client.close();
  const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'grpc.test.v1.Echo/Unary');
  assert.ok(span, 'the span ended');
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.attributes['rpc.grpc.status_code'], grpc.status.UNKNOWN);
});

test("a server-streaming call's span ends with the stream's status; its listeners run in the caller's context", async () => {
  const client = newClient();
  const { parentSpanId, result } = await underParent(
    () =>
      new Promise<{ chunks: string[]; activeInListener: (string | undefined)[] }>((resolve, reject) => {
        const chunks: string[] = [];
        const activeInListener: (string | undefined)[] = [];
        const call = client.stream(Buffer.from('s'));
        call.on('data', (chunk: Buffer) => {
          chunks.push(chunk.toString());
          activeInListener.push(trace.getActiveSpan()?.spanContext().spanId);
        });
        call.on('error', reject);
        call.on('status', () => resolve({ chunks, activeInListener }));
      }),
  );
  client.close();
  assert.deepEqual(result.chunks, ['0', '1', '2']);
  assert.deepEqual(result.activeInListener, [parentSpanId, parentSpanId, parentSpanId]);
  const spans = exporter.getFinishedSpans().filter((s) => s.name === 'grpc.test.v1.Echo/Stream');
  assert.equal(spans.length, 1, 'one span, though the method is defined under two names');
  assert.equal(spans[0]!.attributes['rpc.grpc.status_code'], 0);
  assert.equal(spans[0]!.parentSpanContext?.spanId, parentSpanId);
});

test('an ignored method (the exporters\' own Export) makes no span and sends no context', async () => {
  const client = newClient();
  await underParent(() => new Promise<void>((resolve, reject) => client.export(Buffer.alloc(0), (error) => (error ? reject(error) : resolve()))));
  client.close();
  assert.deepEqual(exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT), []);
  assert.deepEqual(seenTraceparents, [undefined]);
});

test('clients built by loadPackageDefinition are traced too (the way google-gax builds them)', async () => {
  const Echo = (grpc.loadPackageDefinition({ 'test.v1.Echo': SERVICE } as unknown as Parameters<typeof grpc.loadPackageDefinition>[0]) as { test: { v1: { Echo: grpc.ServiceClientConstructor } } }).test.v1.Echo;
  const client = new Echo(`localhost:${port}`, grpc.credentials.createInsecure()) as unknown as EchoClient;
  await underParent(() => new Promise<void>((resolve, reject) => client.unary(Buffer.from('p'), (error) => (error ? reject(error) : resolve()))));
  client.close();
  assert.deepEqual(
    exporter.getFinishedSpans().map((s) => s.name),
    ['grpc.test.v1.Echo/Unary', 'caller'],
  );
});
