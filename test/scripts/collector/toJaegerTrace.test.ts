import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StoredSpan } from '../../../scripts/collector/storedSpan';
import { jaegerTraceId, toJaegerTrace, type JaegerTrace } from '../../../scripts/collector/toJaegerTrace';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const base: Omit<StoredSpan, 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startTimeUnixNano' | 'endTimeUnixNano'> = {
  traceId: TRACE,
  traceState: '',
  flags: 0x101,
  attributes: [],
  events: [],
  links: [],
  status: { code: 0, message: '' },
  serviceName: 'api',
  resource: [{ key: 'host.name', type: 'string', value: 'box' }],
  scope: { name: 'lib', version: '' },
};

// Given out of order: the mapping sorts by start time.
const SPANS: StoredSpan[] = [
  {
    ...base,
    spanId: '00f067aa0ba902b8',
    parentSpanId: '00f067aa0ba902b7',
    name: 'work',
    kind: 5,
    startTimeUnixNano: '1700000000002000999',
    endTimeUnixNano: '1700000000005000000',
    attributes: [{ key: 'attempt', type: 'int64', value: 1 }],
    events: [{ timeUnixNano: '1700000000003000000', name: 'retry', attributes: [{ key: 'why', type: 'string', value: 'busy' }] }],
    links: [{ traceId: '0000000000000000a3ce929d0e0e4736', spanId: '1111111111111111', traceState: '', attributes: [] }],
    status: { code: 2, message: 'boom' },
    traceState: 'k=v',
    serviceName: 'worker',
    resource: [],
  },
  { ...base, spanId: '00f067aa0ba902b7', parentSpanId: '', name: 'GET /', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000010000000', status: { code: 1, message: '' } },
];

const EXPECTED: JaegerTrace = {
  traceID: TRACE,
  processes: {
    p1: { serviceName: 'api', tags: [{ key: 'host.name', type: 'string', value: 'box' }] },
    p2: { serviceName: 'worker', tags: [] },
  },
  warnings: null,
  spans: [
    {
      traceID: TRACE,
      spanID: '00f067aa0ba902b7',
      flags: 1,
      operationName: 'GET /',
      references: [],
      startTime: 1700000000000000,
      duration: 10000,
      tags: [
        { key: 'otel.scope.name', type: 'string', value: 'lib' },
        { key: 'span.kind', type: 'string', value: 'server' },
        { key: 'otel.status_code', type: 'string', value: 'OK' },
      ],
      logs: [],
      processID: 'p1',
      warnings: null,
    },
    {
      traceID: TRACE,
      spanID: '00f067aa0ba902b8',
      flags: 1,
      operationName: 'work',
      references: [
        { refType: 'CHILD_OF', traceID: TRACE, spanID: '00f067aa0ba902b7' },
        { refType: 'FOLLOWS_FROM', traceID: 'a3ce929d0e0e4736', spanID: '1111111111111111' },
      ],
      startTime: 1700000000002000,
      duration: 3000,
      tags: [
        { key: 'attempt', type: 'int64', value: 1 },
        { key: 'otel.scope.name', type: 'string', value: 'lib' },
        { key: 'span.kind', type: 'string', value: 'consumer' },
        { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        { key: 'error', type: 'bool', value: true },
        { key: 'otel.status_description', type: 'string', value: 'boom' },
        { key: 'w3c.tracestate', type: 'string', value: 'k=v' },
      ],
      logs: [
        {
          timestamp: 1700000000003000,
          fields: [
            { key: 'event', type: 'string', value: 'retry' },
            { key: 'why', type: 'string', value: 'busy' },
          ],
        },
      ],
      processID: 'p2',
      warnings: null,
    },
  ],
};

void describe('toJaegerTrace', () => {
  void it('maps stored spans to Jaeger UI JSON', () => {
    assert.deepStrictEqual(toJaegerTrace(SPANS), EXPECTED);
  });

  void it('prints a trace id with a zero high half as 16 hex digits, as Jaeger does', () => {
    assert.equal(jaegerTraceId('0000000000000000a3ce929d0e0e4736'), 'a3ce929d0e0e4736');
    assert.equal(jaegerTraceId(TRACE), TRACE);
  });
});
