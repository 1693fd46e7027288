import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { startCollector } from '../../../scripts/collector/startCollector';
import { recordSpanTree } from './recordSpanTree';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];
const LONG_NAME = `firestore.v1.Firestore/BatchGetDocuments ${'projects/demo-orders/databases/(default)/documents/orders/'.repeat(3)}order-0001`;
const SWEEPS = 3;

interface Recorded {
  readonly nested: string;
  readonly spans: Readonly<Record<'root' | 'store' | 'commit' | 'rpc' | 'long', string>>;
  readonly sweeps: readonly string[];
}

/** One service's spans through the real SDK and OTLP/HTTP, flushed on return. */
async function withService(otlpUrl: string, service: string, record: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: otlpUrl }))],
  });
  record(provider.getTracer('viewer-reading-test'));
  await provider.shutdown();
}

/**
 * A nested order trace (root → store → commit → rpc, and a span with a 200-character
 * name), and three recovery sweeper passes, the newest traces of all, as the local stack's
 * sweeper adds one every few seconds.
 */
async function record(otlpUrl: string, base: number): Promise<Recorded> {
  const at = (ms: number): Date => new Date(base + ms);
  let nested: Recorded | undefined;
  await withService(otlpUrl, 'createOrder', (tracer) => {
    const under = (parent: ReturnType<typeof tracer.startSpan>) => trace.setSpan(ROOT_CONTEXT, parent);
    const root = tracer.startSpan('POST /', { kind: SpanKind.SERVER, startTime: at(0) }, ROOT_CONTEXT);
    const store = tracer.startSpan('orders.store', { startTime: at(2) }, under(root));
    const commit = tracer.startSpan('Batch.Commit', { startTime: at(3) }, under(store));
    const rpc = tracer.startSpan('grpc.google.firestore.v1.Firestore/Commit', { kind: SpanKind.CLIENT, startTime: at(4) }, under(commit));
    rpc.end(at(40));
    commit.end(at(41));
    store.end(at(42));
    const long = tracer.startSpan(LONG_NAME, { kind: SpanKind.CLIENT, startTime: at(50) }, under(root));
    long.end(at(90));
    root.end(at(100));
    nested = {
      nested: root.spanContext().traceId,
      spans: { root: root.spanContext().spanId, store: store.spanContext().spanId, commit: commit.spanContext().spanId, rpc: rpc.spanContext().spanId, long: long.spanContext().spanId },
      sweeps: [],
    };
  });
  const sweeps: string[] = [];
  await withService(otlpUrl, 'sweepOrders', (tracer) => {
    for (let i = 0; i < SWEEPS; i++) {
      const pass = tracer.startSpan('POST', { kind: SpanKind.SERVER, startTime: at(10_000 + i * 1000), attributes: { 'orders.sweep.dry_run': false } }, ROOT_CONTEXT);
      pass.end(at(10_000 + i * 1000 + 5));
      sweeps.push(pass.spanContext().traceId);
    }
  });
  assert.ok(nested);
  return { ...nested, sweeps };
}

async function listedIds(page: Page): Promise<string[]> {
  // The list is drawn once the page's script has run; before that there is no status line.
  await page.waitForFunction("(document.getElementById('list-status') || { textContent: 'Loading…' }).textContent !== 'Loading…'");
  return page.locator('tr.trace-row').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-trace-id') ?? ''));
}

async function barColor(page: Page, service: string): Promise<string> {
  return page.locator(`.span-row[data-service="${service}"] .bar`).first().evaluate(computedBackground);
}

/** The colour the browser paints (runs in the page, self-contained; this file has no DOM types). */
const computedBackground = (node: unknown): string =>
  (globalThis as unknown as { getComputedStyle(n: unknown): { backgroundColor: string } }).getComputedStyle(node).backgroundColor;

void describe('trace viewer: reading a busy stack', () => {
  void it('hides sweeper passes behind a switch, plots durations, keeps service colours, labels queue delay, folds subtrees, shows long names', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip('chromium not installed (Debian package `chromium`): browser test of the viewer skipped');
      return;
    }
    const collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    t.after(() => collector.close());
    const otlpUrl = `http://127.0.0.1:${collector.httpPort}/v1/traces`;
    const exporter = (): OTLPTraceExporter => new OTLPTraceExporter({ url: otlpUrl });
    const base = Date.now() - 60_000;
    const tree = await recordSpanTree(exporter(), exporter(), base - 5_000);
    const recorded = await record(otlpUrl, base);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    t.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(10_000);
    const url = `http://127.0.0.1:${collector.queryPort}`;

    // The sweeper's passes are hidden until the switch is on.
    await page.goto(`${url}/`);
    const userTraces = [recorded.nested, tree.traceId, tree.tickTraceId];
    assert.deepEqual((await listedIds(page)).sort(), [...userTraces].sort());
    const sweeperSwitch = page.locator('#show-sweeper');
    assert.equal(await sweeperSwitch.isVisible(), true);
    assert.equal(await sweeperSwitch.isChecked(), false);
    await page.screenshot({ path: join(tmpdir(), 'viewer-list.png'), fullPage: true });

    // One dot per listed trace, the longest highest; a dot opens its trace.
    const dots = await page.locator('#scatter circle.dot').evaluateAll((nodes) =>
      nodes.map((n) => ({ id: n.getAttribute('data-trace-id') ?? '', cy: Number(n.getAttribute('cy')), durationUs: Number(n.getAttribute('data-duration-us')) })),
    );
    assert.deepEqual(dots.map((d) => d.id).sort(), [...userTraces].sort());
    const highest = [...dots].sort((a, b) => a.cy - b.cy)[0];
    assert.equal(highest?.id, recorded.nested, 'the 100 ms trace is the highest dot');
    assert.equal(highest?.durationUs, 100_000);

    await sweeperSwitch.check();
    await page.waitForURL(/sweeper=show/);
    assert.deepEqual((await listedIds(page)).sort(), [...userTraces, ...recorded.sweeps].sort());
    assert.equal(await page.locator('#scatter circle.dot').count(), userTraces.length + SWEEPS);
    await page.locator('#show-sweeper').uncheck();
    await page.waitForURL((u) => !u.search.includes('sweeper'));
    assert.equal((await listedIds(page)).length, userTraces.length);

    await page.locator(`#scatter circle.dot[data-trace-id="${tree.traceId}"]`).click();
    await page.waitForURL(`${url}/trace/${tree.traceId}`);
    await page.locator('.span-row').first().waitFor();

    // The consumer waited 10 ms after its producer ended (20 → 30 ms of a 50 ms trace).
    const consumer = page.locator(`.span-row[data-span-id="${tree.consumerSpanId}"]`);
    assert.equal(await consumer.getAttribute('data-queue-delay-us'), '10000');
    assert.equal(await consumer.locator('.queue-label').innerText(), 'queue delay 10.0ms');
    assert.match((await consumer.locator('.queue-gap').getAttribute('style')) ?? '', /^left:40%;width:20%/);
    assert.equal(await page.locator('.queue-gap').count(), 1, 'only the consumer waited on a queue');
    await page.screenshot({ path: join(tmpdir(), 'viewer-queue-delay.png'), fullPage: true });

    // A service keeps its colour when a service the page has not seen before appears.
    const colors = { checkout: await barColor(page, 'checkout'), processor: await barColor(page, 'processor') };
    assert.notEqual(colors.checkout, colors.processor);
    await withService(otlpUrl, 'aardvark', (tracer) => tracer.startSpan('first', {}, ROOT_CONTEXT).end());
    await page.reload();
    await page.locator('.span-row').first().waitFor();
    assert.deepEqual({ checkout: await barColor(page, 'checkout'), processor: await barColor(page, 'processor') }, colors);
    await page.goto(`${url}/?sweeper=show`);
    await listedIds(page);
    const chip = await page.locator(`tr.trace-row[data-trace-id="${tree.traceId}"] .chip`, { hasText: 'processor' }).evaluate(computedBackground);
    assert.equal(chip, colors.processor);

    // Folding a subtree hides every span under it, and says how many.
    await page.goto(`${url}/trace/${recorded.nested}`);
    await page.locator('.span-row').first().waitFor();
    const row = (name: keyof Recorded['spans']) => page.locator(`.span-row[data-span-id="${recorded.spans[name]}"]`);
    await row('store').locator('.twisty').click();
    assert.deepEqual([await row('commit').isVisible(), await row('rpc').isVisible(), await row('long').isVisible()], [false, false, true]);
    assert.equal(await row('store').locator('.hidden-count').innerText(), '+2');
    assert.equal(await row('store').getAttribute('data-collapsed'), 'true');
    assert.equal(await page.locator('#span-detail').count(), 0, 'folding does not open the span');
    await row('root').locator('.twisty').click();
    assert.equal(await page.locator('.span-row:visible').count(), 1);
    await row('root').locator('.twisty').click();
    assert.deepEqual([await row('store').isVisible(), await row('commit').isVisible()], [true, false], 'the inner fold is remembered');
    await row('store').locator('.twisty').click();
    assert.equal(await row('rpc').isVisible(), true);

    // A long name is cut to one line; hovering its row shows all of it.
    const cut = (): Promise<{ cut: boolean; opRight: number; nameRight: number; text: string }> =>
      row('long').locator('.name').evaluate((n) => {
        const op = n.querySelector('.op');
        return { cut: n.scrollWidth > n.clientWidth, opRight: op?.getBoundingClientRect().right ?? Infinity, nameRight: n.getBoundingClientRect().right, text: op?.textContent ?? '' };
      });
    await page.mouse.move(0, 0);
    const before = await cut();
    assert.equal(before.text, LONG_NAME);
    assert.equal(before.cut, true, 'the name does not fit its column');
    await row('long').hover();
    const hovered = await cut();
    assert.equal(hovered.cut, false, 'hovered, the whole name is shown');
    assert.ok(hovered.opRight <= hovered.nameRight + 1, `the name ends inside its cell (${hovered.opRight} <= ${hovered.nameRight})`);
    assert.equal(await row('long').getAttribute('title'), `createOrder: ${LONG_NAME}`);
    await page.screenshot({ path: join(tmpdir(), 'viewer-fold-hover.png'), fullPage: true });
  });
});
