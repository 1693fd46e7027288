/**
 * No order contents in telemetry: orders with recognisable SKUs and prices go through
 * the whole local stack (both functions as functions-framework processes), and every
 * span the collector received (name, attributes, events, links, resource, status) and
 * every line either function printed is scanned for them. Ids, counts and totals may
 * appear; SKUs and unit prices may not. Bad requests carrying the same kind of values
 * are sent too: their refusals must not copy the values into telemetry either.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { startCollector } from '../../scripts/collector/startCollector';
import { FREE_PORT_ARGS, parseStackOptions } from '../../scripts/stack/parseStackOptions';
import { startStack } from '../../scripts/stack/startStack';
import type { Stack } from '../../scripts/stack/startStack';

process.env.METADATA_SERVER_DETECTION ??= 'none';

const PROJECT = 'demo-privacy';
const ORDERS = 50;
const CONCURRENCY = 5;
const WAIT_MS = 60_000;
// Recognisable: nothing else in a span or log line looks like these. Quantity 2 keeps
// the total (allowed) different from the unit price (not allowed).
const sku = (n: number) => `SKU-SECRET-${String(n).padStart(3, '0')}`;
const unitPrice = (n: number) => Number((7777 + n / 100).toFixed(2)); // 7777.01 … 7777.50
const SECRETS: readonly RegExp[] = [/SKU-SECRET/i, /7777\.\d/, /SECRET-NOTE/i];

const order = (n: number) => ({ customerId: `cust-${n}`, items: [{ sku: sku(n), quantity: 2, unitPrice: unitPrice(n) }], currency: 'EUR' });

/** Bad requests that carry order contents; the response may name the field, telemetry may not. */
const BAD_BODIES: readonly string[] = [
  JSON.stringify({ ...order(901), items: [{ sku: 'SKU-SECRET 901', quantity: 2, unitPrice: 7777.9 }] }),
  JSON.stringify({ ...order(902), note: 'SECRET-NOTE' }),
  JSON.stringify({ ...order(903), items: [{ sku: sku(903), quantity: 2, unitPrice: 7777.999 }] }),
  JSON.stringify({ ...order(904), 'SKU-SECRET-KEY': 1 }),
  `{"customerId":"c-1","items":[{"sku":"SKU-SECRET-905","quantity":2,"unitPrice":7777.05}],"currency":"EUR"`,
  `{"customerId":"c-1","items":[{"sku":"SKU-SECRET-906","quantity":2,"unitPrice":NaN}],"currency":"EUR"}`,
  `{"note":"SECRET-NOTE-${'x'.repeat(70 * 1024)}"}`,
];

void describe('telemetry carries no order contents', () => {
  let stack: Stack;
  let db: Firestore;
  let dir: string;
  let spanFile: string;
  const lines: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'privacy-'));
    spanFile = path.join(dir, 'spans.jsonl');
    const options = parseStackOptions([...FREE_PORT_ARGS, '--emulators=bundled'], { GOOGLE_CLOUD_PROJECT: PROJECT });
    // The collector in this process, writing every span it receives to a file.
    stack = await startStack(options, { log: (line) => lines.push(line), startCollector: (o) => startCollector({ ...o, file: spanFile }) });
    const [host, port] = stack.urls.firestore.split(':');
    db = new Firestore({ projectId: PROJECT, host, port: Number(port), ssl: false });
  });

  after(async () => {
    await db?.terminate();
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void it(`${ORDERS} orders and ${BAD_BODIES.length} bad requests leave no SKU or unit price in any span or log line`, async (t) => {
    const post = (body: string) => fetch(stack.urls.createOrder, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const orderIds: string[] = [];
    for (let start = 0; start < ORDERS; start += CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONCURRENCY, ORDERS - start) }, (_, i) => start + i + 1);
      for (const res of await Promise.all(batch.map((n) => post(JSON.stringify(order(n)))))) {
        const body = (await res.json()) as { orderId?: string };
        assert.equal(res.status, 202, JSON.stringify(body));
        orderIds.push(body.orderId!);
      }
    }
    for (const body of BAD_BODIES) {
      const res = await post(body);
      assert.ok(res.status >= 400 && res.status < 500, `bad request answered ${res.status}`);
      await res.arrayBuffer();
    }
    // Every order processed: processOrder ran, logged and exported for each.
    const deadline = Date.now() + WAIT_MS;
    let pending = orderIds;
    while (pending.length > 0 && Date.now() < deadline) {
      const statuses = await Promise.all(pending.map(async (id) => [id, (await db.collection('orders').doc(id).get()).get('status')] as const));
      pending = statuses.filter(([, status]) => status !== 'processed').map(([id]) => id);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(pending, [], 'every order was processed');
    // The functions flush before answering; closing stops them (SIGTERM: a last flush) and then the collector.
    await stack.close();

    const spans = (await readFile(spanFile, 'utf8')).split('\n').filter(Boolean);
    const functionLines = lines.filter((line) => /^\[(createOrder|processOrder)\] /.test(line));
    const services = new Map<string, number>();
    for (const span of spans) {
      const name = (JSON.parse(span) as { serviceName: string }).serviceName;
      services.set(name, (services.get(name) ?? 0) + 1);
    }
    t.diagnostic(`scanned ${spans.length} spans (${[...services].map(([s, n]) => `${s} ${n}`).join(', ')}) and ${functionLines.length} log lines`);
    // The scan is only worth something if the telemetry is there.
    assert.ok((services.get('createOrder') ?? 0) >= ORDERS + BAD_BODIES.length, 'a createOrder span per request');
    assert.ok((services.get('processOrder') ?? 0) >= ORDERS, 'a processOrder span per order');
    assert.ok(functionLines.filter((l) => l.includes('"order accepted"')).length >= ORDERS, 'createOrder logged each order');
    assert.ok(functionLines.filter((l) => l.includes('"order processed"')).length >= ORDERS, 'processOrder logged each order');
    // Ids, counts and totals are allowed: the order ids are there.
    assert.ok(spans.some((s) => s.includes(orderIds[0]!)), 'order ids appear in spans');

    const leaks = [...spans.map((s) => `span ${s}`), ...functionLines.map((l) => `log ${l}`)].filter((text) => SECRETS.some((secret) => secret.test(text)));
    assert.deepEqual(leaks.map((l) => l.slice(0, 400)), [], 'no SKU, unit price or free text from an order in telemetry');
  });
});
