import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTrace } from '../../../scripts/load/checkTrace';
import type { JaegerSpanLike, JaegerTraceLike } from '../../../scripts/load/jaegerTrace';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT = 'c000000000000001';

function span(spanID: string, parent: string | undefined, name: string, start: number, duration: number, tags: Record<string, unknown>, processID = 'p1'): JaegerSpanLike {
  return {
    traceID: TRACE,
    spanID,
    operationName: name,
    references: parent ? [{ refType: 'CHILD_OF', traceID: TRACE, spanID: parent }] : [],
    processID,
    startTime: start,
    duration,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  };
}

// One order as the pipeline records it (times in µs).
const COMPLETE: JaegerTraceLike = {
  traceID: TRACE,
  processes: { p1: { serviceName: 'load-generator' }, p2: { serviceName: 'createOrder' }, p3: { serviceName: 'processOrder' } },
  spans: [
    span(CLIENT, undefined, 'POST', 1_000_000, 20_000, { 'span.kind': 'client', 'http.request.method': 'POST' }),
    span('5000000000000001', CLIENT, 'POST /', 1_001_000, 18_000, { 'span.kind': 'server' }, 'p2'),
    span('5000000000000002', '5000000000000001', 'create orders', 1_002_000, 5_000, { 'span.kind': 'client', 'db.system.name': 'gcp.firestore' }, 'p2'),
    span('5000000000000003', '5000000000000002', 'grpc.google.firestore.v1.Firestore/Commit', 1_003_000, 3_000, { 'span.kind': 'client', 'rpc.system': 'grpc' }, 'p2'),
    span('5000000000000004', '5000000000000001', 'send orders', 1_008_000, 5_000, { 'span.kind': 'producer', 'messaging.system': 'gcp_pubsub' }, 'p2'),
    span('5000000000000005', '5000000000000004', 'grpc.google.pubsub.v1.Publisher/Publish', 1_009_000, 3_000, { 'span.kind': 'client', 'rpc.system': 'grpc' }, 'p2'),
    span('7000000000000001', '5000000000000004', 'process orders', 1_030_000, 10_000, { 'span.kind': 'consumer', 'messaging.system': 'gcp_pubsub', 'orders.result': 'processed' }, 'p3'),
    span('7000000000000002', '7000000000000001', 'mark_processed orders', 1_031_000, 8_000, { 'span.kind': 'client', 'db.system.name': 'gcp.firestore' }, 'p3'),
    span('7000000000000003', '7000000000000002', 'grpc.google.firestore.v1.Firestore/Commit', 1_032_000, 2_000, { 'span.kind': 'client', 'rpc.system': 'grpc' }, 'p3'),
  ],
};
const EXPECT = { traceId: TRACE, clientSpanId: CLIENT };

function without(trace: JaegerTraceLike, ...spanIds: string[]): JaegerTraceLike {
  return { ...trace, spans: trace.spans.filter((s) => !spanIds.includes(s.spanID)) };
}
function replace(trace: JaegerTraceLike, spanId: string, change: Partial<JaegerSpanLike>): JaegerTraceLike {
  return { ...trace, spans: trace.spans.map((s) => (s.spanID === spanId ? { ...s, ...change } : s)) };
}

test('a complete trace passes, with end-to-end time and the process result', () => {
  const check = checkTrace(COMPLETE, EXPECT);
  assert.deepEqual({ ...check, spanTimes: undefined }, { complete: true, missing: [], endToEndMs: 40, processResult: 'processed', coldStarts: 0, spanTimes: undefined });
  assert.deepEqual(
    check.spanTimes,
    COMPLETE.spans.map((s) => ({ service: COMPLETE.processes?.[s.processID]?.serviceName ?? '', name: s.operationName, ms: s.duration / 1000 })),
    'every span with its duration, for the report',
  );
});

// The same order sent without trace headers through a front end: createOrder's SERVER span
// is the top, its parent (the front end's span) not in the trace; the first of its instance.
const FRONT_END_SPAN = 'f000000000000001';
const NO_CLIENT = replace(without(COMPLETE, CLIENT), '5000000000000001', {
  references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: FRONT_END_SPAN }],
  tags: [{ key: 'span.kind', value: 'server' }, { key: 'faas.coldstart', value: true }],
});

test('without trace headers: the SERVER span is the top (its parent may be absent); cold starts are counted', () => {
  const check = checkTrace(NO_CLIENT, { traceId: TRACE, clientSpanId: undefined });
  assert.deepEqual({ ...check, spanTimes: undefined }, { complete: true, missing: [], endToEndMs: 39, processResult: 'processed', coldStarts: 1, spanTimes: undefined });
  const rootServer = replace(NO_CLIENT, '5000000000000001', { references: [] });
  assert.equal(checkTrace(rootServer, { traceId: TRACE, clientSpanId: undefined }).complete, true, 'a root SERVER span too');
});

test('without trace headers: a second top (a span whose parent is missing) or no SERVER span at the top is incomplete', () => {
  const orphan = replace(NO_CLIENT, '7000000000000001', { references: [{ refType: 'CHILD_OF', traceID: TRACE, spanID: 'dead000000000001' }] });
  assert.match(checkTrace(orphan, { traceId: TRACE, clientSpanId: undefined }).missing.join('; '), /2 root spans/);
  const noServer = without(NO_CLIENT, '5000000000000001');
  assert.match(checkTrace(noServer, { traceId: TRACE, clientSpanId: undefined }).missing.join('; '), /createOrder SERVER span \(the top of the trace\)/);
});

test('a trace id Jaeger printed without leading zeros still matches', () => {
  const short = '00000000000000003ce929d0e0e4736a';
  const spans = COMPLETE.spans.map((s) => ({ ...s, traceID: '3ce929d0e0e4736a' }));
  assert.equal(checkTrace({ ...COMPLETE, spans }, { traceId: short, clientSpanId: CLIENT }).complete, true);
});

const broken: { name: string; trace: JaegerTraceLike | undefined; missing: RegExp[] }[] = [
  { name: 'no trace at all', trace: undefined, missing: [/trace not found/] },
  { name: 'missing consumer', trace: without(COMPLETE, '7000000000000001', '7000000000000002', '7000000000000003'), missing: [/CONSUMER/] },
  {
    name: 'consumer whose Firestore spans never arrived',
    trace: without(COMPLETE, '7000000000000002', '7000000000000003'),
    missing: [/processOrder Firestore CLIENT/, /processOrder gRPC/],
  },
  { name: 'missing client span: server is a root', trace: without(COMPLETE, CLIENT), missing: [/client span c000000000000001/, /orphan: span "POST \/"/] },
  {
    name: 'orphan parent',
    trace: replace(COMPLETE, '7000000000000002', { references: [{ refType: 'CHILD_OF', spanID: 'dead00000000beef' }] }),
    missing: [/orphan: span "mark_processed orders" \(7000000000000002\) has parent dead00000000beef/, /processOrder Firestore CLIENT/],
  },
  { name: 'wrong trace id', trace: replace(COMPLETE, '5000000000000004', { traceID: 'ffffffffffffffffffffffffffffffff' }), missing: [/span "send orders" .* has trace id ffff/] },
  { name: 'no producer', trace: without(COMPLETE, '5000000000000004', '5000000000000005', '7000000000000001', '7000000000000002', '7000000000000003'), missing: [/PRODUCER/] },
  {
    name: 'consumer started a new trace (second root)',
    trace: replace(COMPLETE, '7000000000000001', { references: [] }),
    missing: [/2 root spans/, /CONSUMER/],
  },
  { name: 'server with no Firestore span', trace: without(COMPLETE, '5000000000000002', '5000000000000003'), missing: [/createOrder Firestore CLIENT/] },
];
for (const c of broken) {
  test(`incomplete: ${c.name}`, () => {
    const result = checkTrace(c.trace, EXPECT);
    assert.equal(result.complete, false);
    for (const pattern of c.missing) assert.ok(result.missing.some((m) => pattern.test(m)), `${pattern} not in ${JSON.stringify(result.missing)}`);
  });
}
