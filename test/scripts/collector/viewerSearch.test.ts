import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { startCollector } from '../../../scripts/collector/startCollector';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const QUICK_TRACES = 105;

interface Recorded {
  readonly slow: string;
  readonly failed: string;
  readonly spans: Readonly<Record<'root' | 'cart' | 'charge' | 'cardApi' | 'audit', string>>;
}

/**
 * 107 traces through the real SDK and OTLP/HTTP: 105 quick health checks, one failed
 * order (30 ms, status ERROR) and one slow order whose 900 ms root spends 773 ms waiting
 * on `charge card`, of which only 140 ms is its child `card api`. `audit log` runs in
 * parallel and is not on the critical path.
 */
async function record(otlpUrl: string): Promise<Recorded> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpUrl }), { maxExportBatchSize: 512, maxQueueSize: 2048 })],
  });
  const tracer = provider.getTracer('viewer-test');
  const base = Date.now() - 120_000;
  const at = (ms: number): Date => new Date(base + ms);
  const child = (parent: Span, name: string, from: number, to: number): Span => {
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, startTime: at(from) }, trace.setSpan(ROOT_CONTEXT, parent));
    span.end(at(to));
    return span;
  };
  for (let i = 0; i < QUICK_TRACES; i++) {
    tracer.startSpan('GET /health', { kind: SpanKind.SERVER, startTime: at(i * 100) }, ROOT_CONTEXT).end(at(i * 100 + 1 + (i % 5)));
  }
  const failed = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: at(20_000), attributes: { 'orders.order_id': 'order-err' } }, ROOT_CONTEXT);
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  failed.end(at(20_030));

  const root = tracer.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: at(30_000), attributes: { 'orders.order_id': 'order-slow' } }, ROOT_CONTEXT);
  const cart = child(root, 'load cart', 30_000, 30_100);
  const charge = tracer.startSpan('charge card', { kind: SpanKind.INTERNAL, startTime: at(30_100) }, trace.setSpan(ROOT_CONTEXT, root));
  const cardApi = child(charge, 'card api', 30_120, 30_260);
  charge.end(at(30_773));
  const audit = child(root, 'audit log', 30_200, 30_300);
  root.end(at(30_900));
  await provider.shutdown();
  return {
    slow: root.spanContext().traceId,
    failed: failed.spanContext().traceId,
    spans: {
      root: root.spanContext().spanId,
      cart: cart.spanContext().spanId,
      charge: charge.spanContext().spanId,
      cardApi: cardApi.spanContext().spanId,
      audit: audit.spanContext().spanId,
    },
  };
}

async function listed(page: Page): Promise<{ ids: string[]; status: string; durations: number[]; statuses: string[] }> {
  // The list is drawn once the page's script has run; before that there is no status line.
  await page.waitForFunction("(document.getElementById('list-status') || { textContent: 'Loading…' }).textContent !== 'Loading…'");
  const rows = page.locator('tr.trace-row');
  return {
    ids: await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-trace-id') ?? '')),
    status: (await page.locator('#list-status').textContent()) ?? '',
    durations: await rows.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-duration-us')))),
    statuses: await rows.evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status') ?? '')),
  };
}

void describe('trace viewer: search, sort, pages, critical path, download', () => {
  void it('finds traces by tag, trace id and minimum duration, sorts and pages them, and marks what the slow one waited on', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip('chromium not installed (Debian package `chromium`): browser test of the viewer skipped');
      return;
    }
    const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    t.after(() => collector.close());
    const recorded = await record(`http://127.0.0.1:${collector.httpPort}/v1/traces`);
    const total = QUICK_TRACES + 2;

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    t.after(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 760 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const base = `http://127.0.0.1:${collector.queryPort}`;

    // Paging past 100.
    await page.goto(`${base}/`);
    let list = await listed(page);
    assert.equal(list.ids.length, 100);
    assert.equal(list.status, `Traces 1–100 of ${total}`);
    assert.equal(await page.locator('#prev').isDisabled(), true);
    await page.locator('#next').click();
    await page.waitForURL(/offset=100/);
    list = await listed(page);
    assert.equal(list.ids.length, total - 100);
    assert.equal(list.status, `Traces 101–${total} of ${total}`);
    assert.equal(await page.locator('#next').isDisabled(), true);

    // Sorting by duration (server-side, so it holds across pages), then by status.
    await page.goto(`${base}/`);
    await listed(page);
    await page.locator('th[data-sort="duration"]').click();
    await page.waitForURL(/sort=-duration/);
    list = await listed(page);
    assert.equal(list.ids[0], recorded.slow);
    assert.deepEqual(list.durations, [...list.durations].sort((a, b) => b - a));
    assert.equal(await page.locator('th[data-sort="duration"]').getAttribute('aria-sort'), 'descending');
    await page.locator('th[data-sort="duration"]').click();
    await page.waitForURL(/sort=duration/);
    list = await listed(page);
    assert.deepEqual(list.durations, [...list.durations].sort((a, b) => a - b));
    await page.locator('th[data-sort="errors"]').click();
    await page.waitForURL(/sort=-errors/);
    list = await listed(page);
    assert.equal(list.ids[0], recorded.failed);
    assert.deepEqual(list.statuses.slice(0, 2), ['error', 'ok']);
    assert.equal(await page.locator('tr.trace-row').first().locator('.status-cell').innerText(), '1 error');

    // Search by order id (a tag), by minimum duration, by trace id.
    await page.goto(`${base}/`);
    await listed(page);
    await page.locator('#tag').fill('order-slow');
    await page.locator('#search button[type="submit"]').click();
    await page.waitForURL(/tagText=order-slow/);
    list = await listed(page);
    assert.deepEqual(list.ids, [recorded.slow]);
    assert.equal(list.status, '1 trace');
    const searchShot = join(tmpdir(), 'viewer-search.png');
    await page.screenshot({ path: searchShot, fullPage: true });
    t.diagnostic(`screenshot: ${searchShot}`);

    await page.locator('#tag').fill('orders.order_id=order-err');
    await page.locator('#search button[type="submit"]').click();
    await page.waitForURL(/tagText=orders.order_id/);
    assert.deepEqual((await listed(page)).ids, [recorded.failed]);

    await page.goto(`${base}/?minDuration=500ms`);
    assert.deepEqual((await listed(page)).ids, [recorded.slow]);

    await page.goto(`${base}/`);
    await listed(page);
    await page.locator('#trace-id').fill(recorded.failed);
    await page.locator('#search button[type="submit"]').click();
    await page.waitForURL(`${base}/trace/${recorded.failed}`);
    await page.locator('.span-row').first().waitFor();
    assert.deepEqual(await page.locator('.span-row').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status'))), ['error']);
    assert.match(await page.locator('h1').innerText(), /shop: POST \/orders/);
    // An old link with ?traceID= opens the trace too; an unknown id says so.
    await page.goto(`${base}/?traceID=${recorded.slow}`);
    await page.waitForURL(`${base}/trace/${recorded.slow}`);
    await page.goto(`${base}/`);
    await listed(page);
    await page.locator('#trace-id').fill('0123456789abcdef0123456789abcdef');
    await page.locator('#search button[type="submit"]').click();
    await page.locator('.error-text').waitFor();
    assert.match(await page.locator('.error-text').innerText(), /trace not found/);

    // The slow trace: self time per span and the critical path.
    await page.goto(`${base}/trace/${recorded.slow}`);
    await page.locator('.span-row').first().waitFor();
    const rows = await page.locator('.span-row').evaluateAll((nodes) =>
      Object.fromEntries(nodes.map((n) => [n.getAttribute('data-span-id'), { critical: n.getAttribute('data-critical'), selfUs: Number(n.getAttribute('data-self-us')), label: n.querySelector('.bar-label')?.textContent }])),
    );
    const { spans } = recorded;
    assert.deepEqual(
      Object.fromEntries(Object.entries(spans).map(([name, id]) => [name, rows[id]?.critical])),
      { root: 'true', cart: 'true', charge: 'true', cardApi: 'true', audit: 'false' },
    );
    assert.equal(rows[spans.charge]?.selfUs, 533_000, 'charge card: 673 ms, of which its child took 140 ms');
    assert.equal(rows[spans.root]?.selfUs, 127_000, 'root: 900 ms minus the 773 ms its children cover');
    assert.equal(rows[spans.cardApi]?.selfUs, 140_000);
    assert.equal(rows[spans.charge]?.label, '673.0ms · self 533.0ms');
    assert.equal(await page.locator('.span-row.critical .cp-mark').count(), 4);
    const pathShot = join(tmpdir(), 'viewer-critical-path.png');
    await page.screenshot({ path: pathShot, fullPage: true });
    t.diagnostic(`screenshot: ${pathShot}`);

    // JSON download of the trace.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-json').click()]);
    assert.equal(download.suggestedFilename(), `trace-${recorded.slow}.json`);
    const body = JSON.parse(await readFile((await download.path()) ?? '', 'utf8')) as { data: { traceID: string; spans: unknown[] }[] };
    assert.equal(body.data[0]?.traceID, recorded.slow);
    assert.equal(body.data[0]?.spans.length, 5);
  });
});
