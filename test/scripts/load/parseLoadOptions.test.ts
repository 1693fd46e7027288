import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LoadOptionsError, parseLoadOptions } from '../../../scripts/load/parseLoadOptions';

const NOW = new Date('2025-03-04T05:06:07.890Z');

test('defaults', () => {
  const o = parseLoadOptions([], {}, NOW);
  assert.deepEqual(
    { ...o },
    {
      target: 'http://127.0.0.1:8080/',
      remote: false,
      orders: 200,
      concurrency: 10,
      rate: undefined,
      maxDurationMs: 600_000,
      requestTimeoutMs: 10_000,
      otlp: 'http://127.0.0.1:4317',
      traces: 'http://127.0.0.1:16686',
      cloudTraceApi: undefined,
      firestore: '127.0.0.1:8086',
      projectId: 'demo-orders',
      waitMs: 30_000,
      json: undefined,
      html: 'reports/load-2025-03-04T05-06-07.html',
      maxErrorRate: 0,
      idToken: undefined,
      traceHeaders: true,
      help: false,
    },
  );
});

test('--no-trace-headers: no client span, no traceparent', () => {
  assert.equal(parseLoadOptions(['--no-trace-headers'], {}, NOW).traceHeaders, false);
});

const cases: { name: string; argv: string[]; env?: Record<string, string>; expect: Partial<ReturnType<typeof parseLoadOptions>> }[] = [
  { name: 'count and concurrency', argv: ['--orders', '1000', '--concurrency', '50'], expect: { orders: 1000, concurrency: 50 } },
  { name: 'rate and duration: count uncapped', argv: ['--rate', '12.5', '--duration', '20'], expect: { rate: 12.5, maxDurationMs: 20_000, orders: 1_000_000 } },
  { name: 'duration with an explicit count keeps both bounds', argv: ['--duration=5', '--orders=10'], expect: { orders: 10, maxDurationMs: 5000 } },
  {
    name: 'https target: traces from Cloud Trace, the project\'s Firestore, no client spans',
    argv: ['--target', 'https://create-order-xyz.a.run.app/', '--project', 'p9'],
    expect: { remote: true, cloudTraceApi: 'https://cloudtrace.googleapis.com', projectId: 'p9', firestore: undefined, traceHeaders: false, waitMs: 120_000 },
  },
  { name: 'https target, project from the environment', argv: ['--target', 'https://x.run.app/'], env: { GOOGLE_CLOUD_PROJECT: 'p1' }, expect: { cloudTraceApi: 'https://cloudtrace.googleapis.com', projectId: 'p1' } },
  { name: 'https target with --otlp: client spans there', argv: ['--target', 'https://x.run.app/', '--project', 'p', '--otlp', 'http://127.0.0.1:4317'], expect: { traceHeaders: true } },
  { name: 'https target with --traces: a Jaeger, processed from the trace', argv: ['--target', 'https://x.run.app/', '--traces', 'http://127.0.0.1:16686'], expect: { cloudTraceApi: undefined, firestore: undefined, traceHeaders: true } },
  { name: 'remote target with Firestore given', argv: ['--target', 'https://x.run.app/', '--project', 'p', '--firestore', 'localhost:9000'], expect: { firestore: 'localhost:9000' } },
  {
    name: '--cloud-trace-api picks Cloud Trace for a loopback target too',
    argv: ['--cloud-trace-api', 'http://127.0.0.1:7000/', '--project', 'p'],
    expect: { remote: false, cloudTraceApi: 'http://127.0.0.1:7000', firestore: undefined, traceHeaders: false },
  },
  { name: 'environment fills in', argv: [], env: { FIRESTORE_EMULATOR_HOST: '127.0.0.1:9999', GOOGLE_CLOUD_PROJECT: 'p1', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:5317', ID_TOKEN: 't' }, expect: { firestore: '127.0.0.1:9999', projectId: 'p1', otlp: 'http://127.0.0.1:5317', idToken: 't' } },
  { name: 'flag beats environment', argv: ['--project', 'p2'], env: { GOOGLE_CLOUD_PROJECT: 'p1' }, expect: { projectId: 'p2' } },
  { name: 'traces URL loses its trailing slash', argv: ['--traces', 'http://127.0.0.1:1/'], expect: { traces: 'http://127.0.0.1:1' } },
  { name: 'wait, error rate, files', argv: ['--wait', '0', '--max-error-rate', '0.05', '--json', 'a.json', '--html', 'b.html'], expect: { waitMs: 0, maxErrorRate: 0.05, json: 'a.json', html: 'b.html' } },
  { name: 'localhost target', argv: ['--target', 'http://localhost:9/'], expect: { target: 'http://localhost:9/', remote: false } },
  { name: 'help', argv: ['-h'], expect: { help: true } },
];
for (const c of cases) {
  test(`parses: ${c.name}`, () => {
    const o = parseLoadOptions(c.argv, c.env ?? {}, NOW);
    for (const [key, value] of Object.entries(c.expect)) assert.deepEqual(o[key as keyof typeof o], value, key);
  });
}

const bad: { argv: string[]; message: RegExp }[] = [
  { argv: ['--orders', '0'], message: /--orders must be a whole number/ },
  { argv: ['--orders', 'ten'], message: /--orders/ },
  { argv: ['--concurrency', '-1'], message: /--concurrency/ },
  { argv: ['--rate', '0'], message: /--rate must be a number/ },
  { argv: ['--duration', 'x'], message: /--duration/ },
  { argv: ['--max-error-rate', '2'], message: /--max-error-rate/ },
  { argv: ['--target', 'http://example.com/'], message: /loopback/ },
  { argv: ['--target', 'ftp://127.0.0.1/'], message: /http:\/\/ or https:\/\// },
  { argv: ['--target', 'nope'], message: /must be a URL/ },
  { argv: ['--firestore', 'no-port'], message: /host:port/ },
  { argv: ['--otlp', 'grpc://x'], message: /--otlp must be an http/ },
  { argv: ['--json', ''], message: /--json must not be empty/ },
  { argv: ['--bogus'], message: /bogus/ },
  { argv: ['--target', 'https://x.run.app/'], message: /--project ID or set GOOGLE_CLOUD_PROJECT/ },
  { argv: ['--cloud-trace-api', 'http://127.0.0.1:1'], message: /--project/ },
  { argv: ['--cloud-trace-api', 'http://127.0.0.1:1', '--traces', 'http://127.0.0.1:2', '--project', 'p'], message: /give one/ },
  { argv: ['--cloud-trace-api', 'cloudtrace.googleapis.com', '--project', 'p'], message: /--cloud-trace-api must be an http/ },
  { argv: ['stray'], message: /stray|positional/i },
];
for (const c of bad) {
  test(`rejects ${c.argv.join(' ')}`, () => {
    assert.throws(() => parseLoadOptions(c.argv, {}, NOW), (err: unknown) => err instanceof LoadOptionsError && c.message.test(err.message));
  });
}
