/**
 * The default exporter (OTLP/HTTP protobuf), assembled in shared/tracing from
 * otlp-exporter-base and otlp-transformer: it delivers to a real OTLP/HTTP receiver as
 * protobuf, reads the standard endpoint variable, and a traced process that uses it
 * never loads the metrics and logs SDKs (the cold-start saving it exists for; `api-logs`
 * comes with @opentelemetry/instrumentation anyway).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import path from 'node:path';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startCollector } from '../../../scripts/collector/startCollector';
import type { Collector } from '../../../scripts/collector/startCollector';
import { createOtlpProtoExporter } from '../../../shared/tracing/createOtlpProtoExporter';

const REGISTER = path.resolve(__dirname, '../../../shared/tracing/register.js');

let collector: Collector;
let recorder: Server;
const seen: { path: string; contentType: string }[] = [];

before(async () => {
  collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
  // Records what arrives, then answers as a collector would.
  recorder = createServer((req: IncomingMessage, res) => {
    seen.push({ path: req.url ?? '', contentType: String(req.headers['content-type']) });
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
});

after(async () => {
  await collector?.close();
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

async function exportWith(endpoint: string, spans: ReadableSpan[]): Promise<ExportResult> {
  const previous = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  try {
    const exporter = createOtlpProtoExporter(5000);
    const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    await exporter.shutdown();
    return result;
  } finally {
    if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    else process.env.OTEL_EXPORTER_OTLP_ENDPOINT = previous;
  }
}

test('exports protobuf to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces', async () => {
  const result = await exportWith(`http://127.0.0.1:${(recorder.address() as { port: number }).port}`, endedSpans('1'.repeat(32)));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  assert.deepEqual(seen, [{ path: '/v1/traces', contentType: 'application/x-protobuf' }]);
});

test('a real OTLP/HTTP receiver stores what it exports', async () => {
  const traceId = '2'.repeat(32);
  const result = await exportWith(`http://127.0.0.1:${collector.httpPort}`, endedSpans(traceId));
  assert.equal(result.code, ExportResultCode.SUCCESS, String(result.error));
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  const body = (await response.json()) as { data: { spans: { operationName: string; tags: { key: string; value: unknown }[] }[] }[] };
  const span = body.data[0]?.spans[0];
  assert.equal(span?.operationName, 'exported one');
  assert.deepEqual(span?.tags.find((t) => t.key === 'order')?.value, 'o-1');
});

test('a process traced with the default exporter loads neither the metrics nor the logs SDK', () => {
  const loaded = execFileSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(REGISTER)}); console.log(Object.keys(require.cache).filter((f) => /@opentelemetry\\/(sdk-metrics|sdk-logs|otlp-transformer\\/build\\/src\\/(metrics|logs))\\//.test(f)).length + ' ' + Object.keys(require.cache).some((f) => f.includes('trace-serializer')))`],
    { env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'otlp', OTEL_SERVICE_NAME: 'cold-start-probe' }, encoding: 'utf8' },
  ).trim();
  assert.equal(loaded, '0 true', 'no metrics or logs modules, and the trace serialiser is loaded');
});
