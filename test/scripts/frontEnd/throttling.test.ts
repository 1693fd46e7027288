/**
 * The front end before real functions-framework processes traced by the library, a real
 * collector beside them: what request-based billing (SIGSTOP between requests), scale-in
 * and crashes do to the spans. The process state comes from /proc/<pid>/stat.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
// Not the fixture itself: importing it would start tracing in this process.
import { SPANS_PER_REQUEST } from '../../../scripts/bench/fixtures/throttledSpans';
import { callerTraceparent, send, spansInTrace, startThrottledWorld, tracesOfService } from '../../../scripts/bench/throttledWorld';
import type { ThrottledWorld } from '../../../scripts/bench/throttledWorld';
import { processState } from '../../../scripts/frontEnd/processState';
import { waitFor } from '../../support/waitFor';

const isLinux = process.platform === 'linux';

async function withWorld(options: Parameters<typeof startThrottledWorld>[0], body: (world: ThrottledWorld) => Promise<void>): Promise<void> {
  const world = await startThrottledWorld(options);
  try {
    await body(world);
  } finally {
    await world.close();
  }
}

function pidOf(body: string): number {
  return (JSON.parse(body) as { pid: number }).pid;
}

describe('front end: request-based billing', { skip: isLinux ? false : 'needs /proc and process groups (Linux)' }, () => {
  it('before-response: every span of an answered request is at the collector when the answer arrives; the process is stopped (T) between requests', async () => {
    await withWorld({ target: 'work' }, async (world) => {
      const pids = new Set<number>();
      for (let i = 0; i < 8; i++) {
        const caller = callerTraceparent(i);
        const answer = await send(world.frontEnd.url, { headers: { traceparent: caller.header } });
        assert.equal(answer.status, 200);
        assert.equal(answer.headers['x-local-platform'], 'cloud-run; billing=request');
        // Asked at once, no waiting: the flush finished before the function answered.
        assert.equal((await spansInTrace(world.collector, caller.traceId)).length, SPANS_PER_REQUEST, `request ${i}: spans at the collector when the answer arrived`);
        const pid = pidOf(answer.body);
        pids.add(pid);
        assert.equal(await waitFor(`pid ${pid} stopped`, () => (processState(pid) === 'T' ? 'T' : undefined), 2_000), 'T');
      }
      assert.equal(pids.size, 1, 'one warm instance served every request');
    });
  });

  it('background: spans wait in a stopped process until scale-in, then all arrive at SIGTERM (even after the collector closed the kept-alive socket)', async () => {
    // Idle longer than the collector's keep-alive (Node's 5 s): the exporter's pooled socket is
    // closed while the process is stopped, and the export at SIGTERM must not be lost on it.
    await withWorld({ target: 'work', idleShutdownMs: 6_500, env: { FLUSH_MODE: 'background', OTEL_BSP_SCHEDULE_DELAY: '100' } }, async (world) => {
      const callers = [0, 1, 2, 3].map((i) => callerTraceparent(i));
      let pid = 0;
      for (const caller of callers) {
        const answer = await send(world.frontEnd.url, { headers: { traceparent: caller.header } });
        assert.equal(answer.status, 200);
        pid = pidOf(answer.body);
      }
      // Ten batch delays later the last request's spans are still in the stopped process.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal(processState(pid), 'T');
      const last = callers.at(-1)!;
      assert.ok((await spansInTrace(world.collector, last.traceId)).length < SPANS_PER_REQUEST, 'the frozen batch processor exported nothing of the last request');
      // Scale-in: SIGCONT, SIGTERM; the library's SIGTERM listener exports what is left.
      await waitFor('scale-in', () => world.logs.find((l) => l.message === 'front end: instance shut down'), 15_000);
      assert.equal(world.logs.find((l) => l.message === 'front end: instance shut down')?.fields.exit, 'exited with code 0', 'it exited by itself within the grace, no SIGKILL');
      for (const caller of callers) assert.equal((await spansInTrace(world.collector, caller.traceId)).length, SPANS_PER_REQUEST);
    });
  });

  it('scale-in, then a request: a new instance (a cold start, faas.coldstart) and nothing lost; a request during the shutdown waits for the new one', async () => {
    await withWorld({ target: 'work', idleShutdownMs: 1_000 }, async (world) => {
      const first = callerTraceparent(1);
      const a = await send(world.frontEnd.url, { headers: { traceparent: first.header } });
      await waitFor('scale-in', () => world.logs.find((l) => l.message === 'front end: idle, shutting the instance down (scale-in)'), 10_000);
      const second = callerTraceparent(2);
      const b = await send(world.frontEnd.url, { headers: { traceparent: second.header } });
      assert.deepEqual([a.status, b.status], [200, 200]);
      assert.notEqual(pidOf(a.body), pidOf(b.body), 'the second request reached a new instance');
      assert.equal(world.frontEnd.manager.instancesStarted, 2);
      for (const caller of [first, second]) {
        const spans = await spansInTrace(world.collector, caller.traceId);
        assert.equal(spans.length, SPANS_PER_REQUEST);
        const server = spans.find((s) => s.tags.some((t) => t.key === 'faas.coldstart'));
        assert.equal(server?.tags.find((t) => t.key === 'faas.coldstart')?.value, true, 'each was its instance\'s first invocation');
      }
    });
  });

  it('an instance killed while stopped: the next request starts a new one and succeeds', async () => {
    await withWorld({ target: 'crash' }, async (world) => {
      const a = await send(world.frontEnd.url);
      const pid = pidOf(a.body);
      await waitFor('stopped', () => (processState(pid) === 'T' ? true : undefined), 2_000);
      process.kill(pid, 'SIGKILL');
      const b = await send(world.frontEnd.url);
      assert.equal(b.status, 200, b.body);
      assert.notEqual(pidOf(b.body), pid);
      assert.ok(world.logs.some((l) => l.severity === 'WARNING' && l.fields.pid === pid), 'the crash was reported');
    });
  });

  it('an instance that exits during a request: 503 for that request (the function failed), the next one gets a new instance', async () => {
    await withWorld({ target: 'crash' }, async (world) => {
      const crashed = await send(`${world.frontEnd.url}?now`);
      assert.equal(crashed.status, 503);
      const next = await send(world.frontEnd.url);
      assert.equal(next.status, 200);
    });
  });
});

describe('front end: instance billing', { skip: isLinux ? false : 'needs /proc (Linux)' }, () => {
  it('never stops the process, and background export runs between requests as today', async () => {
    await withWorld({ target: 'work', billing: 'instance', env: { FLUSH_MODE: 'background', OTEL_BSP_SCHEDULE_DELAY: '100' } }, async (world) => {
      const caller = callerTraceparent(7);
      const answer = await send(world.frontEnd.url, { headers: { traceparent: caller.header } });
      assert.equal(answer.headers['x-local-platform'], 'cloud-run; billing=instance');
      const pid = pidOf(answer.body);
      await waitFor('background export', async () => ((await spansInTrace(world.collector, caller.traceId)).length === SPANS_PER_REQUEST ? true : undefined), 5_000);
      assert.notEqual(processState(pid), 'T');
    });
  });
});

describe('front end: limits and sampling', { skip: isLinux ? false : 'Linux only' }, () => {
  it('answers 504 at the timeout without waiting for the function, and the instance serves the next request', async () => {
    await withWorld({ target: 'slow', timeoutMs: 1_500 }, async (world) => {
      // A cold start may itself outlast the timeout on a busy machine (504, instance still starting): warm up first.
      await waitFor('a warm instance', async () => ((await send(world.frontEnd.url)).status === 200 ? true : undefined), 30_000);
      const slow = await send(`${world.frontEnd.url}?ms=6000`);
      assert.equal(slow.status, 504);
      assert.equal((await send(world.frontEnd.url)).status, 200);
    });
  });

  it('answers 413 to a request over 32 MiB (declared or streamed) without starting an instance', async () => {
    await withWorld({ target: 'work' }, async (world) => {
      const big = Buffer.alloc(32 * 1024 * 1024 + 1, 0x61);
      assert.equal((await send(world.frontEnd.url, { method: 'POST', body: big })).status, 413);
      assert.equal((await send(world.frontEnd.url, { method: 'POST', headers: { 'transfer-encoding': 'chunked' }, body: big })).status, 413);
      assert.equal(world.frontEnd.manager.instancesStarted, 0);
      assert.equal((await send(world.frontEnd.url, { method: 'POST', body: Buffer.alloc(1024 * 1024, 0x61) })).status, 200);
    });
  });

  it('with a parent-based sampler, only the front end\'s rate-limited sampled requests are recorded; a forced one always is', async () => {
    await withWorld({ target: 'work', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } }, async (world) => {
      for (let i = 0; i < 4; i++) assert.equal((await send(world.frontEnd.url)).status, 200);
      assert.equal(await tracesOfService(world.collector, 'work'), 1, 'one token: the first request of the instance');
      const forced = `${'e'.repeat(32)}/1;o=1`;
      assert.equal((await send(world.frontEnd.url, { headers: { 'x-cloud-trace-context': forced } })).status, 200);
      assert.equal((await spansInTrace(world.collector, 'e'.repeat(32))).length, SPANS_PER_REQUEST);
    });
  });
});
