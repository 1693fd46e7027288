/**
 * What starting tracing loads, in a fresh process per setting (the package entry imported
 * first, as a function does): only the parts the chosen exporter needs. A hello function
 * must not pay at every cold start for the gRPC stack (grpc-js, its instrumentation, the
 * OTLP/gRPC exporter), the Cloud Trace exporter, Google's auth library or the GCP resource
 * detector (docs/performance.md has what each costs). The test fails if one of them is
 * loaded eagerly again; and gRPC, loaded later by the function's client library, still
 * comes out patched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const FIXTURE = path.join(__dirname, 'fixtures', 'startupModules.js');
// Where the package and grpc-js resolve from by name (dist/test/shared/tracing → the repository).
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface Startup {
  readonly enabled: boolean;
  readonly atStart: readonly string[];
  readonly grpcPatched: boolean | undefined;
  readonly requireRestored: boolean;
}

// Loaded only by the exporter or platform that needs them.
const GRPC_STACK = ['@grpc/grpc-js', '@opentelemetry/instrumentation-grpc', '@opentelemetry/exporter-trace-otlp-grpc', '@opentelemetry/otlp-grpc-exporter-base'];
const GOOGLE_ONLY = ['@google-cloud/opentelemetry-cloud-trace-exporter', 'google-auth-library', '@opentelemetry/resource-detector-gcp'];

async function start(env: Record<string, string>, thenGrpc = false): Promise<Startup> {
  const childEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none', OTEL_SERVICE_NAME: 'hello', ...env };
  const { stdout } = await promisify(execFile)(process.execPath, [FIXTURE, ...(thenGrpc ? ['--then-grpc'] : [])], { env: childEnv, timeout: 30_000 });
  return JSON.parse(stdout) as Startup;
}

function assertNoneOf(loaded: readonly string[], unwanted: readonly string[]): void {
  assert.deepEqual(
    loaded.filter((name) => unwanted.includes(name)),
    [],
    'loaded at start-up though this setting does not use it',
  );
}

test('the default exporter off Google Cloud (OTLP http/protobuf) starts without the gRPC stack or any Google-only part; grpc-js is patched when first required', async () => {
  const started = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, true);
  assert.equal(started.enabled, true);
  assert.ok(started.atStart.includes('@opentelemetry/sdk-trace-base') && started.atStart.includes('@opentelemetry/otlp-transformer'), `the SDK and the exporter's serialiser loaded (else this proves nothing): ${started.atStart.join(', ')}`);
  assertNoneOf(started.atStart, [...GRPC_STACK, ...GOOGLE_ONLY, '@opentelemetry/exporter-trace-otlp-http']);
  assert.equal(started.grpcPatched, true, 'the first require of grpc-js made and enabled its instrumentation');
  assert.equal(started.requireRestored, true, 'nothing is left on require once grpc-js is patched');
});

test('the console exporter loads no OTLP part at all', async () => {
  const started = await start({ OTEL_TRACES_EXPORTER: 'console' });
  assert.equal(started.enabled, true);
  assertNoneOf(started.atStart, [...GRPC_STACK, ...GOOGLE_ONLY, '@opentelemetry/otlp-transformer', '@opentelemetry/otlp-exporter-base', '@opentelemetry/sdk-metrics']);
});

test('OTEL_SDK_DISABLED=true (the untraced baseline) loads neither the SDK nor an instrumentation', async () => {
  const started = await start({ OTEL_SDK_DISABLED: 'true' });
  assert.equal(started.enabled, false);
  assertNoneOf(started.atStart, [...GRPC_STACK, ...GOOGLE_ONLY, '@opentelemetry/sdk-trace-base', '@opentelemetry/instrumentation-http', '@opentelemetry/otlp-transformer']);
});

test('OTLP over gRPC loads its exporter; grpc-js, which that exporter loads at its first export, comes out patched', async () => {
  const started = await start({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, true);
  assert.ok(started.atStart.includes('@opentelemetry/exporter-trace-otlp-grpc'), started.atStart.join(', '));
  assertNoneOf(started.atStart, GOOGLE_ONLY);
  assert.equal(started.grpcPatched, true);
  assert.equal(started.requireRestored, true);
});

test('OTLP to the Telemetry API loads grpc-js for its exporter at start-up, so the gRPC instrumentation patches it at once', async () => {
  const started = await start({ OTEL_TRACES_EXPORTER: 'gcp_otlp', GOOGLE_CLOUD_PROJECT: 'demo-startup', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' }, true);
  assert.ok(started.atStart.includes('@grpc/grpc-js') && started.atStart.includes('@opentelemetry/instrumentation-grpc'), started.atStart.join(', '));
  assertNoneOf(started.atStart, ['@google-cloud/opentelemetry-cloud-trace-exporter', '@opentelemetry/resource-detector-gcp']);
  assert.equal(started.grpcPatched, true);
  assert.equal(started.requireRestored, true);
});

test('an ES module that imports grpc-js itself, statically or with import() after start-up, gets it patched', async () => {
  const check = `const { isWrapped } = (await import('node:module')).createRequire(process.cwd() + '/')('@opentelemetry/instrumentation');
process.stdout.write(String(isWrapped(grpc.makeGenericClientConstructor) && isWrapped(grpc.Client.prototype.makeUnaryRequest)));`;
  const programs = {
    static: `import 'cloud-functions-otel-tracing';\nimport * as grpc from '@grpc/grpc-js';\n${check}`,
    dynamic: `import 'cloud-functions-otel-tracing';\nconst grpc = await import('@grpc/grpc-js');\n${check}`,
  };
  for (const [kind, program] of Object.entries(programs)) {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', program], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, METADATA_SERVER_DETECTION: 'none', OTEL_SERVICE_NAME: 'hello', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' },
      timeout: 30_000,
    });
    assert.equal(stdout, 'true', `${kind} import`);
  }
});
