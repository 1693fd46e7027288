import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { otlpTypes } from '../../../scripts/collector/otlpSchema';
import { startCollector, type Collector } from '../../../scripts/collector/startCollector';
import { recordSpanTree, type SpanTree } from './recordSpanTree';

/** Keeps finished spans (InMemorySpanExporter forgets them on shutdown). */
function collectingExporter(into: ReadableSpan[]): SpanExporter {
  return {
    export(spans, done) {
      into.push(...spans);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

async function recordSpans(): Promise<{ tree: SpanTree; spans: ReadableSpan[] }> {
  const spans: ReadableSpan[] = [];
  const tree = await recordSpanTree(collectingExporter(spans), collectingExporter(spans));
  return { tree, spans };
}

async function post(collector: Collector, body: Uint8Array | string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; type: string }> {
  const response = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`, { method: 'POST', body, headers });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()), type: response.headers.get('content-type') ?? '' };
}

async function spanCount(collector: Collector, traceId: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
  if (response.status !== 200) return 0;
  const body = (await response.json()) as { data: { spans: unknown[] }[] };
  return body.data[0]?.spans.length ?? 0;
}

function grpcExport(collector: Collector, payload: Buffer): Promise<grpc.ServiceError | null> {
  const client = new grpc.Client(`127.0.0.1:${collector.grpcPort}`, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      (b: Buffer) => b,
      (b: Buffer) => b,
      payload,
      (error) => {
        client.close();
        resolve(error);
      },
    );
  });
}

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };

void describe('OTLP receivers', () => {
  let collector: Collector;
  let first: SpanTree;

  before(async () => {
    collector = await startCollector({ grpcPort: 0, httpPort: 0, queryPort: 0, log: () => {} });
    const { tree, spans } = await recordSpans();
    first = tree;
    const reply = await post(collector, ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array(), PROTOBUF);
    assert.equal(reply.status, 200);
  });

  after(() => collector.close());

  void it('accepts OTLP/HTTP protobuf and answers an empty protobuf ExportTraceServiceResponse', async () => {
    assert.equal(await spanCount(collector, first.traceId), 3);
    assert.equal(await spanCount(collector, first.tickTraceId), 1);
    const reply = await post(collector, new Uint8Array(), PROTOBUF);
    assert.equal(reply.status, 200);
    assert.equal(reply.type, 'application/x-protobuf');
    assert.equal(reply.body.length, 0);
  });

  void it('accepts gzip-encoded protobuf and JSON', async () => {
    const { tree, spans } = await recordSpans();
    const gzProto = await post(collector, gzipSync(ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array()), { ...PROTOBUF, 'content-encoding': 'gzip' });
    assert.equal(gzProto.status, 200);
    assert.equal(await spanCount(collector, tree.traceId), 3);

    const other = await recordSpans();
    const gzJson = await post(collector, gzipSync(JsonTraceSerializer.serializeRequest(other.spans) ?? new Uint8Array()), { ...JSON_TYPE, 'content-encoding': 'gzip' });
    assert.equal(gzJson.status, 200);
    assert.equal(gzJson.type, 'application/json');
    assert.deepEqual(JSON.parse(gzJson.body.toString()), {});
    assert.equal(await spanCount(collector, other.tree.traceId), 3);
  });

  void it('accepts gzip-compressed exports from the real gRPC and HTTP exporters', async () => {
    const tree = await recordSpanTree(
      new GrpcTraceExporter({ url: `http://127.0.0.1:${collector.grpcPort}`, compression: CompressionAlgorithm.GZIP }),
      new HttpTraceExporter({ url: `http://127.0.0.1:${collector.httpPort}/v1/traces`, compression: CompressionAlgorithm.GZIP }),
    );
    assert.equal(await spanCount(collector, tree.traceId), 3);
    assert.equal(await spanCount(collector, tree.tickTraceId), 1);
  });

  void it('accepts hand-written OTLP/JSON with numeric times and reports rejected spans as partial success', async () => {
    const traceId = '5b8efff798038103d269b633813fc60c';
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'handmade' } }] },
          scopeSpans: [
            {
              scope: { name: 'by-hand' },
              spans: [
                { traceId, spanId: 'eee19b7ec3c1b174', name: 'ok', kind: 2, startTimeUnixNano: 1_700_000_000_000_000_000, endTimeUnixNano: '1700000000001000000', attributes: [{ key: 'n', value: { intValue: '7' } }] },
                { traceId: 'zz', spanId: 'eee19b7ec3c1b175', name: 'bad id' },
              ],
            },
          ],
        },
      ],
    };
    const reply = await post(collector, JSON.stringify(body), JSON_TYPE);
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body.toString()), { partialSuccess: { rejectedSpans: 1, errorMessage: 'span with an invalid trace id' } });
    const response = await fetch(`http://127.0.0.1:${collector.queryPort}/api/traces/${traceId}`);
    const trace = ((await response.json()) as { data: { spans: { startTime: number; duration: number; tags: unknown[] }[] }[] }).data[0];
    assert.equal(trace?.spans[0]?.startTime, 1_700_000_000_000_000);
    assert.equal(trace?.spans[0]?.duration, 1000);
    assert.deepEqual(trace?.spans[0]?.tags.slice(0, 1), [{ key: 'n', type: 'int64', value: 7 }]);
  });

  const malformed: readonly { name: string; body: Uint8Array | string; headers: Record<string, string>; type: string }[] = [
    { name: 'garbage protobuf', body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), headers: PROTOBUF, type: 'application/x-protobuf' },
    { name: 'truncated protobuf', body: Buffer.from([0x0a, 0x10, 0x0a]), headers: PROTOBUF, type: 'application/x-protobuf' },
    { name: 'garbage JSON', body: '{"resourceSpans": [', headers: JSON_TYPE, type: 'application/json' },
    { name: 'JSON of the wrong shape', body: '{"resourceSpans": 5}', headers: JSON_TYPE, type: 'application/json' },
    { name: 'JSON that is not an object', body: '[1,2]', headers: JSON_TYPE, type: 'application/json' },
    { name: 'bad gzip', body: 'not gzip', headers: { ...JSON_TYPE, 'content-encoding': 'gzip' }, type: 'application/json' },
  ];
  for (const c of malformed) {
    void it(`answers 400 with a Status to ${c.name} and keeps earlier traces`, async () => {
      const reply = await post(collector, c.body, c.headers);
      assert.equal(reply.status, 400);
      assert.equal(reply.type, c.type);
      const status = c.type === 'application/json' ? (JSON.parse(reply.body.toString()) as { code: number; message: string }) : (otlpTypes.rpcStatus.toObject(otlpTypes.rpcStatus.decode(reply.body)) as { code: number; message: string });
      assert.equal(status.code, 3);
      assert.ok(status.message.length > 0);
      assert.equal(await spanCount(collector, first.traceId), 3);
    });
  }

  void it('answers INVALID_ARGUMENT to garbage over gRPC and keeps earlier traces', async () => {
    const error = await grpcExport(collector, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
    assert.equal(error?.code, grpc.status.INVALID_ARGUMENT);
    assert.equal(await spanCount(collector, first.traceId), 3);
    const ok = await grpcExport(collector, Buffer.alloc(0));
    assert.equal(ok, null);
  });

  void it('refuses other content types, methods and paths', async () => {
    assert.equal((await post(collector, 'x', { 'content-type': 'text/plain' })).status, 415);
    assert.equal((await post(collector, 'x', { ...JSON_TYPE, 'content-encoding': 'br' })).status, 415);
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`)).status, 405);
    assert.equal((await fetch(`http://127.0.0.1:${collector.httpPort}/v1/metrics`, { method: 'POST', body: '{}', headers: JSON_TYPE })).status, 404);
  });

  void it('answers 413 to a body over 16 MiB, and to a gzip bomb', async () => {
    const big = await post(collector, Buffer.alloc(16 * 1024 * 1024 + 1), PROTOBUF);
    assert.equal(big.status, 413);
    const bomb = await post(collector, gzipSync(Buffer.alloc(17 * 1024 * 1024)), { ...PROTOBUF, 'content-encoding': 'gzip' });
    assert.equal(bomb.status, 413);
    assert.equal(await spanCount(collector, first.traceId), 3);
  });
});
