import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { superviseChild } from '../../../scripts/stack/superviseChild';
import type { SupervisedRun } from '../../../scripts/stack/superviseChild';

/** A run the test ends by hand: crash() as if it died, stop() as if asked to. */
function fakeRun(pid: number) {
  let end: (exit: unknown) => void = () => undefined;
  const exited = new Promise<unknown>((resolve) => (end = resolve));
  let stopped = false;
  const run: SupervisedRun & { crash(): void; readonly stopped: boolean } = {
    pid,
    exited,
    stop: async () => {
      stopped = true;
      end({ code: 0, signal: 'SIGTERM' });
    },
    crash: () => end({ code: null, signal: 'SIGKILL' }),
    get stopped() {
      return stopped;
    },
  };
  return run;
}

function harness(options: { maxCrashes?: number; crashWindowMs?: number } = {}) {
  const lines: string[] = [];
  const runs = [fakeRun(100)];
  const gaveUp: string[] = [];
  const supervisor = superviseChild(runs[0]!, {
    name: 'processOrder',
    start: () => {
      const run = fakeRun(100 + runs.length);
      runs.push(run);
      return run;
    },
    log: (line) => lines.push(line),
    onGiveUp: (reason) => gaveUp.push(reason),
    minBackoffMs: 5,
    maxBackoffMs: 12,
    maxCrashes: options.maxCrashes ?? 3,
    crashWindowMs: options.crashWindowMs ?? 60_000,
  });
  const until = async (check: () => boolean): Promise<void> => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(check(), lines.join('\n'));
  };
  return { supervisor, runs, lines, gaveUp, until };
}

void describe('superviseChild', () => {
  void it('restarts a run that ended unasked, after a backoff that doubles, capped, saying so', async () => {
    const h = harness({ maxCrashes: 5 });
    for (let n = 1; n <= 3; n++) {
      h.runs.at(-1)!.crash();
      await h.until(() => h.runs.length === n + 1 && h.supervisor.pid === 100 + n);
    }
    assert.deepEqual(h.lines, [
      '[stack] processOrder (pid 100) was killed by SIGKILL; restarting it in 5 ms (crash 1 of 5 allowed within 60 s)',
      '[stack] processOrder is back as pid 101 (restart 1)',
      '[stack] processOrder (pid 101) was killed by SIGKILL; restarting it in 10 ms (crash 2 of 5 allowed within 60 s)',
      '[stack] processOrder is back as pid 102 (restart 2)',
      '[stack] processOrder (pid 102) was killed by SIGKILL; restarting it in 12 ms (crash 3 of 5 allowed within 60 s)',
      '[stack] processOrder is back as pid 103 (restart 3)',
    ]);
    assert.equal(h.supervisor.restarts, 3);
    await h.supervisor.stop();
    assert.ok(h.runs.at(-1)!.stopped);
  });

  void it('gives up after maxCrashes within the window, once, and starts nothing more', async () => {
    const h = harness({ maxCrashes: 2 });
    h.runs[0]!.crash();
    await h.until(() => h.runs.length === 2);
    h.runs[1]!.crash();
    await h.until(() => h.gaveUp.length === 1);
    assert.deepEqual(h.gaveUp, ['processOrder (pid 101) was killed by SIGKILL; it crashed 2 times within 60 s, giving up']);
    assert.equal(h.supervisor.pid, undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(h.runs.length, 2);
  });

  void it('forgets crashes older than the window', async () => {
    const h = harness({ maxCrashes: 2, crashWindowMs: 20 });
    h.runs[0]!.crash();
    await h.until(() => h.runs.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 40));
    h.runs[1]!.crash();
    await h.until(() => h.runs.length === 3);
    assert.deepEqual(h.gaveUp, []);
    assert.match(h.lines.at(-1)!, /is back as pid 102/);
    await h.supervisor.stop();
  });

  void it('stop() ends the current run and cancels a pending restart', async () => {
    const h = harness();
    h.runs[0]!.crash();
    await h.until(() => h.lines.length === 1);
    await h.supervisor.stop();
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(h.runs.length, 1, 'nothing restarted after stop()');

    const asked = harness();
    await asked.supervisor.stop();
    assert.ok(asked.runs[0]!.stopped);
    assert.deepEqual(asked.lines, [], 'a run stopped on request is no crash');
  });
});
