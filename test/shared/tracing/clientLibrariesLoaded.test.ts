/**
 * Importing the entry starts tracing, and must come before any Google client library:
 * otherwise that library's gRPC calls go untraced. The library says so with a process
 * warning (code GCF_TRACING_LOADED_LATE) on stderr. Real child processes, real modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { clientLibrariesLoaded } from 'cloud-functions-otel-tracing/internal/clientLibrariesLoaded';

const ENTRY = require.resolve('cloud-functions-otel-tracing');
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');

/** Runs `code` in a fresh Node process; its stderr. */
function stderrOf(code: string): string {
  const run = spawnSync(process.execPath, ['-e', code], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, OTEL_TRACES_EXPORTER: 'console', METADATA_SERVER_DETECTION: 'none' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr;
}

test('a Google client library loaded before the entry: a GCF_TRACING_LOADED_LATE warning names it', () => {
  const stderr = stderrOf(`require('@google-cloud/firestore'); require(${JSON.stringify(ENTRY)});`);
  assert.match(stderr, /\[GCF_TRACING_LOADED_LATE\].*@google-cloud\/firestore/);
});

test('the entry first: no warning', () => {
  const stderr = stderrOf(`require(${JSON.stringify(ENTRY)}); require('@google-cloud/firestore');`);
  assert.doesNotMatch(stderr, /GCF_TRACING_LOADED_LATE/);
});

const cases: ReadonlyArray<[string, string[]]> = [
  ['/app/node_modules/@google-cloud/pubsub/build/src/index.js', ['@google-cloud/pubsub']],
  ['/app/node_modules/google-gax/build/src/index.js', ['google-gax']],
  ['C:\\app\\node_modules\\@google-cloud\\firestore\\build\\src\\index.js', ['@google-cloud/firestore']],
  // Not client libraries: the framework, the trace exporter and propagator, the auth library.
  ['/app/node_modules/@google-cloud/functions-framework/build/src/index.js', []],
  ['/app/node_modules/@google-cloud/opentelemetry-cloud-trace-exporter/build/src/index.js', []],
  ['/app/node_modules/google-auth-library/build/src/index.js', []],
];
for (const [id, expected] of cases) {
  test(`${id} → ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(clientLibrariesLoaded([id]), expected);
  });
}
