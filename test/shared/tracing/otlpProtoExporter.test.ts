/**
 * The default exporter (OTLP/HTTP protobuf: OpenTelemetry's settings and serialiser, our
 * transport): it delivers to a real OTLP/HTTP receiver as protobuf, reads the standard
 * variables, keeps its connection alive between exports, and fails (never hangs or
 * throws) on an error answer or a silent receiver.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '../../../scripts/collector/startCollector';
import type { Collector } from '../../../scripts/collector/startCollector';
import { OtlpProtoExporter } from 'cloud-functions-otel-tracing/internal/otlpProtoExporter';


let collector: Collector;
let recorder: Server;
const seen: { path: string; headers: IncomingMessage['headers']; bytes: number; clientPort: number | undefined }[] = [];
/** What the recorder answers next: a status, or nothing at all. */
let answer: number | 'never' = 200;
/** Answered before `answer`, one per request, with a Retry-After of 0 s. */
const firstAnswers: number[] = [];

before(async () => {
  collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
  // Records what arrives, then answers as a collector would.
  recorder = createServer((req: IncomingMessage, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, bytes, clientPort: req.socket.remotePort });
      const status = firstAnswers.shift() ?? answer;
      if (status !== 'never') res.writeHead(status, { 'content-type': 'application/x-protobuf', 'retry-after': '0' }).end();
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await collector?.close();
  recorder?.closeAllConnections();
  await new Promise((resolve) => recorder?.close(resolve));
});

function endedSpans(traceId: string): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => void spans.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  const parent = { traceId, spanId: 'a'.repeat(16), traceFlags: 1, isRemote: true };
  const tracer = provider.getTracer('test');
  tracer.startSpan('exported one', { attributes: { order: 'o-1' } }, trace.setSpanContext(ROOT_CONTEXT, parent)).end();
  return spans;
}

async function exportWith(env: Record<string, string>, spans: ReadableSpan[], timeoutMs = 5000): Promise<ExportResult> {
  const previous = { ...process.env };
  Object.assign(process.env, env);
  try {
    const exporter = new OtlpProtoExporter(timeoutMs);
    const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    await exporter.shutdown();
    return result;
  } finally {
    for (const name of Object.keys(env)) if (previous[name] === undefined) delete process.env[name];
    Object.assign(process.env, previous);
  }
}

const recorderUrl = (): string => `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;

test('exports protobuf to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces, with OTEL_EXPORTER_OTLP_HEADERS', async () => {
  seen.length = 0;
  answer = 200;
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: recorderUrl(), OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=t1' }, endedSpans('1'.repeat(32)));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.path, '/v1/traces');
  assert.equal(seen[0]!.headers['content-type'], 'application/x-protobuf');
  assert.equal(seen[0]!.headers['x-tenant'], 't1');
  assert.equal(Number(seen[0]!.headers['content-length']), seen[0]!.bytes, 'one body with its length, not chunked');
});

test('consecutive exports share one kept-alive connection', async () => {
  seen.length = 0;
  answer = 200;
  const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = recorderUrl();
  const exporter = new OtlpProtoExporter(5000);
  if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
  try {
    for (const traceId of ['7'.repeat(32), '8'.repeat(32)]) {
      const result = await new Promise<ExportResult>((resolve) => exporter.export(endedSpans(traceId), resolve));
      assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
    }
  } finally {
    await exporter.shutdown();
  }
  assert.equal(seen.length, 2);
  assert.equal(seen[0]!.headers.connection, 'keep-alive');
  assert.equal(seen[1]!.clientPort, seen[0]!.clientPort, 'the second export came on the connection of the first');
});

test('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION=gzip sends a gzipped body', async () => {
  seen.length = 0;
  answer = 200;
  const result = await exportWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${recorderUrl()}/custom/path`, OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'gzip' }, endedSpans('3'.repeat(32)));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  assert.equal(seen[0]?.path, '/custom/path', 'the signal-specific endpoint is used as given');
  assert.equal(seen[0]?.headers['content-encoding'], 'gzip');
});

test('a 503 with Retry-After is retried within the deadline, and the retry delivers', async () => {
  seen.length = 0;
  answer = 200;
  firstAnswers.push(503, 429);
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: recorderUrl() }, endedSpans('7'.repeat(32)));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  assert.equal(seen.length, 3, 'two refusals, then the export that went through');
});

test('an error answer is a failed export naming the status', async () => {
  answer = 400;
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: recorderUrl() }, endedSpans('4'.repeat(32)));
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.match(String(result.error), /HTTP 400/);
});

test('a receiver that never answers fails the export at the deadline', async () => {
  answer = 'never';
  const started = performance.now();
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: recorderUrl() }, endedSpans('5'.repeat(32)), 300);
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.match(String(result.error), /within 300 ms/);
  // A bound for the test, not a measurement.
  assert.ok(performance.now() - started < 5000);
  answer = 200;
});

test('a closed port is a failed export once the deadline leaves no room to retry, not an exception', async () => {
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, endedSpans('6'.repeat(32)), 500);
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.match(String(result.error), /ECONNREFUSED/);
});

test('a real OTLP/HTTP receiver stores what it exports', async () => {
  const traceId = '2'.repeat(32);
  answer = 200;
  const result = await exportWith({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.httpPort}` }, endedSpans(traceId));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  const body = (await response.json()) as { data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[] };
  const span = body.data[0]?.spans[0];
  assert.equal(span?.operationName, 'exported one');
  assert.deepEqual(span?.tags.find((t) => t.key === 'order')?.value, 'o-1');
});
