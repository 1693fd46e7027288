import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderExportRequests } from '../../../scripts/bench/orderExportRequests';
import { decodeProtobufRequest } from '../../../scripts/collector/decodeProtobufRequest';
import { normalizeExportRequest } from '../../../scripts/collector/normalizeExportRequest';
import { otlpTypes } from '../../../scripts/collector/otlpSchema';

/** The schema path the direct decoder replaces: decode, toObject, normalize. */
function viaSchema(body: Uint8Array): ReturnType<typeof normalizeExportRequest> {
  return normalizeExportRequest(otlpTypes.exportRequest.toObject(otlpTypes.exportRequest.decode(body), { longs: String }));
}

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const TRACE = hex('0af7651916cd43dd8448eb211c80319c');
const SPAN = hex('b7ad6b7169203331');
const encode = (request: Record<string, unknown>): Uint8Array => otlpTypes.exportRequest.encode(otlpTypes.exportRequest.fromObject(request)).finish();
const span = (extra: Record<string, unknown>) => ({ traceId: TRACE, spanId: SPAN, name: 's', kind: 2, startTimeUnixNano: '1764500000123456789', endTimeUnixNano: '1764500000223456789', ...extra });
const request = (spans: unknown[], resource: unknown = { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }) => ({
  resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'lib', version: '1.2.3' }, spans }] }],
});

const cases: { name: string; body: Uint8Array }[] = [
  { name: "an order's two real exports (createOrder, processOrder)", body: orderExportRequests(1)[0]! },
  { name: 'processOrder export', body: orderExportRequests(1)[1]! },
  {
    name: 'every value type, arrays and maps, events, links, status, flags, trace state',
    body: encode(
      request([
        span({
          traceState: 'k=v',
          flags: 257,
          parentSpanId: hex('00f067aa0ba902b7'),
          attributes: [
            { key: 's', value: { stringValue: 'x' } },
            { key: 'b', value: { boolValue: true } },
            { key: 'f', value: { boolValue: false } },
            { key: 'i', value: { intValue: '-42' } },
            { key: 'big', value: { intValue: '9223372036854775807' } },
            { key: 'd', value: { doubleValue: 1.5 } },
            { key: 'bytes', value: { bytesValue: Buffer.from('hi') } },
            { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }, { arrayValue: { values: [{ boolValue: true }] } }, {}] } } },
            { key: 'map', value: { kvlistValue: { values: [{ key: 'k', value: { doubleValue: 2.5 } }, { key: 'n', value: { kvlistValue: { values: [] } } }] } } },
            { key: 'empty', value: {} },
            { key: 'none' },
          ],
          events: [{ timeUnixNano: '1764500000200000000', name: 'e', attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }] }, { name: 'no time' }],
          links: [
            { traceId: TRACE, spanId: hex('00f067aa0ba902b7'), traceState: 'a=b', attributes: [{ key: 'kind', value: { stringValue: 'caller' } }] },
            { traceId: hex('00'), spanId: SPAN },
          ],
          status: { code: 2, message: 'failed' },
        }),
      ]),
    ),
  },
  {
    name: 'invalid ids are rejected span by span and counted',
    body: encode(request([span({}), span({ traceId: Buffer.alloc(16) }), span({ spanId: hex('0102') }), span({ parentSpanId: hex('01') })])),
  },
  { name: 'no resource: unknown_service', body: encode(request([span({})], undefined)) },
  { name: 'an empty request', body: new Uint8Array(0) },
];
for (const c of cases) {
  test(`the same spans as the schema path: ${c.name}`, () => {
    assert.deepStrictEqual(decodeProtobufRequest(c.body), viaSchema(c.body));
  });
}

test('resource and scope sent after the spans still name every span', () => {
  // scope_spans (2) before resource (1), spans (2) before scope (1): legal protobuf field order.
  const spanBytes = otlpTypes.exportRequest.lookupType('Span').encode(span({})).finish();
  const scopeBytes = otlpTypes.exportRequest.lookupType('InstrumentationScope').encode({ name: 'late', version: '9' }).finish();
  const resourceBytes = otlpTypes.exportRequest.lookupType('Resource').encode({ attributes: [{ key: 'service.name', value: { stringValue: 'late-svc' } }] }).finish();
  const field = (n: number, bytes: Uint8Array): Buffer => Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
  const scopeSpans = Buffer.concat([field(2, spanBytes), field(1, scopeBytes)]);
  const resourceSpans = Buffer.concat([field(2, scopeSpans), field(1, resourceBytes)]);
  const result = decodeProtobufRequest(field(1, resourceSpans));
  assert.ok(result.ok);
  assert.deepEqual(
    result.spans.map((s) => [s.serviceName, s.scope.name, s.scope.version]),
    [['late-svc', 'late', '9']],
  );
});

for (const [name, body] of [
  ['truncated', orderExportRequests(1)[0]!.subarray(0, 100)],
  ['not protobuf', Buffer.from('{"resourceSpans": []}')],
  ['a known field with the wrong wire type', Buffer.from([0x0a, 0x02, 0x10, 0x01])],
] as const) {
  test(`a malformed body is refused as a whole, never thrown: ${name}`, () => {
    const result = decodeProtobufRequest(body);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.error, /^cannot decode protobuf ExportTraceServiceRequest: /);
  });
}
