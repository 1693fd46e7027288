/* eslint-disable @typescript-eslint/no-require-imports -- tracing must start before the functions load */
/**
 * A dead exporter must cost a request at most the flush deadline, never the
 * exporter's own 30 s timeout or a hang. Real SDK, batching processor, an exporter
 * that never answers; the store and publisher are in-memory fakes because the
 * exporter, not Firestore, is under test here.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import request from 'supertest';
import { InMemoryOrderStore } from '../support/inMemoryOrderStore';

const FLUSH_TIMEOUT_MS = 300;
let exportCalls = 0;
const hangingExporter: SpanExporter = {
  export: () => {
    exportCalls++; // never calls back
  },
  shutdown: () => Promise.resolve(),
};
let server: Server;

before(() => {
  const { loadConfig } = require('../../shared/config') as typeof import('../../shared/config');
  const { initTracing } = require('cloud-functions-otel-tracing/internal/tracing') as typeof import('cloud-functions-otel-tracing/internal/tracing');
  const config = loadConfig({ FLUSH_TIMEOUT_MS: String(FLUSH_TIMEOUT_MS) }, []);
  initTracing(config.tracing, { exporter: hangingExporter });
  const { wrapHttp } = require('cloud-functions-otel-tracing') as typeof import('cloud-functions-otel-tracing');
  const { http } = require('@google-cloud/functions-framework') as typeof import('@google-cloud/functions-framework');
  const { createOrderHandler } = require('../../functions/createOrder') as typeof import('../../functions/createOrder');
  http(
    'createOrderWithDeadExporter',
    wrapHttp(createOrderHandler({
      config,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      store: new InMemoryOrderStore(),
      publisher: { publish: async () => '1' },
      newOrderId: () => 'o-1',
      now: () => new Date(),
    })),
  );
  const { getTestServer } = require('@google-cloud/functions-framework/testing') as typeof import('@google-cloud/functions-framework/testing');
  server = getTestServer('createOrderWithDeadExporter');
});

test('a request waits for the flush, but no longer than the flush deadline', async () => {
  const order = { customerId: 'c-1', items: [{ sku: 's', quantity: 1, unitPrice: 1 }], currency: 'EUR' };
  const elapsed: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await request(server).post('/').send(order).expect(202);
    elapsed.push(performance.now() - started);
  }
  assert.ok(exportCalls >= 1, 'the flush reached the exporter');
  // The first flush waits for the exporter; once it has failed, only one probe export per
  // second reaches it and the other flushes fail at once (guardedSpanExporter.ts).
  assert.ok(elapsed[0]! >= FLUSH_TIMEOUT_MS * 0.9, `answered after ${elapsed[0]} ms: it did not wait for the flush`);
  for (const ms of elapsed) {
    // Bounded by the deadline, not by the exporter's 30 s timeout (generous slack for a busy machine).
    assert.ok(ms < FLUSH_TIMEOUT_MS + 5000, `answered after ${ms} ms: the dead exporter held the request`);
  }
});

test('concurrent requests against a dead exporter all answer within the deadline', async () => {
  const order = { customerId: 'c-1', items: [{ sku: 's', quantity: 1, unitPrice: 1 }], currency: 'EUR' };
  const started = performance.now();
  const responses = await Promise.all(Array.from({ length: 20 }, () => request(server).post('/').send(order)));
  const ms = performance.now() - started;
  assert.deepEqual(new Set(responses.map((r) => r.status)), new Set([202]));
  assert.ok(ms < FLUSH_TIMEOUT_MS + 5000, `20 concurrent requests took ${ms} ms`);
});
