/**
 * The process-wide patches startTracing applies, and the one patch of another library it
 * keeps: the require hook @opentelemetry/instrumentation installs is taken out again
 * (instrumentModules.ts). If an upgrade of an instrumentation or of grpc-js made a patch
 * land somewhere else, or not at all, the functions would silently lose their gRPC or
 * HTTP client spans; if an upgrade stopped installing the hook, the removal would be a
 * no-op kept for nothing: this test fails loudly either way. gRPC waits for the first
 * require of grpc-js (nothing in this file loads it before the gRPC test does): until then
 * only the library's id-comparing trap sits on `require`.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import Module from 'node:module';
import { createRequire } from 'node:module';
import { isWrapped } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { REQUIRE_HOOK_SUPPORTED_VERSIONS } from 'cloud-functions-otel-tracing/internal/instrumentModules';
import { startTracing } from 'cloud-functions-otel-tracing/internal/startTracing';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';

const moduleProto = (Module as unknown as { prototype: { require: unknown } }).prototype;
const requireBefore = moduleProto.require;
// Every value given to Module.prototype.require while tracing starts.
const assigned: unknown[] = [];

before(() => {
  let current = requireBefore;
  Object.defineProperty(moduleProto, 'require', {
    configurable: true,
    get: () => current,
    set: (value: unknown) => {
      assigned.push(value);
      current = value;
    },
  });
  try {
    startTracing(loadTracingConfig({ OTEL_SERVICE_NAME: 'patches' }, []), { exporter: new InMemorySpanExporter() });
  } finally {
    Object.defineProperty(moduleProto, 'require', { configurable: true, writable: true, value: current });
  }
});

test('the installed @opentelemetry/instrumentation is a version the require-hook removal was written for', () => {
  const version = (createRequire(__filename)('@opentelemetry/instrumentation/package.json') as { version: string }).version;
  assert.match(version, REQUIRE_HOOK_SUPPORTED_VERSIONS, 'check instrumentModules.ts against this version, then widen the range');
});

test('the removal is not a no-op: starting tracing installed a require hook, and it was taken out', () => {
  const [hook, restored, trap] = assigned;
  assert.ok(hook !== undefined && hook !== requireBefore, 'the instrumentation installed a require hook (else delete the removal)');
  assert.equal(restored, requireBefore, 'and require was put back');
  assert.equal(assigned.length, 3, 'then only the gRPC trap was put on it');
  assert.ok(trap !== hook && trap === moduleProto.require, 'the trap is not the hook, and it is what require is now');
});

test('starting tracing loaded neither @grpc/grpc-js nor its instrumentation (a function without gRPC never pays for them)', () => {
  const loaded = Object.keys(require.cache).filter((id) => /[\\/]node_modules[\\/](@grpc[\\/]grpc-js|@opentelemetry[\\/]instrumentation-grpc)[\\/]/.test(id));
  assert.deepEqual(loaded, []);
});

test('@grpc/grpc-js (the copy the Google client libraries use) is patched when first required, where its client classes are built', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const grpc = require('@grpc/grpc-js') as typeof import('@grpc/grpc-js');
  assert.equal(moduleProto.require, requireBefore, 'the trap took itself out');
  for (const [name, fn] of Object.entries({
    makeClientConstructor: grpc.makeClientConstructor,
    makeGenericClientConstructor: grpc.makeGenericClientConstructor,
    loadPackageDefinition: grpc.loadPackageDefinition,
    makeUnaryRequest: grpc.Client.prototype.makeUnaryRequest,
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
