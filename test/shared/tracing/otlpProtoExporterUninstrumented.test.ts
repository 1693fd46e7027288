/**
 * The exporter's POSTs bypass the HTTP instrumentation, whichever was set up first: they
 * would only make a suppressed span, at a cost paid on every flush. The process's other
 * outgoing requests still go through it. (A file of its own: it patches `http` for the
 * whole process.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { Server } from 'node:http';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { instrumentModules } from 'cloud-functions-otel-tracing/internal/instrumentModules';
import { OtlpProtoExporter } from 'cloud-functions-otel-tracing/internal/otlpProtoExporter';

let receiver: Server;
let url: string;
let received = 0;
/** Outgoing requests the instrumentation saw. */
const seenByInstrumentation: string[] = [];
const instrumentation = new HttpInstrumentation({
  enabled: false,
  disableIncomingRequestInstrumentation: true,
  ignoreOutgoingRequestHook: (request) => {
    seenByInstrumentation.push(String(request.path));
    return true;
  },
});

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

/** Patches `http` as startTracing does; returns the undo. */
function instrumentHttp(): () => void {
  instrumentModules(trace.getTracerProvider(), () => [instrumentation]);
  return () => {
    for (const definition of instrumentation.getModuleDefinitions()) definition.unpatch?.(http);
  };
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

for (const built of ['before', 'after'] as const) {
  test(`an exporter built ${built} \`http\` is instrumented exports around it`, async () => {
    const early = built === 'before' ? new OtlpProtoExporter(2000) : undefined;
    const uninstrument = instrumentHttp();
    const exporter = early ?? new OtlpProtoExporter(2000);
    try {
      const before = received;
      assert.equal((await exportWith(exporter)).code, ExportResultCode.SUCCESS);
      assert.equal(received, before + 1, 'the export arrived');
      await plainGet();
      assert.deepEqual(seenByInstrumentation, ['/plain'], 'only the plain request passed the instrumentation');
    } finally {
      await exporter.shutdown();
      uninstrument();
      seenByInstrumentation.length = 0;
    }
  });
}
