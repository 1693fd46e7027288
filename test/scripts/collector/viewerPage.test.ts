import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { chromium } from 'playwright-core';
import { startCollector } from '../../../scripts/collector/startCollector';
import { recordSpanTree } from './recordSpanTree';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

interface Row {
  readonly spanId: string | null;
  readonly service: string | null;
  readonly depth: string | null;
  readonly parent: string | null;
  readonly operation: string | null;
  readonly status: string | null;
}

void describe('trace viewer page', () => {
  void it('lists the trace, draws its waterfall and shows a clicked span', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip('chromium not installed');
      return;
    }
    const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    t.after(() => collector.close());
    const exporter = (): OTLPTraceExporter => new OTLPTraceExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/traces` });
    const tree = await recordSpanTree(exporter(), exporter());

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    page.setDefaultTimeout(10_000);
    const base = `http://127.0.0.1:${collector.queryPort}`;

    await page.goto(`${base}/`);
    const listed = page.locator(`tr.trace-row[data-trace-id="${tree.traceId}"]`);
    await listed.waitFor();
    assert.equal(await page.locator('tr.trace-row').count(), 2); // the order trace and the linked tick trace
    assert.match(await listed.innerText(), /checkout: POST \/orders/);
    assert.match(await listed.innerText(), /processor 1/);

    await listed.locator('a').first().click();
    await page.waitForURL(`${base}/trace/${tree.traceId}`);
    await page.locator('.span-row').first().waitFor();
    const rows = await page.locator('.span-row').evaluateAll((nodes) =>
      nodes.map((n) => ({
        spanId: n.getAttribute('data-span-id'),
        service: n.getAttribute('data-service'),
        depth: n.getAttribute('data-depth'),
        parent: n.getAttribute('data-parent-span-id'),
        operation: n.getAttribute('data-operation'),
        status: n.getAttribute('data-status'),
      })),
    );
    assert.deepEqual(rows, [
      { spanId: tree.rootSpanId, service: 'checkout', depth: '0', parent: '', operation: 'POST /orders', status: 'unset' },
      { spanId: tree.producerSpanId, service: 'checkout', depth: '1', parent: tree.rootSpanId, operation: 'orders publish', status: 'unset' },
      { spanId: tree.consumerSpanId, service: 'processor', depth: '2', parent: tree.producerSpanId, operation: 'orders process', status: 'error' },
    ] satisfies Row[]);

    // Bars are to scale: the consumer runs 30–45 ms into a 50 ms trace.
    const bar = await page.locator(`[data-span-id="${tree.consumerSpanId}"] .bar`).getAttribute('style');
    assert.match(bar ?? '', /^left:60%;width:30%;/);

    await page.locator(`.span-row[data-span-id="${tree.consumerSpanId}"]`).click();
    const detail = page.locator(`#span-detail[data-span-id="${tree.consumerSpanId}"]`);
    await detail.waitFor();
    const text = await detail.innerText();
    assert.match(text, /otel\.status_description\s+out of stock/);
    assert.match(text, /span\.kind\s+consumer/);
    assert.match(text, /retrying/);
    assert.match(text, /attempt\s+2/);
    const follows = detail.locator('a.ref[data-ref-type="FOLLOWS_FROM"]');
    assert.equal(await follows.getAttribute('href'), `/trace/${tree.tickTraceId}#span-${tree.tickSpanId}`);

    const shot = join(tmpdir(), 'collector-viewer.png'); // one file, overwritten each run, for a human to look at
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);

    // The link opens the other trace with the linked span selected.
    await follows.click();
    await page.locator(`#span-detail[data-span-id="${tree.tickSpanId}"]`).waitFor();
    assert.equal(await page.locator('.span-row').count(), 1);
  });
});
