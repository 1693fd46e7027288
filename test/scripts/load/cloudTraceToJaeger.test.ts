import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkTrace } from '../../../scripts/load/checkTrace';
import type { CloudTraceSpan, CloudTraceTrace } from '../../../scripts/load/cloudTraceToJaeger';
import { cloudTraceToJaeger, hexSpanId } from '../../../scripts/load/cloudTraceToJaeger';

const TRACE_ID = '382d4f4c6b7bb2f4a972559d9085001d';

// One order's trace as Cloud Trace v1 answers it: decimal ids, string labels, v1 kinds
// (producer and consumer come back unspecified), nanosecond RFC 3339 times.
const span = (id: bigint, parent: bigint | undefined, kind: CloudTraceSpan['kind'], name: string, service: string, labels: Record<string, string> = {}): CloudTraceSpan => ({
  spanId: id.toString(),
  kind,
  name,
  startTime: '2026-12-07T00:00:01.000100200Z',
  endTime: '2026-12-07T00:00:01.250100999Z',
  ...(parent === undefined ? {} : { parentSpanId: parent.toString() }),
  labels: { 'service.name': service, ...labels },
});
const ORDER: CloudTraceTrace = {
  projectId: 'p',
  traceId: TRACE_ID,
  spans: [
    span(0x1n, undefined, 'RPC_CLIENT', 'POST', 'load-generator'),
    span(0x2n, 0x1n, 'RPC_SERVER', 'POST /', 'createOrder', { 'faas.coldstart': 'true' }),
    span(0x3n, 0x2n, 'RPC_CLIENT', 'DocumentReference.Create', 'createOrder', { 'db.system.name': 'firestore' }),
    span(0x4n, 0x3n, 'RPC_CLIENT', 'google.firestore.v1.Firestore/Commit', 'createOrder', { 'rpc.system': 'grpc' }),
    span(0x5n, 0x2n, 'SPAN_KIND_UNSPECIFIED', 'send orders', 'createOrder', { 'messaging.system': 'gcp_pubsub', 'messaging.operation.type': 'send' }),
    span(0xfedcba9876543210n, 0x5n, 'SPAN_KIND_UNSPECIFIED', 'process orders', 'processOrder', { 'messaging.operation.type': 'process', 'orders.result': 'processed' }),
    span(0x7n, 0xfedcba9876543210n, 'RPC_CLIENT', 'DocumentReference.Update', 'processOrder', { 'db.system.name': 'firestore' }),
    span(0x8n, 0x7n, 'RPC_CLIENT', 'google.firestore.v1.Firestore/Commit', 'processOrder', { 'rpc.system': 'grpc' }),
  ],
};

test('maps one v1 span onto the Jaeger shape: hex ids, CHILD_OF, µs times, typed tags, span.kind, service', () => {
  const trace = cloudTraceToJaeger({ traceId: TRACE_ID.toUpperCase(), spans: [ORDER.spans![1]!] });
  assert.deepStrictEqual(trace, {
    traceID: TRACE_ID,
    processes: { 'p-createOrder': { serviceName: 'createOrder' } },
    spans: [
      {
        traceID: TRACE_ID,
        spanID: '0000000000000002',
        operationName: 'POST /',
        references: [{ refType: 'CHILD_OF', traceID: TRACE_ID, spanID: '0000000000000001' }],
        processID: 'p-createOrder',
        startTime: Date.parse('2026-12-07T00:00:01Z') * 1000 + 100,
        duration: 250_000,
        tags: [
          { key: 'service.name', value: 'createOrder' },
          { key: 'faas.coldstart', value: true },
          { key: 'span.kind', value: 'server' },
        ],
      },
    ],
  });
});

test('a whole order read from Cloud Trace passes checkTrace; without its consumer span it does not', () => {
  const whole = checkTrace(cloudTraceToJaeger(ORDER), { traceId: TRACE_ID, clientSpanId: '0000000000000001' });
  assert.deepEqual(whole.missing, []);
  assert.equal(whole.processResult, 'processed');
  assert.equal(whole.coldStarts, 1);
  assert.equal(whole.endToEndMs, 250);

  const lost = checkTrace(cloudTraceToJaeger({ ...ORDER, spans: ORDER.spans!.filter((s) => s.name !== 'process orders') }), { traceId: TRACE_ID, clientSpanId: '0000000000000001' });
  assert.equal(lost.complete, false);
  assert.ok(lost.missing.includes('processOrder CONSUMER span (child of the PRODUCER span)'), lost.missing.join('; '));
});

test('root spans: no parentSpanId, or 0', () => {
  const trace = cloudTraceToJaeger({ traceId: TRACE_ID, spans: [{ spanId: '9', parentSpanId: '0' }, { spanId: '10' }] });
  assert.deepEqual(
    trace.spans.map((s) => s.references),
    [[], []],
  );
  assert.deepEqual(
    trace.spans.map((s) => [s.operationName, s.startTime, s.duration, trace.processes?.[s.processID]?.serviceName]),
    [
      ['', 0, 0, ''],
      ['', 0, 0, ''],
    ],
  );
});

test('service name falls back to the monitored-resource labels the Cloud Trace exporter writes', () => {
  const labelSets: Record<string, string>[] = [{ 'g.co/r/generic_task/job': 'createOrder' }, { 'g.co/r/cloud_run_revision/service_name': 'create-order' }];
  const names = labelSets.map(
    (labels) => cloudTraceToJaeger({ traceId: TRACE_ID, spans: [{ spanId: '1', labels }] }).processes?.['p-' + Object.values(labels)[0]]?.serviceName,
  );
  assert.deepEqual(names, ['createOrder', 'create-order']);
});

test('hexSpanId: uint64 decimal to 16 hex; anything else unchanged', () => {
  assert.equal(hexSpanId('2205310701640571284'), '1e9ad6661ea75994');
  assert.equal(hexSpanId('18446744073709551615'), 'ffffffffffffffff');
  assert.equal(hexSpanId('1'), '0000000000000001');
  assert.equal(hexSpanId('18446744073709551616'), '18446744073709551616');
  assert.equal(hexSpanId('abc'), 'abc');
});
