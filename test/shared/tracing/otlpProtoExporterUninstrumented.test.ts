/* eslint-disable @typescript-eslint/no-require-imports -- the instrumentation is made when http is patched, as in startTracing */
/**
 * The exporter's POSTs bypass the HTTP instrumentation when the exporter is built first,
 * as startTracing builds it: they would only make a suppressed span, at a cost paid on
 * every flush. The process's other outgoing requests still go through it. Built after,
 * it still exports, through the instrumentation. (A file of its own: it patches `http` for
 * the whole process.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Server } from 'node:http';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { instrumentModules } from 'cloud-functions-otel-tracing/internal/instrumentModules';
import { OtlpProtoExporter } from 'cloud-functions-otel-tracing/internal/otlpProtoExporter';

let receiver: Server;
let url: string;
let received = 0;
/** Outgoing requests the instrumentation saw. */
const seenByInstrumentation: string[] = [];

before(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}`;
  process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = url;
});

/** Patches `http` as startTracing does: the instrumentation made and enabled in one go, for the rest of the process. */
function instrumentHttp(): void {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  instrumentModules(trace.getTracerProvider(), () => [
    new HttpInstrumentation({
      enabled: false,
      disableIncomingRequestInstrumentation: true,
      ignoreOutgoingRequestHook: (request) => {
        seenByInstrumentation.push(String(request.path));
        return true;
      },
    }),
  ]);
}

after(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

function oneEndedSpan(): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    spanProcessors: [{ onStart: () => undefined, onEnd: (span) => void spans.push(span), forceFlush: async () => undefined, shutdown: async () => undefined }],
  });
  provider.getTracer('t').startSpan('one', {}, ROOT_CONTEXT).end();
  return spans;
}

async function exportWith(exporter: OtlpProtoExporter): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(oneEndedSpan(), resolve));
}

/** A plain GET through `http.request`, as a function's own code would make it. */
async function plainGet(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    http.get(`${url}/plain`, (res) => res.resume().on('end', resolve)).on('error', reject);
  });
}

test('an exporter built before `http` is instrumented (as startTracing builds it) exports around it; one built after, through it', async () => {
  const early = new OtlpProtoExporter(2000);
  instrumentHttp();
  const late = new OtlpProtoExporter(2000);
  try {
    for (const [exporter, expected] of [
      [early, ['/plain']],
      [late, ['/v1/traces', '/plain']],
    ] as const) {
      seenByInstrumentation.length = 0;
      const before = received;
      assert.equal((await exportWith(exporter)).code, ExportResultCode.SUCCESS);
      assert.equal(received, before + 1, 'the export arrived');
      await plainGet();
      assert.deepEqual(seenByInstrumentation, expected, 'the requests that passed the instrumentation');
    }
  } finally {
    await early.shutdown();
    await late.shutdown();
  }
});
