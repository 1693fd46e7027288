/**
 * The third party's functions as real functions-framework processes, exporting OTLP
 * (HTTP/protobuf, the default; HTTP/JSON and gRPC below) to this repository's local collector (scripts/collector, the real wire protocol).
 * The moment the client has the response, the collector must already hold the server
 * span, as the child of the caller's span: "flushed before the response leaves" over a
 * real network exporter, not only an in-memory one.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCollector } from '../../../scripts/collector/startCollector';
import type { Collector } from '../../../scripts/collector/startCollector';
import { startThirdPartyFunction } from './support/startThirdPartyFunction';
import type { ThirdPartyFunction } from './support/startThirdPartyFunction';

interface JaegerSpan {
  readonly spanID: string;
  readonly operationName: string;
  readonly references: readonly { readonly refType: string; readonly spanID: string }[];
  readonly tags: readonly { readonly key: string; readonly value: unknown }[];
}

let collector: Collector;
const running: ThirdPartyFunction[] = [];

before(async () => {
  collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => undefined });
});

after(async () => {
  await Promise.all(running.map((fn) => fn.child.stop(5000)));
  await collector?.close();
});

/** The spans of `traceId` the collector holds right now (none: an empty list). */
async function storedSpans(traceId: string): Promise<JaegerSpan[]> {
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  if (response.status === 404) return [];
  const body = (await response.json()) as { data: { spans: JaegerSpan[] }[] };
  return body.data.flatMap((t) => t.spans);
}

const cases: ReadonlyArray<{ target: string; status: number; traceId: string }> = [
  { target: 'helloSend', status: 200, traceId: '11111111111111111111111111111111' },
  { target: 'helloStream', status: 200, traceId: '22222222222222222222222222222222' },
  { target: 'throws', status: 500, traceId: '33333333333333333333333333333333' },
  { target: 'leavesSpanOpen', status: 200, traceId: '44444444444444444444444444444444' },
];
const CALLER_SPAN_ID = 'cccccccccccccccc';

for (const { target, status, traceId } of cases) {
  test(`${target}: the server span is in the collector, under the caller's span, when the response arrives`, async () => {
    // A deadline far above any export here: the response waits for the real export, not a timeout.
    const fn = await startThirdPartyFunction(target, `http://127.0.0.1:${collector.httpPort}`, { FLUSH_TIMEOUT_MS: '15000' });
    running.push(fn);
    const response = await fetch(fn.url, { headers: { traceparent: `00-${traceId}-${CALLER_SPAN_ID}-01` } });
    await response.arrayBuffer();
    const spans = await storedSpans(traceId);
    assert.equal(response.status, status);
    const server = spans.find((s) => s.operationName === 'GET /');
    assert.ok(server, `server span stored by the time the client has the response (stored: ${spans.map((s) => s.operationName).join(', ') || 'none'})`);
    assert.deepEqual(server.references.map((r) => [r.refType, r.spanID]), [['CHILD_OF', CALLER_SPAN_ID]]);
    if (target === 'leavesSpanOpen') {
      const forgotten = spans.find((s) => s.operationName === 'forgotten work');
      assert.ok(forgotten, 'the span left open was ended and exported too');
      assert.deepEqual(forgotten.references.map((r) => r.spanID), [server.spanID]);
    }
  });
}

// Every OTLP transport the library offers delivers before the response leaves, not only the default.
const protocols: ReadonlyArray<{ protocol: string; traceId: string; port: () => number }> = [
  { protocol: 'http/json', traceId: '55555555555555555555555555555555', port: () => collector.httpPort },
  { protocol: 'grpc', traceId: '66666666666666666666666666666666', port: () => collector.grpcPort },
];
for (const { protocol, traceId, port } of protocols) {
  test(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: the server span is in the collector when the response arrives`, async () => {
    const fn = await startThirdPartyFunction('helloSend', `http://127.0.0.1:${port()}`, { FLUSH_TIMEOUT_MS: '15000', OTEL_EXPORTER_OTLP_PROTOCOL: protocol });
    running.push(fn);
    const response = await fetch(fn.url, { headers: { traceparent: `00-${traceId}-${CALLER_SPAN_ID}-01` } });
    await response.arrayBuffer();
    const spans = await storedSpans(traceId);
    assert.deepEqual(spans.map((s) => s.operationName), ['GET /'], `stored: ${spans.map((s) => s.operationName).join(', ') || 'none'}`);
  });
}
