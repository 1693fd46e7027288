import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlushCoordinator, MAX_CONCURRENT_FLUSHES } from 'cloud-functions-otel-tracing/internal/flushCoordinator';

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

test('callers of one turn share one flush', async () => {
  const flusher = controllableFlush();
  const coordinator = new FlushCoordinator(flusher.flush, 10_000);
  const outcomes = Array.from({ length: 20 }, () => coordinator.flush());
  await tick();
  assert.equal(flusher.runs.length, 1);
  flusher.runs[0]!.resolve();
  assert.deepEqual(new Set(await Promise.all(outcomes)), new Set(['flushed']));
});

test('callers arriving during a flush share one new flush that starts at once beside it, not after it', async () => {
  const flusher = controllableFlush();
  const coordinator = new FlushCoordinator(flusher.flush, 10_000);
  const first = coordinator.flush();
  await tick();
  const settled: string[] = [];
  const later = Array.from({ length: 50 }, (_, i) => coordinator.flush().then((outcome) => settled.push(`${i}:${outcome}`)));
  await tick();
  assert.equal(flusher.runs.length, 2, 'the later callers do not wait for the first flush to finish');
  flusher.runs[1]!.resolve();
  await Promise.all(later);
  assert.equal(settled.length, 50, 'their own flush is enough: it started after their spans ended');
  let firstDone = false;
  void first.then(() => (firstDone = true));
  await tick();
  assert.equal(firstDone, false, 'the first caller still waits for its own flush');
  flusher.runs[0]!.resolve();
  assert.equal(await first, 'flushed');
  assert.equal(flusher.runs.length, 2);
});

test(`at ${MAX_CONCURRENT_FLUSHES} flushes in flight, later callers share one flush that starts when a slot frees`, async () => {
  const flusher = controllableFlush();
  const coordinator = new FlushCoordinator(flusher.flush, 10_000);
  const running = [];
  for (let i = 0; i < MAX_CONCURRENT_FLUSHES; i++) {
    running.push(coordinator.flush());
    await tick();
  }
  assert.equal(flusher.runs.length, MAX_CONCURRENT_FLUSHES);
  const waiting = Array.from({ length: 10 }, () => coordinator.flush());
  await tick();
  assert.equal(flusher.runs.length, MAX_CONCURRENT_FLUSHES, 'no flush beyond the cap');
  flusher.runs[2]!.resolve();
  await tick();
  assert.equal(flusher.runs.length, MAX_CONCURRENT_FLUSHES + 1, 'one shared flush takes the freed slot');
  flusher.runs[MAX_CONCURRENT_FLUSHES]!.resolve();
  assert.deepEqual(new Set(await Promise.all(waiting)), new Set(['flushed']));
  for (const run of flusher.runs) run.resolve();
  await Promise.all(running);
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
