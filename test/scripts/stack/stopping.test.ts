import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FREE_PORT_ARGS } from '../../../scripts/stack/parseStackOptions';
import { readFileSync } from 'node:fs';
import type { StackProcess } from './stackProcess';
import { portsNamed, portsStillListening, startStackProcess } from './stackProcess';

// However the stack ends, nothing it started may keep listening: the bar is 15 s.
const GONE_WITHIN_MS = 15_000;
const READY = /\[stack\] ready in \d+ ms/;
const ARGS = [...FREE_PORT_ARGS, '--emulators=bundled'];

async function ready(stack: StackProcess): Promise<number[]> {
  await stack.waitFor(READY, 90_000);
  await stack.waitFor(/Local stack ready in/, 5_000);
  const ports = portsNamed(stack.output());
  // createOrder, processOrder, the sweeper, both emulators, OTLP gRPC + HTTP, the query API.
  assert.ok(ports.length >= 8, `the output names every port: ${ports.join(', ')}\n${stack.output()}`);
  return ports;
}

/** Alive and not a zombie (an orphan's exit is reaped by whoever adopted it, maybe later). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whatever happens in a test, nothing of its stack is left running. */
async function cleanUp(stack: StackProcess, groupToo = false): Promise<void> {
  for (const pid of groupToo ? [-stack.pid, stack.pid] : [stack.pid]) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone
    }
  }
  await Promise.race([stack.exit, new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
}

/** Starts the stack through npm, signals npm's pid, and checks every port closes in time. */
async function signalNpm(signal: NodeJS.Signals): Promise<StackProcess> {
  const stack = startStackProcess(ARGS, { viaNpm: true });
  try {
    const ports = await ready(stack);
    process.kill(stack.pid, signal);
    assert.deepEqual(await portsStillListening(ports, GONE_WITHIN_MS), [], stack.output());
    return stack;
  } finally {
    await cleanUp(stack);
  }
}

void describe('stopping the local stack', () => {
  void it('kill -TERM <npm start pid> stops every part and npm exits 0', async () => {
    const stack = await signalNpm('SIGTERM');
    assert.equal(await stack.exit, 0, stack.output());
    assert.match(stack.output(), /SIGTERM: stopping the local stack/);
  });

  void it("Ctrl-C (SIGINT to npm's whole process group, as a terminal sends it) stops it once and exits 0", async () => {
    const stack = startStackProcess(ARGS, { viaNpm: true, detached: true });
    try {
      const ports = await ready(stack);
      process.kill(-stack.pid, 'SIGINT');
      assert.equal(await stack.exit, 0, stack.output());
      // npm forwards the SIGINT the runner also got from the "terminal": one stop, not "again".
      assert.doesNotMatch(stack.output(), /again: killing/);
      assert.match(stack.output(), /Stopped\./);
      assert.deepEqual(await portsStillListening(ports, GONE_WITHIN_MS), []);
    } finally {
      await cleanUp(stack, true);
    }
  });

  void it('SIGHUP to npm (its terminal closed) ends npm, and the runner, seeing its parent gone, stops every part', async () => {
    await signalNpm('SIGHUP');
  });

  void it('a SIGKILLed runner leaves nothing listening: each part notices and exits', async () => {
    const stack = startStackProcess(ARGS);
    try {
      const ports = await ready(stack);
      const pids = [...stack.output().matchAll(/\[stack\] \w+ started as pid (\d+)/g)].map((m) => Number(m[1]));
      assert.equal(pids.length, 3, stack.output());
      process.kill(stack.pid, 'SIGKILL');
      assert.deepEqual(await portsStillListening(ports, GONE_WITHIN_MS), [], stack.output());
      const deadline = Date.now() + 5_000;
      while (pids.some(isRunning) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(pids.filter(isRunning), [], 'no function outlived its runner');
    } finally {
      await cleanUp(stack);
    }
  });
});
