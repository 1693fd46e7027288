import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummary } from '../../../scripts/load/formatSummary';
import { renderHtmlReport } from '../../../scripts/load/renderHtmlReport';
import type { OrderResult } from '../../../scripts/load/sendOrder';
import { summarizeLoad } from '../../../scripts/load/summarizeLoad';
import type { OrderVerification } from '../../../scripts/load/verifyOrders';

function result(index: number, latencyMs: number, error?: OrderResult['error']): OrderResult {
  return {
    index,
    startedAt: 0,
    latencyMs,
    status: error ? 503 : 202,
    error,
    message: undefined,
    orderId: error ? undefined : `o-${index}`,
    traceId: `${String(index).padStart(32, '0')}`,
    clientSpanId: 'c'.repeat(16),
  };
}
function verified(index: number, complete: boolean, processed = complete): OrderVerification {
  return {
    orderId: `o-${index}`,
    traceId: String(index).padStart(32, '0'),
    check: { complete, missing: complete ? [] : ['processOrder CONSUMER span (child of the PRODUCER span)'], endToEndMs: complete ? 100 + index : undefined, processResult: undefined },
    processed,
  };
}

const RESULTS = [result(1, 10), result(2, 20), result(3, 30), result(4, 40, 'http 503'), result(5, 50, 'timeout')];
const BASE = { target: 'http://127.0.0.1:8080/', traces: 'http://127.0.0.1:16686', startedAt: 0, endedAt: 2000, results: RESULTS, processedFrom: 'firestore' as const };

test('figures: errors by kind, rate, throughput, latency, end-to-end, verification', () => {
  const s = summarizeLoad({ ...BASE, verifications: [verified(1, true), verified(2, true), verified(3, false)], maxErrorRate: 0.5 });
  assert.deepEqual(s.errors, { 'http 503': 1, timeout: 1 });
  assert.equal(s.requests, 5);
  assert.equal(s.accepted, 3);
  assert.equal(s.errorRate, 0.4);
  assert.equal(s.throughput, 2.5);
  assert.equal(s.latencyMs.p50, 30);
  assert.equal(s.latencyMs.max, 50);
  assert.equal(s.endToEndMs.count, 2);
  assert.equal(s.verification.complete, 2);
  assert.equal(s.verification.brokenCount, 1);
  assert.deepEqual(s.verification.broken[0], { traceId: String(3).padStart(32, '0'), orderId: 'o-3', missing: ['processOrder CONSUMER span (child of the PRODUCER span)'] });
  assert.equal(s.sample[0]!.orderId, 'o-3', 'broken orders are listed first');
  assert.equal(s.ok, false);
});

test('ok only when errors are within the limit and every order is complete and processed', () => {
  const all = [verified(1, true), verified(2, true), verified(3, true)];
  assert.equal(summarizeLoad({ ...BASE, verifications: all, maxErrorRate: 0.4 }).ok, true);
  assert.equal(summarizeLoad({ ...BASE, verifications: all, maxErrorRate: 0.39 }).ok, false);
  assert.equal(summarizeLoad({ ...BASE, verifications: [...all.slice(1), verified(1, true, false)], maxErrorRate: 1 }).ok, false);
});

test('text table names the broken traces and what they lack', () => {
  const text = formatSummary(summarizeLoad({ ...BASE, verifications: [verified(1, true), verified(3, false)], maxErrorRate: 0 }));
  assert.match(text, /traces complete\s+1\/2/);
  assert.match(text, /http 503: 1/);
  assert.match(text, /0{31}3 {2}order o-3: processOrder CONSUMER span/);
  assert.match(text, /result: FAILED/);
});

test('HTML report is self-contained: charts over time, both histograms, span times, the slowest and every failure linked', () => {
  const html = renderHtmlReport(summarizeLoad({ ...BASE, verifications: [verified(1, true), verified(3, false)], maxErrorRate: 0 }));
  assert.match(html, /^<!doctype html>/);
  for (const chart of ['latency over time', 'throughput over time', 'request latency histogram', 'end-to-end latency histogram']) {
    assert.match(html, new RegExp(`<svg [^>]*aria-label="${chart}"`));
  }
  assert.equal((html.match(/<rect /g) ?? []).length > 0, true);
  assert.ok(html.includes(`href="http://127.0.0.1:16686/trace/${'0'.repeat(31)}3"`));
  assert.ok(html.includes(`href="http://127.0.0.1:16686/api/traces/${'0'.repeat(31)}1"`));
  const slowest = /<table id="slowest">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  assert.deepEqual([...slowest.matchAll(/<code>(o-\d)<\/code>/g)].map((m) => m[1]), ['o-3', 'o-2', 'o-1'], 'slowest first');
  const failures = /<table id="failures">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  assert.ok(failures.includes(`/trace/${'0'.repeat(31)}4"`) && failures.includes(`/trace/${'0'.repeat(31)}5"`), 'both failures linked');
  assert.match(html, /Failed requests \(all 2\)/);
  assert.doesNotMatch(html, /<script|https?:\/\/(?!127\.0\.0\.1|www\.w3\.org)/);
});

test('slowest N, every failure, timeline and span times', () => {
  const results = [result(1, 10), result(2, 200), result(3, 30), result(4, 40, 'http 503')].map((r, i) => ({ ...r, startedAt: i * 1000 }));
  const verifications = [1, 2, 3].map((i) => ({ ...verified(i, true), check: { ...verified(i, true).check, spanTimes: [{ service: 'createOrder', name: 'POST /', ms: i * 10 }, { service: 'createOrder', name: 'send orders', ms: 1 }] } }));
  const s = summarizeLoad({ ...BASE, results, startedAt: 0, endedAt: 4000, verifications, maxErrorRate: 1, slowestCount: 2 });
  assert.deepEqual(s.slowest.map((o) => [o.orderId, o.latencyMs, o.endToEndMs]), [['o-2', 200, 102], ['o-3', 30, 103]]);
  assert.deepEqual(s.failures.map((f) => [f.index, f.error]), [[4, 'http 503']]);
  assert.equal(s.timeline.length, 4);
  assert.deepEqual(s.timeline.map((p) => [p.atS, p.answeredPerS, p.errorsPerS]), [[0, 1, 0], [1, 1, 0], [2, 1, 0], [3, 1, 1]]);
  assert.deepEqual(s.timeline.map((p) => p.p50Ms), [10, 200, 30, 40]);
  assert.deepEqual(s.spanTimes.map((t) => [t.name, t.count, t.p50Ms, t.p99Ms]), [['POST /', 3, 20, 30], ['send orders', 3, 1, 1]]);
  const tail = summarizeLoad({ ...BASE, results, startedAt: 0, endedAt: 4200, verifications, maxErrorRate: 1 }).timeline;
  assert.deepEqual(tail.map((p) => [p.atS, Math.round(p.answeredPerS * 100) / 100]), [[0, 1], [1, 1], [2, 1], [3, 0.83]], 'a 0.2 s tail joins the last interval');
  assert.deepEqual(s.endToEndHistogram.reduce((n, b) => n + b.count, 0), 3);
});

test('span times are per service and span name; the table names the service and its bars have a legend', () => {
  const spanTimes = [
    { service: 'load-generator', name: 'POST', ms: 30 },
    { service: 'createOrder', name: 'POST /', ms: 20 },
    { service: 'createOrder', name: 'POST', ms: 5 }, // an outgoing call that happens to share the client's name
  ];
  const verifications = [1, 2].map((i) => ({ ...verified(i, true), check: { ...verified(i, true).check, spanTimes } }));
  const s = summarizeLoad({ ...BASE, verifications, maxErrorRate: 1 });
  assert.deepEqual(s.spanTimes.map((t) => [t.service, t.name, t.count]), [['load-generator', 'POST', 2], ['createOrder', 'POST /', 2], ['createOrder', 'POST', 2]]);
  const html = renderHtmlReport(s);
  const table = /<table id="span-times">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  assert.match(table, /<th>service<\/th><th>span name<\/th>/);
  const rows = [...table.matchAll(/<tr><td>([^<]*)<\/td><td><code>([^<]*)<\/code>/g)].map((m) => [m[1], m[2]]);
  assert.deepEqual(rows, [['load-generator', 'POST'], ['createOrder', 'POST /'], ['createOrder', 'POST']]);
  const legend = /<p class="legend" id="span-legend">(.*?)<\/p>/.exec(html)?.[1] ?? '';
  assert.match(legend, /background:#4a7bd0"><\/span>p50/);
  assert.match(legend, /background:#d9822b"><\/span>p99/);
  assert.match(table, /background:#4a7bd0"><\/span><br><span class="bar" style="width:\d+px;background:#d9822b"/, 'the bars use the legend\'s colours, p50 first');
});

test('HTML escapes what it prints', () => {
  const s = summarizeLoad({ ...BASE, target: 'http://127.0.0.1/<x>', verifications: [], maxErrorRate: 0 });
  assert.ok(renderHtmlReport(s).includes('http://127.0.0.1/&lt;x&gt;'));
});

test('the platform comes from the front end header (none without it) and cold starts from faas.coldstart spans', () => {
  const viaFrontEnd = RESULTS.map((r) => ({ ...r, platform: 'cloud-run; billing=request' }));
  const cold = (index: number, coldStarts: number): OrderVerification => {
    const v = verified(index, true);
    return { ...v, check: { ...v.check, coldStarts } };
  };
  const s = summarizeLoad({ ...BASE, results: viaFrontEnd, verifications: [cold(1, 2), cold(2, 0), cold(3, 1)], maxErrorRate: 1 });
  assert.equal(s.platform, 'cloud-run; billing=request');
  assert.equal(s.coldStarts, 3);
  assert.match(formatSummary(s), /platform +cloud-run; billing=request\n/);
  assert.match(formatSummary(s), /cold starts +3 /);
  assert.equal(summarizeLoad({ ...BASE, verifications: [], maxErrorRate: 1 }).platform, 'none');
  const mixed = summarizeLoad({ ...BASE, results: [...RESULTS.slice(0, 2), ...viaFrontEnd.slice(2)], verifications: [], maxErrorRate: 1 });
  assert.equal(mixed.platform, 'none, cloud-run; billing=request', 'a change during the run shows');
});
