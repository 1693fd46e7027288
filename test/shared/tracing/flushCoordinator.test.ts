import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlushCoordinator } from '../../../shared/tracing/flushCoordinator';

/** A flush function whose runs are started and finished by the test. */
function controllableFlush() {
  const runs: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  return {
    runs,
    flush: () => new Promise<void>((resolve, reject) => runs.push({ resolve, reject })),
  };
}

// The deadline timers are unref()ed (they must not keep an idle instance alive); in a
// function the server holds the event loop open, here this handle does.
let keepAlive: NodeJS.Timeout;
before(() => {
  keepAlive = setInterval(() => undefined, 1000);
});
after(() => clearInterval(keepAlive));

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

test('one caller, one flush', async () => {
  const flusher = controllableFlush();
  const coordinator = new FlushCoordinator(flusher.flush, 10_000);
  const outcome = coordinator.flush();
  await tick();
  assert.equal(flusher.runs.length, 1);
  flusher.runs[0]!.resolve();
  assert.equal(await outcome, 'flushed');
});

test('callers arriving during a flush share one queued flush that starts after it', async () => {
  const flusher = controllableFlush();
  const coordinator = new FlushCoordinator(flusher.flush, 10_000);
  const first = coordinator.flush();
  await tick();
  const settled: string[] = [];
  const later = Array.from({ length: 50 }, (_, i) => coordinator.flush().then((outcome) => settled.push(`${i}:${outcome}`)));
  await tick();
  assert.equal(flusher.runs.length, 1, 'no second flush while the first is in flight');
  flusher.runs[0]!.resolve();
  assert.equal(await first, 'flushed');
  await tick();
  assert.equal(settled.length, 0, 'the later callers wait for a flush that started after them');
  assert.equal(flusher.runs.length, 2, 'exactly one shared follow-up flush');
  flusher.runs[1]!.resolve();
  await Promise.all(later);
  assert.equal(settled.length, 50);
  assert.equal(flusher.runs.length, 2);
});

test('a hanging flush costs each caller at most the deadline', async () => {
  const coordinator = new FlushCoordinator(() => new Promise<void>(() => undefined), 30);
  const started = performance.now();
  assert.equal(await coordinator.flush(), 'timed-out');
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= 25, `returned before the deadline (${elapsed} ms)`);
});

test('a failing flush is reported as failed, never thrown, and the next flush runs', async () => {
  let calls = 0;
  const coordinator = new FlushCoordinator(() => {
    calls++;
    return calls === 1 ? Promise.reject(new Error('exporter down')) : Promise.resolve();
  }, 1000);
  assert.equal(await coordinator.flush(), 'failed');
  assert.equal(await coordinator.flush(), 'flushed');
  assert.equal(calls, 2);
});

test('a zero deadline does not wait', async () => {
  const coordinator = new FlushCoordinator(() => new Promise<void>(() => undefined), 1000);
  assert.equal(await coordinator.flush(0), 'timed-out');
});
