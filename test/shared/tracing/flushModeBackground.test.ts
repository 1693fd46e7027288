/**
 * FLUSH_MODE=background (instance-based billing): the third party's function as a real
 * functions-framework process exporting OTLP/HTTP to a collector this test controls,
 * which holds its answers. Batches of 3 spans, no timed export (OTEL_BSP_SCHEDULE_DELAY
 * of a minute), a flush deadline of 30 s.
 *
 * - Requests 1-3 fill a batch, whose export hangs at the collector. Requests 4-5 are
 *   answered while it hangs, each within a bound far below the flush deadline: nothing
 *   on the request path waits for the exporter (in `before-response` mode they would
 *   wait for that export, up to 30 s).
 * - The collector then answers; the spans of requests 4-5 are still queued (half a
 *   batch) and reach it only when the process gets SIGTERM: every span is exported.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { startThirdPartyFunction } from './support/startThirdPartyFunction';
import type { ThirdPartyFunction } from './support/startThirdPartyFunction';

// A bound for the test, not a measurement: far below the 30 s a waiting request would take.
const ANSWER_WITHIN_MS = 10_000;

/** An OTLP/HTTP (JSON) endpoint that records every export and answers only when released. */
class HoldingCollector {
  readonly exports: string[][] = [];
  private held: ServerResponse[] = [];
  private holding = true;
  private server: Server | undefined;
  port = 0;

  async listen(): Promise<void> {
    this.server = createServer((req, res) => void this.receive(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Answers what it held, and everything from now on. */
  release(): void {
    this.holding = false;
    for (const res of this.held) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    this.held = [];
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      resourceSpans?: { scopeSpans?: { spans?: { traceId: string }[] }[] }[];
    };
    this.exports.push((body.resourceSpans ?? []).flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => (s.spans ?? []).map((span) => span.traceId))));
    if (this.holding) this.held.push(res);
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}

const collector = new HoldingCollector();
let fn: ThirdPartyFunction;

before(async () => {
  await collector.listen();
  fn = await startThirdPartyFunction('helloSend', `http://127.0.0.1:${collector.port}`, {
    FLUSH_MODE: 'background',
    // This endpoint reads JSON; the transport is not what is under test.
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    FLUSH_TIMEOUT_MS: '30000',
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '3',
    OTEL_BSP_SCHEDULE_DELAY: '60000',
  });
});

after(async () => {
  await fn?.child.stop(5000);
  await collector.close();
});

const traceIds = [1, 2, 3, 4, 5].map((i) => String(i).repeat(32));

async function ask(traceId: string): Promise<number> {
  const response = await fetch(fn.url, { headers: { traceparent: `00-${traceId}-${'a'.repeat(16)}-01` }, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
  await response.arrayBuffer();
  return response.status;
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(condition(), what);
}

test('a hanging exporter adds nothing to the requests, and SIGTERM exports every span', async () => {
  for (const traceId of traceIds.slice(0, 3)) assert.equal(await ask(traceId), 200);
  await until('the first batch went out and hangs at the collector', () => collector.heldCount === 1);

  for (const traceId of traceIds.slice(3)) {
    assert.equal(await ask(traceId), 200, 'answered while the export hangs');
    assert.equal(collector.heldCount, 1, 'the export was still hanging when the answer came');
  }

  collector.release();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(collector.exports.length, 1, 'the rest waits in the queue: nothing else was exported before SIGTERM');

  const exit = await fn.child.stop(20_000);
  assert.equal(exit.signal, null, `exited by itself after flushing, not killed (${JSON.stringify(exit)})`);
  const exported = collector.exports.flat();
  assert.deepEqual([...new Set(exported)].sort(), [...traceIds].sort(), 'every request\'s span was exported');
  assert.equal(collector.exports.length, 2, 'the second export happened at SIGTERM');
});
