/**
 * The process-wide patches startTracing applies without a require hook
 * (instrumentModules.ts). If an upgrade of an instrumentation or of grpc-js made a patch
 * land somewhere else, or not at all, the functions would silently lose their gRPC or
 * HTTP client spans: this test fails loudly instead.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { isWrapped } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

const requireBefore = (Module as unknown as { prototype: { require: unknown } }).prototype.require;

before(() => {
  startTracing(loadTracingConfig({ OTEL_SERVICE_NAME: 'patches' }, []), { exporter: new InMemorySpanExporter() });
});

test('@grpc/grpc-js (the copy the Google client libraries use) is patched where its client classes are built', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  for (const [name, fn] of Object.entries({
    makeClientConstructor: grpc.makeClientConstructor,
    makeGenericClientConstructor: grpc.makeGenericClientConstructor,
    loadPackageDefinition: grpc.loadPackageDefinition,
  })) {
    assert.ok(isWrapped(fn), `grpc-js ${name} is patched`);
  }
});

test('outgoing http/https requests are patched, incoming requests are not (the wrapper makes the server span)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require('node:http') as typeof import('node:http');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const https = require('node:https') as typeof import('node:https');
  assert.ok(isWrapped(http.request) && isWrapped(http.get), 'http.request / http.get patched');
  assert.ok(isWrapped(https.request) && isWrapped(https.get), 'https.request / https.get patched');
  assert.ok(!isWrapped(http.Server.prototype.emit), 'no incoming-request instrumentation');
});

test('no require hook is left behind (it would cost every cold start)', () => {
  assert.equal((Module as unknown as { prototype: { require: unknown } }).prototype.require, requireBefore);
});
