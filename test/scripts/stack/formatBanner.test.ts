import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatBanner } from '../../../scripts/stack/formatBanner';
import { describePlatform } from '../../../scripts/stack/stackPlatform';
import type { StackUrls } from '../../../scripts/stack/formatBanner';

const URLS: StackUrls = {
  createOrder: 'http://127.0.0.1:8080/',
  processOrder: 'http://127.0.0.1:8081/',
  pubsub: '127.0.0.1:8085',
  firestore: '127.0.0.1:8086',
  otlpGrpc: 'http://127.0.0.1:4317',
  otlpHttp: 'http://127.0.0.1:4318',
  query: 'http://127.0.0.1:16686',
  viewer: 'http://127.0.0.1:16686/',
};

const BUNDLED = { backend: 'bundled', why: "Google's not available: gcloud is not on PATH" } as const;

void describe('formatBanner', () => {
  void it('shows every URL, a curl that posts an order, and where the trace is', () => {
    assert.equal(
      formatBanner({ urls: URLS, exporter: 'otlp', readyMs: 2345, reused: { pubsub: false, firestore: true }, emulators: { backend: 'google', why: 'gcloud emulators installed' } }),
      [
        'Local stack ready in 2.3 s',
        '  createOrder    http://127.0.0.1:8080/',
        '  processOrder   http://127.0.0.1:8081/  (pushed by the Pub/Sub emulator)',
        '  Pub/Sub        127.0.0.1:8085',
        '  Firestore      127.0.0.1:8086  (reused from FIRESTORE_EMULATOR_HOST)',
        "  emulators      Google's (gcloud): gcloud emulators installed",
        '  OTLP           http://127.0.0.1:4317 (gRPC)  http://127.0.0.1:4318 (HTTP)',
        '  traces         http://localhost:16686/',
        '',
        '  post an order:',
        `    curl -s -X POST http://localhost:8080/ -H 'content-type: application/json' -d '{"customerId":"c-1","items":[{"sku":"sku-1","quantity":2,"unitPrice":9.5}],"currency":"EUR"}'`,
        '  then see its trace:   http://localhost:16686/  or  curl http://localhost:16686/api/traces/<traceId>',
        '  Ctrl-C stops everything.',
      ].join('\n'),
    );
  });

  void it('says which platform the functions run on', () => {
    const platform = describePlatform({ kind: 'cloud-run', billing: 'request', idleShutdownS: 900, sampleRate: 0.1, frontEndArgs: [] });
    const banner = formatBanner({ urls: URLS, exporter: 'otlp', readyMs: 1000, reused: { pubsub: false, firestore: false }, emulators: BUNDLED, platform });
    assert.match(banner, /\n {2}platform {7}cloud-run: request-based billing \(stopped between requests\), scale-in after 900 s idle, 0\.1 sampled requests\/s per instance\n/);
    assert.match(formatBanner({ urls: URLS, exporter: 'otlp', readyMs: 1000, reused: { pubsub: false, firestore: false }, emulators: BUNDLED, platform: describePlatform({ kind: 'none' }) }), /platform {7}none: functions-framework at full CPU \(--platform cloud-run simulates Cloud Run\)/);
  });

  void it('with the console exporter points at the functions output instead', () => {
    const banner = formatBanner({ urls: URLS, exporter: 'console', readyMs: 1000, reused: { pubsub: true, firestore: false }, emulators: BUNDLED });
    assert.match(banner, /spans are printed as JSON by each function below/);
    assert.match(banner, /127\.0\.0\.1:8085 {2}\(reused from PUBSUB_EMULATOR_HOST\)/);
    assert.doesNotMatch(banner, /api\/traces/);
    assert.match(banner, /emulators {6}bundled \(in-process\): Google's not available: gcloud is not on PATH/);
    assert.doesNotMatch(banner, /16686/, 'no viewer: nothing arrives there with --exporter console');
  });

  void it('names the log files when the window summarises', () => {
    const banner = formatBanner({ urls: URLS, exporter: 'otlp', readyMs: 1000, reused: { pubsub: false, firestore: false }, emulators: BUNDLED, logFiles: ['.stack/logs/createOrder.log', '.stack/logs/processOrder.log'] });
    assert.match(banner, /^ {2}logs {11}\.stack\/logs\/createOrder\.log {2}\.stack\/logs\/processOrder\.log$/m);
    assert.match(banner, /--raw-logs for every line/);
  });
});
