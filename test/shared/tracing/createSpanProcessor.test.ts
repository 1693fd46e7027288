import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { loadTracingConfig } from 'cloud-functions-otel-tracing/internal/tracingConfig';
import { createSpanProcessor } from 'cloud-functions-otel-tracing/internal/createSpanProcessor';

const cases: ReadonlyArray<[string, Record<string, string>, unknown]> = [
  ['console prints each span as it ends', { OTEL_TRACES_EXPORTER: 'console' }, SimpleSpanProcessor],
  ['otlp batches (flushed per invocation)', { OTEL_TRACES_EXPORTER: 'otlp' }, BatchSpanProcessor],
  ['otlp over HTTP batches too', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' }, BatchSpanProcessor],
  ['Cloud Trace batches', { OTEL_TRACES_EXPORTER: 'gcp', GOOGLE_CLOUD_PROJECT: 'demo-x' }, BatchSpanProcessor],
  ['the Telemetry API (OTLP) batches', { OTEL_TRACES_EXPORTER: 'gcp_otlp', GOOGLE_CLOUD_PROJECT: 'demo-x' }, BatchSpanProcessor],
];
for (const [name, env, kind] of cases) {
  test(name, async () => {
    const processor = createSpanProcessor(loadTracingConfig(env, []));
    assert.ok(processor instanceof (kind as typeof BatchSpanProcessor), `${name}: got ${processor?.constructor.name}`);
    await processor.shutdown();
  });
}

test('none records nothing', () => {
  assert.equal(createSpanProcessor(loadTracingConfig({ OTEL_TRACES_EXPORTER: 'none' }, [])), undefined);
});

test('gcp without the optional Cloud Trace exporter installed stops start-up with one line saying what to install', () => {
  // A child process in which that one package cannot be resolved, as after `npm install --omit=optional`.
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (request, ...rest) {
      if (request === '@google-cloud/opentelemetry-cloud-trace-exporter') throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
      return resolve.call(this, request, ...rest);
    };
    const { loadTracingConfig } = require('cloud-functions-otel-tracing/internal/tracingConfig');
    const { createSpanProcessor } = require('cloud-functions-otel-tracing/internal/createSpanProcessor');
    try { createSpanProcessor(loadTracingConfig({ OTEL_TRACES_EXPORTER: 'gcp', GOOGLE_CLOUD_PROJECT: 'demo-x' }, [])); console.log('created'); }
    catch (error) { console.log(error.name + ' ' + error.message); }`;
  const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: __dirname }).trim();
  assert.match(out, /^ConfigError OTEL_TRACES_EXPORTER: gcp needs @google-cloud\/opentelemetry-cloud-trace-exporter .*npm install/);
  assert.ok(!out.includes('\n'), 'one line');
});
